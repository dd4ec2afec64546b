"""Delete suggestions from the public once they are older than the privacy page promises."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from organisations.suggestions.services import purge


class Command(BaseCommand):
    help = (
        "Delete suggestions older than DIRECTORY_SUGGESTIONS_KEEP_DAYS "
        f"({settings.DIRECTORY_SUGGESTIONS_KEEP_DAYS} days), whatever their status. "
        "Run it daily, for example from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Delete suggestions older than this many days instead.",
        )

    def handle(self, days, **options):
        if days is None:
            days = settings.DIRECTORY_SUGGESTIONS_KEEP_DAYS
        if days < 0:
            raise CommandError("--days cannot be negative.")
        count = purge(days)
        noun = "suggestion" if count == 1 else "suggestions"
        self.stdout.write(f"Deleted {count} {noun} older than {days} days.")
