"""What one process keeps while the directory stays at one version.

Everything a page is made from is fixed for one version of the directory (versioning.py): the
lookup tables, what a search word stems to, a parsed list request, a rendered card or filter
form, a whole page. So each process keeps what it made, on one ``Memo`` with a shelf for each
kind of thing, each bounded (least recently used out first), and empties every shelf the
moment it is asked about a version other than the one it holds. That is exact, like the page
cache, and needs nothing shared between processes; the version itself is read once per request.

    LOOKUPS = memo.shelf("lookups", limit=lambda: 1)
    found = LOOKUPS.get(state.version, "all")
    LOOKUPS.put(state.version, "all", value)

``memo.forget()`` empties everything: tests call it between tests, whose rolled-back transactions
reuse version numbers.
"""

import threading
from collections import OrderedDict


class Shelf:
    """One kind of thing kept, at most ``limit()`` of them (a callable: settings may change)."""

    def __init__(self, memo, name, limit):
        self.memo = memo
        self.name = name
        self.limit = limit
        self.items = OrderedDict()

    def get(self, version, key):
        return self.get_many(version, [key]).get(key)

    def get_many(self, version, keys):
        """{key: value} for the ``keys`` kept at ``version``."""
        found = {}
        with self.memo.lock:
            self.memo.at(version)
            for key in keys:
                value = self.items.get(key)
                if value is not None:
                    self.items.move_to_end(key)
                    found[key] = value
        return found

    def put(self, version, key, value):
        with self.memo.lock:
            self.memo.at(version)
            self.items[key] = value
            self.items.move_to_end(key)
            limit = self.limit()
            while len(self.items) > limit:
                self.items.popitem(last=False)

    def clear(self):
        with self.memo.lock:
            self.items = OrderedDict()


class Memo:
    def __init__(self):
        self.lock = threading.Lock()
        self.version = None
        self.shelves = {}

    def shelf(self, name, limit):
        if name in self.shelves:
            raise ValueError(f"The memo has a shelf called {name!r} already.")
        self.shelves[name] = Shelf(self, name, limit)
        return self.shelves[name]

    def at(self, version):
        """Hold ``version``: everything kept for another one is dropped (under ``lock``)."""
        if version != self.version:
            self.version = version
            for shelf in self.shelves.values():
                shelf.items = OrderedDict()

    def forget(self):
        with self.lock:
            self.version = None
            for shelf in self.shelves.values():
                shelf.items = OrderedDict()


memo = Memo()
forget = memo.forget
