"""The site's own address, for what gives absolute addresses to other sites: the open-data feed,
the sitemap, structured data.

``DJANGO_SITE_URL`` names it in production, so that every response gives the same addresses
whatever host a request came to. Without it, the request's own scheme and host are used (and a
page cached with them must name the host in its key: ``site_url`` is part of it).
"""

from django.conf import settings


def site_url(request=None):
    """``https://example.org.uk``: the configured address, or the request's."""
    if settings.DIRECTORY_SITE_URL:
        return settings.DIRECTORY_SITE_URL
    if request is None:
        return "http://127.0.0.1:8000"
    return f"{request.scheme}://{request.get_host()}"


def absolute(path, request=None):
    """``path`` (``/organisations/``) as an absolute address on this site."""
    return site_url(request) + path
