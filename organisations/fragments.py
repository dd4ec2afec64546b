"""Rendered pieces of the list page, reused by a process while the directory stays the same.

Rendering, not the database, is what a list page spends most of its time on: twenty cards of about
2.5 KB each and a filter form of seventy checkboxes. A card depends only on its organisation, the
services it shows and two counts, and the form only on the values chosen; all of these are fixed
for one version of the directory (versioning.py). So each process keeps the HTML it rendered,
keyed by what it was rendered from, and forgets all of it the moment the version moves: exact, like
the page cache, and with nothing to share between processes. This works with the page cache off
(``DIRECTORY_PAGE_CACHE=0``), which caches whole pages; fragments are the parts of pages that
recur across different pages.

Memory is bounded: at most ``DIRECTORY_FRAGMENTS`` pieces (least recently used go first).
"""

import threading
from collections import OrderedDict

from django.conf import settings

_lock = threading.Lock()
_store = {"state": None, "items": OrderedDict()}


def _items(state):
    if _store["state"] != state:
        _store["state"] = state
        _store["items"] = OrderedDict()
    return _store["items"]


def get_many(state, keys):
    """{key: html} for the ``keys`` this process rendered at ``state``."""
    found = {}
    with _lock:
        items = _items(state)
        for key in keys:
            html = items.get(key)
            if html is not None:
                items.move_to_end(key)
                found[key] = html
    return found


def put(state, key, html):
    with _lock:
        items = _items(state)
        items[key] = html
        items.move_to_end(key)
        while len(items) > settings.DIRECTORY_FRAGMENTS:
            items.popitem(last=False)


def forget():
    """Drop everything (tests, whose rolled-back versions repeat)."""
    with _lock:
        _store.update(state=None, items=OrderedDict())
