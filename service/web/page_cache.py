"""service.web.page_cache: rendered pages kept with their gzip encoding, per app.

The map pages are cached in an LRU keyed by (map, filters, asset URL, data version); the
app makes one cache in its lifespan (:func:`service.web.app.create_app`) and routes reach
it through :mod:`service.web.deps`.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Page:
    """A rendered map page (or a static file), as plain and gzip bytes."""

    html: bytes
    gzipped: bytes

    @classmethod
    def of(cls, html: str) -> Page:
        """Encode (and compress, once) a rendered page.

        Level 1: the coverage map (0.9 MB) compresses in about 15 ms to 210 kB; level 6
        takes 50 ms for 178 kB. The first request of a page pays it, so speed wins.
        """
        return cls.of_bytes(html.encode("utf-8"), level=1)

    @classmethod
    def of_bytes(cls, data: bytes, *, level: int) -> Page:
        """Bytes with their gzip encoding at ``level``."""
        return cls(html=data, gzipped=gzip.compress(data, compresslevel=level, mtime=0))


class MapCache:
    """A small thread-safe LRU of rendered map pages."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Page] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Page | None:
        """The page filed under ``key``, or None."""
        with self._lock:
            page = self._items.get(key)
            if page is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return page

    def put(self, key: Hashable, page: Page) -> None:
        """File ``page`` under ``key``, dropping the least recently used beyond ``size``."""
        with self._lock:
            self._items[key] = page
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def accepts_gzip(accept_encoding: str) -> bool:
    """True when an Accept-Encoding header allows gzip (``gzip;q=0`` refuses it)."""
    for item in accept_encoding.lower().split(","):
        name, _, q = item.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            return q.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False
