from django.core.management.base import BaseCommand, CommandError

from yunwei.core import audit


class Command(BaseCommand):
    help = "Audit log tools. `audit verify` checks the hash chain: exit 0 if intact, 1 if not."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="verify the hash chain of the audit log")

    def handle(self, *args, subcommand, **options):
        if subcommand == "verify":
            result = audit.verify()
            if result.ok:
                self.stdout.write(f"OK: {result.checked} entries, chain intact")
                return
            raise CommandError(
                f"audit chain broken at entry #{result.bad_seq}: {result.reason} "
                f"({result.checked} entries verified before it)",
                returncode=1,
            )
