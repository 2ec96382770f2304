"""Drawn charts kept by the numbers they show: the same numbers are never drawn twice.

Drawing a chart (matplotlib's layout and SVG writer) costs 0.1–0.5 s, far more than
reading its numbers once those come from aggregate cells. A chart is a pure function
of what it draws: the chart's name, the language and every plotted value (labels,
rates, intervals, targets, verdicts). The key is a digest of exactly that, so an
entry can never be stale: new responses change the numbers, hence the key, and the
old entry simply stops being asked for (it ages out of the bounded store). Nothing
expires by time, and two readers get one drawing only when they would see the same
image byte for byte (the scope shapes the numbers, so it is in the key through them).

The store is per process (each gunicorn worker draws a chart once), bounded by its
total size, least recently used out first.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from analysis import RateEstimate

# Ample for every chart of every scope a province looks at in a day (~15 KB each).
MAX_BYTES = 32 * 1024 * 1024


def key(name: str, lang: str, labels: Sequence[str], estimates: Sequence[RateEstimate],
        **options: Any) -> str:
    """The digest of everything a chart shows: its labels, every field of its estimates
    and its options (a common target)."""
    drawn = [asdict(estimate) for estimate in estimates]
    text = json.dumps({"chart": name, "lang": lang, "labels": list(labels), "rows": drawn,
                       **options}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class DrawingStore:
    """A bounded map of key -> SVG bytes, least recently used out first."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()  # the development server answers in threads
        self.hits = self.draws = 0

    def get_or_draw(self, digest: str, draw: Callable[[], bytes]) -> bytes:
        with self._lock:
            found = self._items.get(digest)
            if found is not None:
                self._items.move_to_end(digest)
                self.hits += 1
                return found
        svg = draw()  # outside the lock: another chart may be drawn meanwhile
        with self._lock:
            self.draws += 1
            if digest not in self._items and len(svg) <= self.max_bytes:
                self._items[digest] = svg
                self._size += len(svg)
                while self._size > self.max_bytes:
                    _, dropped = self._items.popitem(last=False)
                    self._size -= len(dropped)
        return svg

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0
            self.hits = self.draws = 0

    def __len__(self) -> int:
        return len(self._items)


store = DrawingStore()
