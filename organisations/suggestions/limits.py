"""How many suggestions a client may send: ``DIRECTORY_SUGGESTIONS_PER_HOUR`` an hour, the hour
starting at the client's first attempt.

Where the count lives: in Redis when the cache is ``directory.cache.TolerantRedisCache``
(``REDIS_URL`` set) and Redis answers, one atomic counter that every worker and server shares; in
the database otherwise (``SubmissionCount``), which every worker and server shares too. Never in
``LocMemCache``, the cache without ``REDIS_URL``: it is each process's own, so with four workers a
client could send four times the limit.

While Redis does not answer (``CacheUnavailable``), the count restarts in the database, and when
Redis answers again it carries on from what Redis held. A client's hour that spans an outage
therefore allows at most twice the limit; more only if Redis comes back empty (restarted without
its data), which starts its count afresh. If the database cannot count either, the error goes up
to the view (a 500 page): a submission is never saved without being counted.

A client is its address, as django-axes sees it (directory/client_address.py: ``REMOTE_ADDR``, or
behind ``DJANGO_TRUSTED_PROXIES`` reverse proxies the address the outermost of them saw), an IPv6
client its /64 network (which one household or phone usually holds), kept only as a keyed hash
(an HMAC with the secret key, Django's ``salted_hmac``): a plain hash of an IPv4 address is undone
by hashing all four billion of them, a keyed one not without the key. Every server shares the
key, so they count a client alike. Behind a proxy, ``DJANGO_TRUSTED_PROXIES`` must be set:
otherwise the address is the proxy's and every visitor shares one limit.
"""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.crypto import salted_hmac

from directory.cache import CacheUnavailable, TolerantRedisCache
from directory.client_address import client_address

from .models import SubmissionCount

WINDOW_SECONDS = 60 * 60
CLIENT_SALT = "organisations.suggestions.limits.client_id"


def client_id(request):
    """Who is asking, as far as the rate limit is concerned: a keyed hash of their address."""
    address = client_address(request) or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        client = address[:64]
    else:
        if ip.version == 6 and ip.ipv4_mapped:
            client = str(ip.ipv4_mapped)
        elif ip.version == 6:
            client = str(ipaddress.ip_network(f"{ip}/64", strict=False))
        else:
            client = str(ip)
    return salted_hmac(CLIENT_SALT, client, algorithm="sha256").hexdigest()[:32]


def allow_attempt(request):
    """Count one submission from this client; False once it is over the hourly limit.

    Someone who reaches the limit may send again at most an hour after their first attempt.
    """
    return count_attempt(client_id(request)) <= settings.DIRECTORY_SUGGESTIONS_PER_HOUR


def count_attempt(client):
    """Count one more attempt by ``client``: how many it made in its current hour, this one
    included. In Redis if it answers, otherwise in the database (the module's docstring)."""
    cache = caches["default"]  # the backend itself: the ``cache`` proxy is no instance of it
    if isinstance(cache, TolerantRedisCache):
        try:
            return cache.counter(f"suggestions:attempts:{client}", WINDOW_SECONDS)
        except CacheUnavailable:
            pass  # the cache has logged the outage
    return count_in_database(client)


def count_in_database(client):
    """``count_attempt`` in ``SubmissionCount``, exact with any number of processes at once.

    The UPDATE comes first, so that the transaction's first statement takes the row's lock
    (PostgreSQL) or the database's write lock (SQLite): the read after it sees this attempt and
    no other, and there is no read lock to upgrade, which on SQLite could deadlock. A client's
    first attempt finds no row and creates it; when another process created it at the same time,
    the unique constraint refuses the second row and this attempt is counted on the first.
    """
    now = timezone.now()
    ended = hour_ended(now)
    counts = SubmissionCount.objects.filter(client=client)
    count_one_more = {
        "attempts": Case(When(ended, then=Value(1)), default=F("attempts") + 1),
        "started_at": Case(
            When(ended, then=Value(now, output_field=models.DateTimeField())),
            default=F("started_at"),
        ),
    }
    with transaction.atomic():
        if not counts.update(**count_one_more):
            try:
                with transaction.atomic():
                    SubmissionCount.objects.create(client=client, started_at=now, attempts=1)
            except IntegrityError:  # another process made the row since the UPDATE
                counts.update(**count_one_more)
            else:
                return 1
        return counts.values_list("attempts", flat=True).get()


def hour_ended(now):
    """The condition for counts whose hour has ended by ``now``: the moment the Redis counter
    expires too."""
    return models.Q(started_at__lte=now - timedelta(seconds=WINDOW_SECONDS))


def forget_ended_counts():
    """Delete the database's counts whose hour has ended (purge_suggestions); how many."""
    deleted, _by_model = SubmissionCount.objects.filter(hour_ended(timezone.now())).delete()
    return deleted
