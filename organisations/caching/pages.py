"""Whole public pages cached under the directory's version, and conditional requests (304).

A view that mixes in ``CachedPageMixin`` names its page with ``page_key()``: what it understood of
the request (the list's understood filters, a detail page's slug), never the raw query string, or
None for a page that must not be cached. The mixin reads the directory's state once
(``self.state``), answers a conditional request with 304, serves the page from the cache, or lets
the view render it as it would anyway and keeps it, unless the status is not 200 or the view said
``do_not_cache(response)`` (it had to ignore part of the request): junk parameters therefore cannot
flood the cache. The key includes the version (versioning.py), so any change makes the next
request render afresh; and the interface language, so each language has its own pages and ETags.
``DIRECTORY_PAGE_CACHE=0`` turns the cache off; conditional requests are answered either way.

Each process also keeps the last ``DIRECTORY_PAGES_KEPT`` pages it served, for the same version
(memo.py): a repeat then costs the version query and no trip to the shared cache. The version is
still read on every request, so this is as exact as the shared cache. A page served from here is
marked storable, and replay.py answers the next identical request with it before any other
middleware runs; the version it read then comes here as ``request.directory_state``.

A cached page is kept gzip-compressed too, compressed once when it is stored, and sent compressed to
a client that accepts it (``Vary: Accept-Encoding``). Other responses are compressed per request by
Django's GZipMiddleware, which leaves these alone. Cached public pages carry no secret (no CSRF
token), so compressing them once gives nothing away (BREACH).
"""

import gzip
import hashlib
from calendar import timegm

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

from .memo import memo
from .replay import mark_storable
from .versioning import current_state

# Browsers and proxies may keep a page but must ask whether it changed (a cheap 304) before
# showing it again: a corrected helpline number must never wait for a cache to expire.
CACHE_CONTROL = {"public": True, "no_cache": True}
STORE_SECONDS = 24 * 60 * 60  # a version rarely lives that long; the key makes old pages unused
KEPT = memo.shelf("pages", limit=lambda: settings.DIRECTORY_PAGES_KEPT)


def do_not_cache(response):
    """Mark a page as made for this request only (it named input it ignored, or today's date):
    never stored, sent without an ETag, and browsers still ask before showing it again."""
    response.cacheable = False
    patch_cache_control(response, **CACHE_CONTROL)
    return response


class CachedPageMixin:
    """Serve GET from the page cache, keyed by ``page_key()``; sets ``self.state`` first."""

    def page_key(self):
        """What names this page among all others, or None when it must not be cached."""
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        # Read once per request: replay.py may have read it already.
        self.state = getattr(request, "directory_state", None) or current_state()
        if request.method not in ("GET", "HEAD"):
            return super().dispatch(request, *args, **kwargs)
        key = self.page_key()
        if key is None:
            return do_not_cache(self.rendered(super().dispatch(request, *args, **kwargs)))

        # The same page in another language is another page, with its own key and ETag.
        key = f"{get_language()}:{key}"
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        etag = quote_etag(f"{self.state.version}-{digest[:16]}")
        last_modified = timegm(self.state.changed_at.utctimetuple())
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return _finish(not_modified, etag, last_modified)

        use_cache = settings.DIRECTORY_PAGE_CACHE
        cache_key = f"page:{self.state.version}:{digest}"
        if use_cache:
            stored = _find(self.state.version, cache_key)
            if stored is not None:
                return self.storable(_from_stored(request, stored, etag, last_modified))

        response = self.rendered(super().dispatch(request, *args, **kwargs))
        if response.status_code != 200 or not getattr(response, "cacheable", True):
            return do_not_cache(response)
        if not use_cache:
            return _finish(response, etag, last_modified)
        stored = (
            response.content,
            response["Content-Type"],
            gzip.compress(response.content, mtime=0),
        )
        cache.set(cache_key, stored, STORE_SECONDS)
        KEPT.put(self.state.version, cache_key, stored)
        return self.storable(_from_stored(request, stored, etag, last_modified))

    def storable(self, response):
        """A page from the page cache: replay.py may send it again as it leaves."""
        mark_storable(response, self.state.version)
        return response

    @staticmethod
    def rendered(response):
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        return response


def _find(version, cache_key):
    """The stored page: this process's own copy, or the shared cache's (then kept here too)."""
    stored = KEPT.get(version, cache_key)
    if stored is None:
        stored = cache.get(cache_key)
        if stored is None or len(stored) != 3:
            return None
        KEPT.put(version, cache_key, stored)
    return stored


def _finish(response, etag, last_modified):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, **CACHE_CONTROL)
    return response


def _from_stored(request, stored, etag, last_modified):
    """A stored page: its bytes, its type and its bytes gzip-compressed."""
    content, content_type, compressed = stored
    response = HttpResponse(content, content_type=content_type)
    patch_vary_headers(response, ("Accept-Encoding",))
    if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response.content = compressed
        response["Content-Encoding"] = "gzip"
        etag = f"W/{etag}"  # the same page in other bytes: a weak validator (RFC 9110, 8.8.1)
    return _finish(response, etag, last_modified)
