"""``manage.py export_openreferral DIR``: the UK tabular data package of everything public
(organisations/openreferral/exporting.py), written into DIR."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory.site import site_url
from organisations.caching.versioning import current_state
from organisations.openreferral.exporting import write_package


class Command(BaseCommand):
    help = "Write the Open Referral UK tabular data package of everything public into DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Where to write datapackage.json and the CSVs.")

    def handle(self, directory, **options):
        target = Path(directory)
        if target.exists() and not target.is_dir():
            raise CommandError(f"{target} is a file, not a directory.")
        try:
            counts = write_package(target, current_state().version, site_url())
        except OSError as error:
            raise CommandError(f"Could not write the package into {target}: {error}") from error
        rows = ", ".join(f"{name} {count:,}" for name, count in counts.items() if count)
        self.stdout.write(f"Wrote the data package into {target}: {rows}.")
