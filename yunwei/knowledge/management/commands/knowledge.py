from django.core.management.base import BaseCommand

from yunwei.knowledge import search


class Command(BaseCommand):
    help = "Knowledge base tools. `knowledge reindex` rebuilds the search index of articles and "
    "tickets."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("reindex", help="rebuild the full-text search index")

    def handle(self, *args, subcommand, **options):
        if subcommand == "reindex":
            verbosity = options.get("verbosity", 1)

            def progress(source, done, total):
                if verbosity:
                    self.stdout.write(f"  {source}: {done}/{total}")

            counts = search.reindex_all(progress=progress)
            summary = ", ".join(f"{source} {n}" for source, n in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {summary}"))
