"""Load the UK postcode districts from the shipped table, checksums verified (near/districts.py).

``migrate`` does this itself (signals.py), so ``make run`` needs nothing more; this command is
for loading them again by hand, say after restoring a database dumped without them.
"""

from django.core.management.base import BaseCommand, CommandError

from organisations.near import districts


class Command(BaseCommand):
    help = "Load the UK postcode districts (centroid and regions) from the shipped table."

    def handle(self, *args, **options):
        try:
            written = districts.sync()
        except districts.TableChanged as error:
            raise CommandError(f"Refused: {error}") from error
        if written:
            self.stdout.write(f"Loaded {written:,} postcode districts.")
        else:
            self.stdout.write("The postcode districts were loaded already.")
