"""Delete suggestions from the public once they are older than the privacy page promises, and the
rate limit's counts kept in the database once their hour has ended."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from organisations.suggestions.limits import forget_ended_counts
from organisations.suggestions.services import purge


class Command(BaseCommand):
    help = (
        "Delete suggestions older than DIRECTORY_SUGGESTIONS_KEEP_DAYS "
        f"({settings.DIRECTORY_SUGGESTIONS_KEEP_DAYS} days), whatever their status, and the "
        "rate limit's counts whose hour has ended. Run it daily, for example from cron."
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
        counts = forget_ended_counts()
        noun = "count" if counts == 1 else "counts"
        self.stdout.write(f"Deleted {counts} rate-limit {noun} whose hour had ended.")
