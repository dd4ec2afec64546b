"""Exact invalidation: one number that moves whenever anything public may have changed.

Every public page is cached under the directory's current version, and everything a process keeps
(memo.py) is kept for one version, so a change made anywhere (admin, seeding, a migration, the
synthetic-data generator) makes the next request render afresh, in every worker and on every
server, because the version lives in the database. Saves, deletes and many-to-many changes of the
models the public sees call ``directory_changed`` through signals (organisations/signals.py); bulk
changes, which send no signals, go through organisations/services.py, which calls it.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import InterfaceError, OperationalError, connections
from django.db.models import F
from django.db.models.functions import Now

# Inside deferred_changes(): the databases changed so far, moved on once at the end.
_deferred = ContextVar("directory_changes_deferred", default=None)


@dataclass(frozen=True)
class State:
    version: int
    changed_at: datetime


def directory_changed(using="default"):
    """Move the version on: every cached page built before now is stale."""
    from organisations.models import DirectoryVersion

    deferred = _deferred.get()
    if deferred is not None:
        deferred.add(using)
        return

    updated = (
        DirectoryVersion.objects.using(using)
        .filter(pk=1)
        .update(version=F("version") + 1, changed_at=Now())
    )
    if not updated:
        DirectoryVersion.objects.using(using).get_or_create(pk=1)


@contextmanager
def deferred_changes():
    """Inside the block, changes move the version on once, at its end, however many rows they
    touch (an import writes thousands in one transaction: one row lock, not one per save). Run it
    inside that transaction, so the version moves with the rows it describes."""
    if _deferred.get() is not None:  # already inside one
        yield
        return
    changed = set()
    token = _deferred.set(changed)
    try:
        yield
    finally:
        _deferred.reset(token)
    for using in changed:
        directory_changed(using)


def current_state(using="default"):
    """The directory's version and when it last changed: one primary-key read on every request,
    so written as plain SQL (the ORM would cost more than the query).

    It is the first query of every page, so it is also the connection's health check: with
    ``CONN_HEALTH_CHECKS`` Django would send ``SELECT 1`` before it, a second round trip on every
    request. Instead the read itself tells: if a kept connection has died (the database
    restarted), it is closed and the read made once more on a new one, as Django's own check
    would have done.
    """
    connection = connections[using]
    try:
        row = _read_version(connection, as_health_check=True)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise  # a transaction cannot move to another connection
        connection.close()
        row = _read_version(connection, as_health_check=False)
    if row is None:
        # Only before the first change on a database migrated without its data migration.
        return State(version=0, changed_at=datetime(2000, 1, 1, tzinfo=UTC))
    version, changed_at = row
    if isinstance(changed_at, str):  # SQLite returns text from a raw query
        changed_at = datetime.fromisoformat(changed_at)
    if changed_at.tzinfo is None:
        changed_at = changed_at.replace(tzinfo=UTC)
    return State(version=version, changed_at=changed_at)


def _read_version(connection, as_health_check):
    from organisations.models import DirectoryVersion

    if as_health_check and connection.health_check_enabled and not connection.in_atomic_block:
        connection.health_check_done = True  # this read is the check: no SELECT 1 first
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT version, changed_at FROM {DirectoryVersion._meta.db_table} WHERE id = 1"
        )
        return cursor.fetchone()
