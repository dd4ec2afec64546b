"""Nothing the directory needs lives in a connection's state, so it works behind PgBouncer in
transaction pooling (docs/operations.md, "PgBouncer"): the trigram threshold is set per
transaction, "no parallel workers" is the database's default, and the connection sends no startup
options, which PgBouncer refuses."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from organisations.caching import memo
from organisations.caching.versioning import current_state
from organisations.listing import search

from .factories import OrganisationFactory, ServiceFactory
from .shared import LISTING_TABLES

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parent.parent
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


@pytest.fixture
def committed(transactional_db):
    """Data committed, as another process or a new transaction sees it; emptied afterwards."""
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {LISTING_TABLES}")


@pytest.fixture
def anxiety(committed):
    organisation = OrganisationFactory(name="Sakina Support", slug="sakina")
    return ServiceFactory(
        organisation=organisation, name="Anxiety group", description="For anxiety and worry."
    )


def test_the_connection_sends_no_startup_options():
    assert "options" not in connection.settings_dict.get("OPTIONS", {})


def test_the_threshold_is_the_queries_own_whatever_the_session_says(anxiety):
    """As a pooled connection might arrive: another client's SET still on it."""
    with connection.cursor() as cursor:
        cursor.execute("SET pg_trgm.similarity_threshold = 0.9")  # "anxeity" is 0.33 alike
    memo.forget()
    assert search.nearest_words(["anxeity"], current_state().version) == ["anxiety"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW pg_trgm.similarity_threshold")
        assert cursor.fetchone()[0] == "0.9"  # SET LOCAL ended with the lookup's transaction


def test_the_database_plans_no_parallel_workers_for_every_connection(db):
    """Migration 0011 made it the database's default: a new connection has it unasked."""
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
    ) as other:
        assert other.execute("SHOW max_parallel_workers_per_gather").fetchone()[0] == "0"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def pgbouncer():
    """A throwaway PgBouncer in transaction pooling in front of the tests' PostgreSQL."""
    if not os.path.exists(PGBOUNCER):
        if os.environ.get("DIRECTORY_REQUIRE_PGBOUNCER") == "1":
            pytest.fail("pgbouncer is not installed (apt-get install pgbouncer)")
        pytest.skip("pgbouncer is not installed (apt-get install pgbouncer)")
    settings = connection.settings_dict
    port = free_port()
    directory = Path(tempfile.mkdtemp(prefix="directory-test-pgbouncer-"))
    directory.chmod(0o755)
    (directory / "users.txt").write_text(f'"{settings["USER"]}" ""\n')
    (directory / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={settings['HOST'] or '127.0.0.1'} port={settings['PORT'] or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {directory / 'users.txt'}\n"
        "pool_mode = transaction\ndefault_pool_size = 2\n"
        f"logfile = {directory / 'log'}\n"
    )
    # PgBouncer will not run as root: as the postgres user then, which must read its files.
    as_user = ["-u", "postgres"] if os.geteuid() == 0 else []
    for path in directory.iterdir():
        path.chmod(0o644)
    if as_user:
        shutil.chown(directory, "postgres")  # for its log
    process = subprocess.Popen([PGBOUNCER, *as_user, str(directory / "pgbouncer.ini")])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (directory / "log").read_text() if (directory / "log").exists() else ""
                    pytest.fail(f"pgbouncer did not start:\n{log}")
                time.sleep(0.05)
        yield {"host": "127.0.0.1", "port": port, "user": settings["USER"]}
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.mark.django_db(transaction=True)
def test_startup_options_are_refused_by_pgbouncer_so_none_are_sent(pgbouncer):
    with pytest.raises(psycopg.OperationalError, match="unsupported startup parameter"):
        psycopg.connect(
            **pgbouncer, dbname=connection.settings_dict["NAME"], options="-c work_mem=4MB"
        ).close()


def test_pages_and_the_misspelled_search_work_through_pgbouncer(anxiety, pgbouncer):
    """A server whose DATABASE_URL is PgBouncer's: a list, a search corrected by trigrams, and an
    organisation's page, each from a fresh process, with the page cache off."""
    url = (
        f"postgres://{pgbouncer['user']}@{pgbouncer['host']}:{pgbouncer['port']}/"
        f"{connection.settings_dict['NAME']}"
    )
    code = (
        "from django.test import Client\n"
        "client = Client(HTTP_HOST='127.0.0.1')\n"
        "for path in ['/organisations/', '/organisations/?q=anxeity', '/organisations/sakina/']:\n"
        "    response = client.get(path)\n"
        "    text = response.content.decode()\n"
        "    print(path, response.status_code, 'Sakina Support' in text,\n"
        "          'similar words: “anxiety”' in text)\n"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DIRECTORY_")) and key not in {"REDIS_URL"}
    }
    env.update(
        DATABASE_URL=url,
        DJANGO_DB_TRANSACTION_POOLING="1",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DIRECTORY_PAGE_CACHE="0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert "/organisations/ 200 True False" in lines
    assert "/organisations/?q=anxeity 200 True True" in lines
    assert "/organisations/sakina/ 200 True False" in lines
