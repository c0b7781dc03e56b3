"""Compile every yunwei/locale/*/LC_MESSAGES/*.po to .mo with polib (no gettext tools needed)."""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "yunwei" / "locale"


def main() -> int:
    count = 0
    for po_path in sorted(ROOT.glob("*/LC_MESSAGES/*.po")):
        catalogue = polib.pofile(str(po_path))
        catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
        count += 1
        done = catalogue.percent_translated()
        print(f"compiled {po_path.relative_to(ROOT.parent.parent)} ({done}% translated)")
    return 0 if count else 1


if __name__ == "__main__":
    sys.exit(main())
