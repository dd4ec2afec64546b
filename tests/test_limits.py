"""The suggestions' rate limit counts in one place for every worker and server: in Redis while it
answers, in the database otherwise, never in a process's own memory
(organisations/suggestions/limits.py). tests/test_servers.py checks the same with gunicorn."""

import hashlib
import json
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib import admin
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory import cache as directory_cache
from organisations.suggestions import limits
from organisations.suggestions.limits import count_in_database
from organisations.suggestions.models import SubmissionCount, Suggestion

from .commands import ROOT, clean_environment
from .commands import manage as run_manage
from .factories import OrganisationFactory
from .shared import limit_client_id

AMINA, BILAL = "a" * 32, "b" * 32  # two clients, as limits.client_id names them
ADDRESS = "192.0.2.7"
HOUR = timedelta(seconds=limits.WINDOW_SECONDS)


@pytest.fixture
def clock(monkeypatch):
    """``timezone.now`` stopped at a fixed moment; ``clock.move(...)`` moves it on."""

    class Clock:
        now = timezone.now().replace(microsecond=0)

        def move(self, **delta):
            self.now += timedelta(**delta)

    stopped = Clock()
    monkeypatch.setattr(timezone, "now", lambda: stopped.now)
    return stopped


@pytest.fixture
def sakoon(db):
    return OrganisationFactory(name="Sakoon", slug="sakoon")


