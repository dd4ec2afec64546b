"""Writes that change many rows at once (admin's actions, bulk loaders), each through here so that
none can forget what such a change must do.

``QuerySet.update()`` sends no signals, so ``bulk_change``: records the change in admin's log and
in each row's change history (history.py), and moves the directory's version when the public may
see the change (signals.public_models), so that every cached page is made afresh.
"""

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connections
from django.utils import timezone

from .caching.versioning import directory_changed
from .choices import Status
from .history import record_bulk_change
from .signals import public_models


def bulk_change(queryset, user, changes, labels):
    """``queryset.update(**changes)``, recorded as made by ``user``; ``labels`` name the fields
    changed in admin's log and the history. How many rows changed."""
    rows = list(queryset)
    count = queryset.update(**changes)
    if not rows:
        return count
    LogEntry.objects.log_actions(user.pk, rows, CHANGE, [{"changed": {"fields": list(labels)}}])
    reason = f"Changed with an action on the list: {', '.join(labels)}"
    record_bulk_change(type(rows[0]), rows, user, reason)
    if queryset.model in public_models():
        directory_changed()
    return count


def publish(organisations, user):
    changes = {"status": Status.PUBLISHED, "updated": timezone.now()}
    return bulk_change(organisations, user, changes, ["Status"])


def unpublish(organisations, user):
    """Back to draft: off the public site, and can be published again."""
    changes = {"status": Status.DRAFT, "updated": timezone.now()}
    return bulk_change(organisations, user, changes, ["Status"])


def mark_verified(organisations, user):
    """The details were checked today, by ``user``."""
    changes = {
        "last_verified": timezone.localdate(),
        "verified_by": user,
        "updated": timezone.now(),
    }
    return bulk_change(organisations, user, changes, ["Details last checked", "Verified by"])


def refresh_statistics(using="default"):
    """Give the query planner statistics for what a bulk load wrote: every bulk loader calls this
    when it is done (generate_synthetic_data, restore_database).

    PostgreSQL's autovacuum would analyse fresh rows eventually, but not before the next request,
    and not at all where it is off: without statistics the planner guesses, and at 100,000
    organisations it guessed filtered lists into sequential scans 50 times slower. ANALYZE
    samples each table (30,000 rows at most), so it takes seconds even then; SQLite's ANALYZE
    fills sqlite_stat1 for its planner the same way. Every table of the database, because a
    load writes the listing tables through triggers as well as the ones it names.
    """
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")
