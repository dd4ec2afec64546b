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
    """Make what a bulk load wrote fast to read at once: every bulk loader calls this when it is
    done (generate_synthetic_data, restore_database), outside any transaction (inside one, where
    VACUUM cannot run, it runs ANALYZE alone).

    PostgreSQL: ``VACUUM (ANALYZE)``. ANALYZE gives the planner statistics: without them it
    guesses, and at 100,000 organisations it guessed filtered lists into plans 50 times slower.
    VACUUM marks the fresh pages all-visible, which the listing's index-only walks need: until
    then every index entry costs a visit to the table, and a search at 100,000 organisations took
    200 ms instead of 10 (both measured with autovacuum off, as on this project's machines; with
    it on, the server does the same, but minutes later). About 8 s at 100,000 organisations.
    SQLite: ANALYZE, which fills sqlite_stat1 for its planner. The whole database, because a
    load also writes the listing tables through triggers.
    """
    connection = connections[using]
    # VACUUM cannot run in a transaction (a test's, or a caller's atomic block): ANALYZE then.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