@pytest.fixture
def without_redis(settings):
    """Django's cache as directory/settings.py configures it without ``REDIS_URL``, whatever the
    tests run with (.ci/with-redis sets it)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def redis_cache(redis_server, settings):
    """Django's cache as production configures it with ``REDIS_URL`` (directory/settings.py),
    at the test's own redis-server."""
    settings.CACHES = {
        "default": {
            "BACKEND": "directory.cache.TolerantRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "directory",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    return caches["default"]


def suggest(client, organisation):
    url = f"/organisations/{organisation.slug}/suggest-a-change/"
    return client.post(url, {"problems": ["closed"]}).status_code


def redis_count(redis_cache, address=ADDRESS):
    return redis_cache.get(f"suggestions:attempts:{limit_client_id(address)}")


# --- The count in the database ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_counts_each_clients_attempts_on_its_own():
    assert [count_in_database(AMINA) for _ in range(3)] == [1, 2, 3]
    assert count_in_database(BILAL) == 1
    assert dict(SubmissionCount.objects.values_list("client", "attempts")) == {AMINA: 3, BILAL: 1}


@pytest.mark.django_db
def test_the_databases_hour_starts_at_the_first_attempt_and_a_new_one_after_it(clock):
    first = clock.now
    assert count_in_database(AMINA) == 1
    clock.move(minutes=59, seconds=59)
    assert count_in_database(AMINA) == 2
    clock.move(seconds=1)  # an hour after the first attempt: the Redis counter expires now too
    assert count_in_database(AMINA) == 1
    clock.move(seconds=1)
    assert count_in_database(AMINA) == 2
    assert SubmissionCount.objects.get().started_at == first + HOUR


@pytest.mark.django_db
def test_without_redis_the_count_is_in_the_database_not_in_the_processs_memory(
    sakoon, without_redis
):
    assert suggest(Client(REMOTE_ADDR=ADDRESS), sakoon) == 302
    counted = SubmissionCount.objects.get()
    assert counted.attempts == 1
    # Only a keyed hash of the address is kept: not the address, nor its plain hash, which
    # hashing every IPv4 address would undo.
    assert counted.client == limit_client_id(ADDRESS)
    assert ADDRESS not in counted.client
    assert counted.client != hashlib.sha256(ADDRESS.encode()).hexdigest()[:32]
    assert not cache.has_key(f"suggestions:attempts:{counted.client}")


@pytest.mark.django_db
def test_purge_deletes_the_counts_whose_hour_has_ended(clock):
    SubmissionCount.objects.create(client=AMINA, started_at=clock.now - HOUR, attempts=5)
    SubmissionCount.objects.create(client=BILAL, started_at=clock.now - HOUR / 2, attempts=2)
    out = StringIO()
    call_command("purge_suggestions", stdout=out)
    assert out.getvalue().splitlines()[1] == "Deleted 1 rate-limit count whose hour had ended."
    assert list(SubmissionCount.objects.values_list("client", flat=True)) == [BILAL]


def test_the_counts_are_not_shown_in_admin():
    assert not admin.site.is_registered(SubmissionCount)


@pytest.mark.django_db
def test_the_privacy_page_says_what_the_rate_limit_keeps_and_for_how_long(client):
    page = " ".join(client.get("/privacy/").content.decode().split())
    assert "a scrambled form of your address (a hash) for an hour from your first" in page
    assert "deletes it within a day after that" in page


@pytest.mark.django_db
def test_a_submission_the_database_cannot_count_is_not_saved(sakoon, without_redis):
    with connection.cursor() as cursor:  # as if the migration had not run; rolled back after
        cursor.execute(f"DROP TABLE {SubmissionCount._meta.db_table}")
    visitor = Client(REMOTE_ADDR=ADDRESS, raise_request_exception=False)
    assert suggest(visitor, sakoon) == 500
    assert not Suggestion.objects.exists()


# --- Redis, and the database while Redis is down ----------------------------------------------


@pytest.mark.django_db
def test_with_redis_the_count_is_in_redis_and_the_database_is_not_touched(
    sakoon, redis_cache, settings
):
    settings.DIRECTORY_SUGGESTIONS_PER_HOUR = 2
    visitor = Client(REMOTE_ADDR=ADDRESS)
    with CaptureQueriesContext(connection) as queries:
        assert [suggest(visitor, sakoon) for _ in range(3)] == [302, 302, 429]
    assert redis_count(redis_cache) == 3
    assert not any(SubmissionCount._meta.db_table in query["sql"] for query in queries)
    assert not SubmissionCount.objects.exists()
    assert Suggestion.objects.count() == 2


@pytest.mark.django_db
def test_while_redis_is_down_the_count_restarts_in_the_database(
    sakoon, redis_server, redis_cache, settings, caplog
):
    settings.DIRECTORY_SUGGESTIONS_PER_HOUR = 2
    visitor = Client(REMOTE_ADDR=ADDRESS)
    assert suggest(visitor, sakoon) == 302  # counted in Redis
    redis_server.stop()
    assert [suggest(visitor, sakoon) for _ in range(3)] == [302, 302, 429]
    assert SubmissionCount.objects.get().attempts == 3
    # The hour that spans the outage allowed twice the limit, and no more.
    assert Suggestion.objects.count() == 3
    assert "suggestions are counted in the database until it answers" in caplog.text


@pytest.mark.django_db
def test_the_count_goes_back_to_redis_once_it_answers_again(
    sakoon, redis_server, redis_cache, settings, monkeypatch
):
    monkeypatch.setattr(directory_cache, "RETRY_SECONDS", 0.0)  # no rest after a failure
    settings.DIRECTORY_SUGGESTIONS_PER_HOUR = 5
    visitor = Client(REMOTE_ADDR=ADDRESS)
    redis_server.stop()
    assert suggest(visitor, sakoon) == 302
    redis_server.start()  # empty, as a Redis restarted without its data
    assert suggest(visitor, sakoon) == 302
    assert redis_count(redis_cache) == 1
    assert SubmissionCount.objects.get().attempts == 1  # not counted again in the database


# --- Several processes at once ----------------------------------------------------------------

PROCESSES = 4
ATTEMPTS = 25
COUNT_AT_ONCE = """
import json, time
from organisations.suggestions.limits import count_in_database
time.sleep(max(0.0, {start} - time.time()))
print(json.dumps([count_in_database("{client}") for _ in range({attempts})]))
"""


@pytest.fixture
def shared_database(request, tmp_path):
    """A database that other processes can open: the test database itself on PostgreSQL (its
    rows committed), a migrated SQLite file otherwise (the test database is in memory)."""
    if connection.vendor == "postgresql":
        request.getfixturevalue("transactional_db")
        db = connection.settings_dict
        return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    url = f"sqlite:///{tmp_path / 'limits.sqlite3'}"
    env = clean_environment(DATABASE_URL=url, DJANGO_DEBUG="0")
    run_manage("migrate", "--no-input", "--verbosity", "0", env=env, check=True)
    return url


def test_processes_counting_at_once_count_every_attempt_exactly_once(shared_database):
    """Four processes count 25 attempts each for one client, starting at the same moment: the
    first attempts race to create the row, the rest to update it. Every count from 1 to 100 is
    handed out once: none lost, none twice."""
    env = clean_environment(DATABASE_URL=shared_database, DJANGO_DEBUG="0")
    code = COUNT_AT_ONCE.format(start=time.time() + 4, client=AMINA, attempts=ATTEMPTS)
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "shell", "--no-imports", "--command", code],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    counts = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        counts += json.loads(out.splitlines()[-1])
    assert sorted(counts) == list(range(1, PROCESSES * ATTEMPTS + 1))


def test_the_clients_hash_is_keyed_by_the_secret_key(settings):
    """Servers that share the secret key count a client alike; without the key, the hash of an
    address cannot be found again."""
    first = limit_client_id(ADDRESS)
    assert limit_client_id(ADDRESS) == first and limit_client_id("192.0.2.8") != first
    settings.SECRET_KEY = "another key, another site"
    assert limit_client_id(ADDRESS) != first
