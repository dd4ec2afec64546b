"""How many suggestions a client may send.

The count of attempts lives in Django's cache: Redis in production (``REDIS_URL``), so that every
worker and server shares it; each process's memory in development. A client is its address, as
django-axes sees it (directory/client_address.py: ``REMOTE_ADDR``, or behind
``DJANGO_TRUSTED_PROXIES`` reverse proxies the address the outermost of them saw), an IPv6
client its /64 network (which one household or phone usually holds), kept only as a hash.
Behind a proxy, ``DJANGO_TRUSTED_PROXIES`` must be set: otherwise the address is the proxy's and
every visitor shares one limit.
"""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache

from directory.client_address import client_address

WINDOW_SECONDS = 60 * 60


def client_id(request):
    """Who is asking, as far as the rate limit is concerned: a hash of their address."""
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
    return hashlib.sha256(client.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def allow_attempt(request):
    """Count one submission from this client; False once it is over the hourly limit.

    The hour starts at a client's first attempt (the counter's lifetime), so someone who reaches
    the limit may send again at most an hour later.
    """
    limit = settings.DIRECTORY_SUGGESTIONS_PER_HOUR
    key = f"suggestions:attempts:{client_id(request)}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this attempt starts a new hour
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= limit
