"""Django's Redis cache, made to degrade instead of break when Redis cannot be reached.

Django's ``RedisCache`` raises on a lost connection, so with Redis stopped every page that touched
the cache answered 500, the urgent-help page among them. ``TolerantRedisCache`` is that backend
with each operation guarded: when Redis does not answer, the operation does what a cache that
holds nothing would do (``get`` gives the default, ``set`` keeps nothing, ``add`` adds nothing),
the page is made afresh, and a warning says so in the log, once a minute at most per process.

While Redis is down, each process rests for ``RETRY_SECONDS`` after a failure before it tries
again, so that a Redis that hangs instead of refusing costs one connect timeout per process per
rest, not one per request. The first operation after the rest reconnects (redis-py's pool makes a
new connection): caching resumes without a restart, and the log says so.

Why a subclass of Django's own backend rather than django-redis with ``IGNORE_EXCEPTIONS``: it is
the backend already in use, so nothing else changes (keys, serialisation, the redis-py client);
it is a few dozen lines; it rests after a failure, which django-redis does not, and it rate-limits
its warning, which django-redis logs on every failed call; and ``counter()`` below needs to tell
"Redis answered" from "Redis is down", which an ignored exception hides.

Only the connection's failures are forgiven (``redis.ConnectionError``, ``redis.TimeoutError``,
and any ``RedisError`` of Redis's own such as an out-of-memory refusal); a mistake in our code
(a key that is not a string, a value that cannot be pickled) still raises.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("directory.cache")

RETRY_SECONDS = 1.0  # how long a process leaves Redis alone after a failure
WARN_EVERY_SECONDS = 60.0  # at most one "unreachable" warning per process in this time


class CacheUnavailable(Exception):
    """The shared cache did not answer (raised only by ``counter``; every other use degrades)."""


def _without_password(location):
    """The cache's address for the log, without any password it carries."""
    parts = urlsplit(location)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class TolerantRedisCache(RedisCache):
    """``RedisCache`` that serves as an empty cache while Redis cannot be reached."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._address = ", ".join(_without_password(location) for location in self._servers)
        self._lock = threading.Lock()
        self._resting_until = 0.0  # time.monotonic() before which Redis is not tried
        self._warned_at = None  # when the last "unreachable" warning was logged
        self._down = False

    # --- the state of the connection ----------------------------------------------------------

    def is_answering(self):
        """False while this process rests after a failure (no Redis call is made to find out)."""
        return time.monotonic() >= self._resting_until

    def _failed(self, error):
        now = time.monotonic()
        with self._lock:
            self._resting_until = now + RETRY_SECONDS
            self._down = True
            if self._warned_at is not None and now - self._warned_at < WARN_EVERY_SECONDS:
                return
            self._warned_at = now
        logger.warning(
            "The cache at %s is unreachable (%s: %s): pages are made afresh and suggestions "
            "are counted in the database until it answers; this process tries again every "
            "%.0f s and says this at most once in %.0f s.",
            self._address,
            type(error).__name__,
            error,
            RETRY_SECONDS,
            WARN_EVERY_SECONDS,
        )

    def _answered(self):
        if self._down:
            with self._lock:
                was_down, self._down = self._down, False
            if was_down:
                logger.warning("The cache at %s answers again: caching resumes.", self._address)

    def _guarded(self, operation, fallback, *args, **kwargs):
        if not self.is_answering():
            return fallback
        try:
            result = operation(*args, **kwargs)
        except RedisError as error:
            self._failed(error)
            return fallback
        self._answered()
        return result

    # --- Django's cache API, each operation guarded -------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guarded(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._guarded(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        # A cache that holds nothing holds no such key: Django's incr raises ValueError then.
        found = self._guarded(super().incr, None, key, delta, version)
        if found is None:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")
        return found

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        self._guarded(super().delete_many, None, keys, version)

    def clear(self):
        return self._guarded(super().clear, False)

    # --- a counter every worker and server shares ---------------------------------------------

    def counter(self, key, window_seconds):
        """Count one more event under ``key`` in a window that starts with its first event and
        lasts ``window_seconds``; the count so far, this one included. Atomic in Redis (one
        round trip: SET NX EX, then INCR), so every worker and server counts in the same place.

        Raises ``CacheUnavailable`` when Redis does not answer, so that the caller can count
        somewhere else instead of counting nowhere.
        """
        if not self.is_answering():
            raise CacheUnavailable(self._address)
        key = self.make_and_validate_key(key)
        try:
            client = self._cache.get_client(key, write=True)
            with client.pipeline(transaction=True) as pipe:
                pipe.set(key, 0, ex=window_seconds, nx=True)
                pipe.incr(key)
                _, count = pipe.execute()
        except RedisError as error:
            self._failed(error)
            raise CacheUnavailable(self._address) from error
        self._answered()
        return int(count)
