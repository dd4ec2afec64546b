"""The site while its Redis is down, and once it answers again (directory/cache.py).

Each test has a redis-server of its own (tests/redis_server.py), stopped and started again by its
process id: a real Redis, never a mock. ``caches["default"]`` is rebuilt for it by
``override_settings`` (Django's cache handler starts afresh on ``setting_changed``), and the page
cache is on.
"""

import logging
import socket
import time

import pytest
import redis
from django.core.cache import cache, caches
from django.test import override_settings

import directory.cache
from directory.cache import CacheUnavailable, TolerantRedisCache
from organisations.caching import memo

from .factories import OrganisationFactory, ServiceFactory

# A shorter rest than the product's RETRY_SECONDS (1 s), so that a test can sleep past it, yet long
# enough that a test can look at the cache before it ends.
REST = 0.2

PAGES = {
    "/": "Mental-health support that understands your faith and culture",
    "/organisations/": "Sabr Counselling",
    "/organisations/sabr/": "Mondays 10am",
    "/urgent-help/": "116 123",  # Samaritans (directory/crisis_lines.py)
}


def redis_cache_settings(url):
    """CACHES as directory/settings.py writes it for ``REDIS_URL=url``."""
    return {
        "default": {
            "BACKEND": "directory.cache.TolerantRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "directory",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def stored_pages(url):
    """The page keys the Redis at ``url`` holds, asked directly."""
    with redis.Redis.from_url(url) as raw:
        return [key.decode() for key in raw.scan_iter(match="*:page:*")]


def unreachable_warnings(caplog):
    return [
        record
        for record in caplog.records
        if record.name == "directory.cache" and "unreachable" in record.getMessage()
    ]


def answers_again_warnings(caplog):
    return [
        record
        for record in caplog.records
        if record.name == "directory.cache" and "answers again" in record.getMessage()
    ]


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.DIRECTORY_PAGE_CACHE = True


@pytest.fixture
def listing(db):
    organisation = OrganisationFactory(name="Sabr Counselling", slug="sabr")
    return ServiceFactory(organisation=organisation, name="Women's line", hours="Mondays 10am")


@pytest.fixture
def shared_cache(redis_server, monkeypatch, caplog):
    """The default cache: a TolerantRedisCache at the test's own redis-server, resting ``REST``
    after a failure."""
    monkeypatch.setattr(directory.cache, "RETRY_SECONDS", REST)
    caplog.set_level(logging.WARNING, logger="directory.cache")
    with override_settings(CACHES=redis_cache_settings(redis_server.url)):
        yield caches["default"]


def get_afresh(client, url):
    """GET ``url`` with this process's own copies of pages forgotten, so that the page is looked
    for in the shared cache."""
    memo.forget()
    return client.get(url)


def test_the_override_rebuilds_the_cache_for_the_tests_redis(redis_server):
    """Django's cache handler starts afresh on ``setting_changed``: the ``cache`` proxy every
    module imports reaches this Redis inside the override, and the settings' cache after it."""
    before = caches["default"]
    with override_settings(CACHES=redis_cache_settings(redis_server.url)):
        inside = caches["default"]
        assert isinstance(inside, TolerantRedisCache)
        assert inside._servers == [redis_server.url]
        cache.set("greeting", "salaam")
        with redis.Redis.from_url(redis_server.url) as raw:
            assert raw.exists("directory:1:greeting")
        assert inside.get("greeting") == "salaam"
    after = caches["default"]
    assert after is not inside
    assert type(after) is type(before)
    assert after.get("greeting") is None


@pytest.mark.parametrize("url", PAGES)
def test_with_redis_up_pages_are_stored_in_it(client, listing, shared_cache, redis_server, url):
    assert stored_pages(redis_server.url) == []
    first = client.get(url)
    assert first.status_code == 200
    assert len(stored_pages(redis_server.url)) == 1
    again = get_afresh(client, url)  # from Redis this time
    assert again.content == first.content


def test_with_redis_stopped_every_page_still_answers(
    client, listing, shared_cache, redis_server, caplog
):
    client.get("/")  # cached before the outage; the others never were
    client.get("/organisations/sabr/")
    redis_server.stop()

    for url, text in PAGES.items():
        response = get_afresh(client, url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
    filtered = get_afresh(client, "/organisations/?q=sabr")
    assert "Sabr Counselling" in filtered.content.decode()
    urgent = get_afresh(client, "/urgent-help/").content.decode()
    assert "Urgent help" in urgent and "tel:116123" in urgent

    [warning] = unreachable_warnings(caplog)
    assert warning.levelno == logging.WARNING
    assert f"127.0.0.1:{redis_server.port}" in warning.getMessage()


def test_a_second_failure_within_the_minute_logs_no_second_warning(
    client, listing, shared_cache, redis_server, caplog
):
    redis_server.stop()
    assert get_afresh(client, "/").status_code == 200
    assert not shared_cache.is_answering()  # resting after the failure
    time.sleep(REST * 1.5)
    assert shared_cache.is_answering()
    assert get_afresh(client, "/organisations/").status_code == 200
    assert not shared_cache.is_answering()  # Redis was tried again and failed again
    assert len(unreachable_warnings(caplog)) == 1


def test_caching_resumes_when_redis_answers_again(
    client, listing, shared_cache, redis_server, caplog
):
    redis_server.stop()
    assert get_afresh(client, "/").status_code == 200
    redis_server.start()  # the same port, empty
    time.sleep(REST * 1.5)
    assert answers_again_warnings(caplog) == []

    response = get_afresh(client, "/organisations/sabr/")
    assert response.status_code == 200
    assert "Mondays 10am" in response.content.decode()
    assert len(stored_pages(redis_server.url)) == 1
    [recovered] = answers_again_warnings(caplog)
    assert f"127.0.0.1:{redis_server.port}" in recovered.getMessage()
    assert get_afresh(client, "/organisations/sabr/").content == response.content
    assert len(unreachable_warnings(caplog)) == 1


def test_each_operation_acts_as_an_empty_cache_while_redis_is_stopped(
    shared_cache, redis_server, monkeypatch
):
    shared_cache.set("kept", "before")
    redis_server.stop()
    monkeypatch.setattr(directory.cache, "RETRY_SECONDS", 0)  # each call really tries Redis
    assert shared_cache.get("kept") is None
    assert shared_cache.get("kept", "default") == "default"
    shared_cache.set("kept", "after")
    assert shared_cache.add("new", 1) is False
    with pytest.raises(ValueError):
        shared_cache.incr("kept")
    assert shared_cache.get_many(["kept", "new"]) == {}
    assert shared_cache.has_key("kept") is False
    assert shared_cache.touch("kept") is False
    assert shared_cache.delete("kept") is False
    assert shared_cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    shared_cache.delete_many(["a", "b"])
    assert shared_cache.clear() is False
    with pytest.raises(CacheUnavailable):
        shared_cache.counter("attempts", 60)


def test_the_counter_is_unavailable_while_resting(shared_cache, redis_server):
    redis_server.stop()
    assert shared_cache.get("anything") is None  # the failure that starts the rest
    with pytest.raises(CacheUnavailable):
        shared_cache.counter("attempts", 60)


def test_a_mistake_in_our_code_still_raises(shared_cache, redis_server):
    with pytest.raises(Exception, match="pickle"):
        shared_cache.set("unpicklable", lambda: None)
    redis_server.stop()
    with pytest.raises(Exception, match="pickle"):
        shared_cache.set("unpicklable", lambda: None)


def test_the_counter_counts_in_one_window(shared_cache, redis_server):
    assert [shared_cache.counter("attempts", 60) for _ in range(3)] == [1, 2, 3]
    with redis.Redis.from_url(redis_server.url) as raw:
        seconds = raw.ttl(shared_cache.make_key("attempts"))
    assert 0 < seconds <= 60
    assert shared_cache.counter("other", 60) == 1


def test_a_redis_that_hangs_costs_one_timeout_then_a_rest(client, listing, caplog):
    """A port that accepts connections and never answers: each page is still served, the first
    after one socket timeout (0.5 s), the next ones within the rest without trying Redis."""
    caplog.set_level(logging.WARNING, logger="directory.cache")
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel completes the handshake; nothing ever reads or writes
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        with override_settings(CACHES=redis_cache_settings(url)):
            started = time.monotonic()
            for page, text in PAGES.items():
                response = get_afresh(client, page)
                assert response.status_code == 200
                assert text in response.content.decode()
            took = time.monotonic() - started
    assert took < 2.0
    [warning] = unreachable_warnings(caplog)
    assert "TimeoutError" in warning.getMessage()
