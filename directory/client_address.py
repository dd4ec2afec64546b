"""The address a request came from, for django-axes' lockouts (settings.AXES_CLIENT_IP_CALLABLE).

Served directly, it is REMOTE_ADDR. Behind reverse proxies, REMOTE_ADDR is the nearest proxy's,
so every editor would share one address; set DJANGO_TRUSTED_PROXIES to how many proxies stand in
front of the site, each appending to X-Forwarded-For, and the address the outermost of them saw
is used. Only entries our own proxies appended are read (counted from the right): a client can
write anything to the left of them.
"""

from django.conf import settings


def client_address(request):
    remote_address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.DIRECTORY_TRUSTED_PROXIES
    if proxies <= 0:
        return remote_address
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote_address
    return forwarded[-proxies]
