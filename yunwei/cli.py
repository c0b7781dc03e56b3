"""The ``yunwei`` console command: Django's management commands under one name.

``yunwei calendar deadline …``, ``yunwei audit verify``, ``yunwei demo``, ``yunwei migrate``,
``yunwei check --deploy`` and every other management command.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yunwei.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "yunwei"
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
