"""Whole public pages cached under the directory's version, and conditional requests (304).

A page is cached under a key made from what it understood (the list's understood filters, a
detail page's slug), never the raw query string, and only when it rendered with status 200 and no
notice about ignored input: junk parameters therefore cannot flood the cache. The key includes the
directory's version (versioning.py), so any change makes the next request render afresh.
``DIRECTORY_PAGE_CACHE=0`` turns the cache off; conditional requests are answered either way.

Each process also keeps the last ``DIRECTORY_PAGES_KEPT`` pages it served, for the same version
(fragments.Kept): a repeat then costs the version query and no trip to the shared cache. The
version is still read on every request, so this is as exact as the shared cache.

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

from .fragments import Kept

# Browsers and proxies may keep a page but must ask whether it changed (a cheap 304) before
# showing it again: a corrected helpline number must never wait for a cache to expire.
CACHE_CONTROL = {"public": True, "no_cache": True}
STORE_SECONDS = 24 * 60 * 60  # a version rarely lives that long; the key makes old pages unused
_kept = Kept(lambda: settings.DIRECTORY_PAGES_KEPT)
forget = _kept.forget


def _digest(key):
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _finish(response, etag, last_modified):
    if etag:
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, **CACHE_CONTROL)
    return response


def _stored(response):
    """What the caches keep of a page: its bytes, its type and its bytes gzip-compressed."""
    return (response.content, response["Content-Type"], gzip.compress(response.content, mtime=0))


def _from_stored(request, stored, etag, last_modified):
    content, content_type, compressed = stored
    response = HttpResponse(content, content_type=content_type)
    patch_vary_headers(response, ("Accept-Encoding",))
    if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response.content = compressed
        response["Content-Encoding"] = "gzip"
        etag = f"W/{etag}"  # the same page in other bytes: a weak validator (RFC 9110, 8.8.1)
    return _finish(response, etag, last_modified)


def serve(request, state, key, render):
    """The page for ``key`` at the directory's ``state``: 304, from the cache, or ``render()``.

    ``key`` is None for a page that must not be cached. ``render()`` returns an
    ``HttpResponse`` (a TemplateResponse is rendered here) and may set ``response.cacheable``
    to False when it had to ignore some of the request.
    """
    etag = last_modified = None
    if key is not None:
        digest = _digest(key)
        etag = quote_etag(f"{state.version}-{digest[:16]}")
        last_modified = timegm(state.changed_at.utctimetuple())
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return _finish(not_modified, etag, last_modified)

    use_cache = key is not None and settings.DIRECTORY_PAGE_CACHE
    cache_key = f"page:{state.version}:{digest}" if use_cache else None
    if use_cache:
        stored = _kept.get_many(state.version, [cache_key]).get(cache_key)
        if stored is None:
            stored = cache.get(cache_key)
            if stored is not None and len(stored) == 3:
                _kept.put(state.version, cache_key, stored)
        if stored is not None and len(stored) == 3:
            return _from_stored(request, stored, etag, last_modified)

    response = render()
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    cacheable = response.status_code == 200 and getattr(response, "cacheable", True)
    if not cacheable:
        return patch_no_etag(response)
    if use_cache:
        stored = _stored(response)
        cache.set(cache_key, stored, STORE_SECONDS)
        _kept.put(state.version, cache_key, stored)
        return _from_stored(request, stored, etag, last_modified)
    return _finish(response, etag, last_modified)


def patch_no_etag(response):
    """A page rendered for this request only (it named ignored input): revalidate, no ETag."""
    patch_cache_control(response, **CACHE_CONTROL)
    return response
