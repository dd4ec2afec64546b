"""Whole public pages cached under the directory's version, and conditional requests (304).

A page is cached under a key made from what it understood (the list's understood filters, a
detail page's slug), never the raw query string, and only when it rendered with status 200 and no
notice about ignored input: junk parameters therefore cannot flood the cache. The key includes the
directory's version (versioning.py), so any change makes the next request render afresh.
``DIRECTORY_PAGE_CACHE=0`` turns the cache off; conditional requests are answered either way.

Each process also keeps the last ``DIRECTORY_PAGES_KEPT`` pages it served, for the same version
(fragments.Kept): a repeat then costs the version query and no trip to the shared cache. The
version is still read on every request, so this is as exact as the shared cache.
"""

import hashlib
from calendar import timegm

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
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
            if stored is not None:
                _kept.put(state.version, cache_key, stored)
        if stored is not None:
            content, content_type = stored
            return _finish(HttpResponse(content, content_type=content_type), etag, last_modified)

    response = render()
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    cacheable = response.status_code == 200 and getattr(response, "cacheable", True)
    if not cacheable:
        return patch_no_etag(response)
    if use_cache:
        stored = (response.content, response["Content-Type"])
        cache.set(cache_key, stored, STORE_SECONDS)
        _kept.put(state.version, cache_key, stored)
    return _finish(response, etag, last_modified)


def patch_no_etag(response):
    """A page rendered for this request only (it named ignored input): revalidate, no ETag."""
    patch_cache_control(response, **CACHE_CONTROL)
    return response
