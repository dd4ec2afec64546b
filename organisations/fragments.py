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


class Kept:
    """What one process keeps for one state of the directory: at most ``limit()`` items, least
    recently used dropped first, all dropped when the state moves."""

    def __init__(self, limit):
        self.limit = limit
        self._lock = threading.Lock()
        self._state = None
        self._items = OrderedDict()

    def _at(self, state):
        if self._state != state:
            self._state = state
            self._items = OrderedDict()
        return self._items

    def get_many(self, state, keys):
        """{key: value} for the ``keys`` this process kept at ``state``."""
        found = {}
        with self._lock:
            items = self._at(state)
            for key in keys:
                value = items.get(key)
                if value is not None:
                    items.move_to_end(key)
                    found[key] = value
        return found

    def put(self, state, key, value):
        with self._lock:
            items = self._at(state)
            items[key] = value
            items.move_to_end(key)
            while len(items) > self.limit():
                items.popitem(last=False)

    def forget(self):
        """Drop everything (tests, whose rolled-back versions repeat)."""
        with self._lock:
            self._state, self._items = None, OrderedDict()


_fragments = Kept(lambda: settings.DIRECTORY_FRAGMENTS)
get_many = _fragments.get_many
put = _fragments.put
forget = _fragments.forget
