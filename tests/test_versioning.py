"""The version read is also the connection's health check (organisations/caching/versioning.py):
one round trip on a healthy connection, and a connection the database dropped is replaced."""

import time

import psycopg
import pytest
from django.db import connections

from organisations.caching.versioning import current_state, directory_changed


def current_connection():
    """The wrapper itself (django.db.connection is a proxy), asked for each time: a test that
    overrides DATABASES makes new ones."""
    return connections["default"]


@pytest.fixture
def health_checks_on(monkeypatch):
    """As in production (settings: conn_health_checks=True), counting Django's own checks."""
    connection = current_connection()
    checks = {"SELECT 1": 0}
    real = type(connection).is_usable

    def counting(self):
        checks["SELECT 1"] += 1
        return real(self)

    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    monkeypatch.setattr(type(connection), "is_usable", counting)
    connection.ensure_connection()
    connection.health_check_enabled = True
    connection.health_check_done = False  # as at the start of every request
    return checks


def drop_the_connection():
    """End this connection's server process from another connection, as a restart would; its
    process id."""
    connection = current_connection()
    backend = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname="postgres",
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend])
        # The server process ends a moment after it is told to: wait until it has.
        for _ in range(200):
            gone = other.execute(
                "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s)", [backend]
            ).fetchone()[0]
            if gone:
                break
            time.sleep(0.01)
    return backend


@pytest.mark.django_db(transaction=True)
def test_the_version_read_is_the_health_check(health_checks_on):
    connection = current_connection()
    directory_changed()
    connection.health_check_done = False
    before = health_checks_on["SELECT 1"]
    assert current_state().version >= 1
    assert health_checks_on["SELECT 1"] == before  # no SELECT 1 before the read


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_database_dropped_is_replaced(health_checks_on):
    connection = current_connection()
    directory_changed()
    version = current_state().version
    backend = drop_the_connection()
    connection.health_check_done = False  # the next request
    assert current_state().version == version
    assert connection.connection.info.backend_pid != backend


@pytest.mark.postgres
@pytest.mark.django_db
def test_inside_a_transaction_a_dropped_connection_is_not_retried(health_checks_on):
    """A transaction cannot move to a new connection: the error reaches the caller."""
    connection = current_connection()
    from django.db import InterfaceError, OperationalError

    drop_the_connection()
    with pytest.raises((OperationalError, InterfaceError)):
        current_state()
    connection.close()
