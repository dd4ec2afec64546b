"""``manage.py import_openreferral PATH [PATH …] [--dry-run] [--source NAME]``: Open Referral UK
or HSDS 3.0 listings in as drafts for editors to check (organisations/openreferral/importing.py).

It prints what it did: each record skipped and where it is, conflicts with editors' changes,
details held back from published listings, possible duplicates, unmapped terms with their
counts, and a closing summary line. The exit status is 0 when the run completes, whatever it
skipped; non-zero only when no input could be read at all.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisations.openreferral.importing import Importer


def default_source(path):
    """A source named after the input: ``bristol-services.ndjson`` → ``bristol-services``."""
    path = Path(path.rstrip("/\\"))
    return (path.stem if path.suffix else path.name) or "import"


class Command(BaseCommand):
    help = "Import Open Referral UK / HSDS 3.0 services and organisations as drafts."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help="A JSON or NDJSON file, a data package (directory or .zip), or a directory.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and report everything; write nothing.",
        )
        parser.add_argument(
            "--source",
            help="The directory the data comes from, kept with every row (default: the first "
            "PATH's name). A second import of the same source updates what the first made.",
        )

    def handle(self, paths, dry_run=False, source=None, **options):
        source = (source or default_source(paths[0])).strip()
        if not source:
            raise CommandError("--source cannot be empty.")
        report = Importer(source, dry_run=dry_run).run(paths)
        for line in report.lines():
            self.stdout.write(line)
        if report.nothing_read:
            raise CommandError("No input could be read.")
