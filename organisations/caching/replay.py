"""A repeat of a stored page, answered before any other middleware runs.

A cached public page is the same bytes and the same headers for everyone who asks for it the same
way, until the directory's version moves: it carries no cookie, no CSRF token, nothing of the
visitor's session or sign-in. So once a page has gone out through the whole middleware stack and
the page cache (pages.py), this process keeps the answer exactly as it left (status, every header,
the body) under what identified the request: the scheme, the Host header, the path, the raw query
string and whether the client takes gzip. An identical request then gets that answer again at the
cost of one version read, without building lookups, parsing filters, resolving the URL, or running
the session, CSRF, authentication, messages, history, CSP and security middleware, whose every
contribution to this page is already in the stored headers.

Exactness: the version is read on every request, as before (one primary-key read); the stored
answer is used only if it was made at that version (memo.py empties the shelf the moment the
version moves). A key only ever holds an answer the whole stack gave a 200 to, so a Host that
ALLOWED_HOSTS refuses, plain HTTP that must be redirected to HTTPS, or junk that the list
refused to cache (pages.py) never reaches it. Conditional requests (If-None-Match,
If-Modified-Since) and anything but GET and HEAD take the whole stack, which answers 304 itself.

``DIRECTORY_PAGE_CACHE=0`` turns this off with the page cache: nothing is then marked storable.
"""

from django.conf import settings
from django.http import HttpResponse
from django.middleware.gzip import re_accepts_gzip

from .memo import memo
from .versioning import current_state

ANSWERS = memo.shelf("answers", limit=lambda: settings.DIRECTORY_PAGES_KEPT)
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


def mark_storable(response, version):
    """Called by the page cache for a page it served or stored at ``version``."""
    response.storable_at = version


def request_key(request):
    meta = request.META
    if request.method not in ("GET", "HEAD") or any(name in meta for name in CONDITIONAL):
        return None
    return (
        request.is_secure(),
        meta.get("HTTP_HOST", ""),
        request.path,
        meta.get("QUERY_STRING", ""),
        bool(re_accepts_gzip.search(meta.get("HTTP_ACCEPT_ENCODING", ""))),
    )


class StoredPageMiddleware:
    """First in ``MIDDLEWARE``: answer a repeat from what this process sent last time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request_key(request)
        if key is not None and key in ANSWERS.items:
            state = current_state()
            request.directory_state = state  # the view reads no second version on a miss
            stored = ANSWERS.get(state.version, key)
            if stored is not None:
                return _replayed(stored)
        response = self.get_response(request)
        version = getattr(response, "storable_at", None)
        if key is not None and version is not None and request.method == "GET":
            stored = _storable(response)
            if stored is not None:
                ANSWERS.put(version, key, stored)
        return response


def _storable(response):
    """(status, headers, body) of a response as it leaves, or None if it must not be replayed."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    # Django's ResponseHeaders keeps {lowercase name: (name, value)}, each checked once on the
    # way in: the same pairs, already checked, are put back as they are.
    return response.status_code, dict(response.headers._store), response.content


def _replayed(stored):
    status, headers, body = stored
    response = HttpResponse(body, status=status)
    response.headers._store = dict(headers)  # what was sent the first time, nothing else
    return response
