"""Drawn charts kept by what they show: the same picture is never drawn twice.

Drawing a chart (matplotlib's layout and SVG writer) costs 0.1–0.5 s, far more than
reading its numbers once those come from aggregate cells. A chart is a pure function
of what it draws: the chart's name, the language, its labels and, per point, the rate,
the interval, the target and the verdict (not the counts: n and the satisfied are not
drawn). The key is a digest of exactly that, so an entry can never be stale, and two
readers get one drawing only when they would see the same image byte for byte (the
scope shapes the numbers, so it is in the key through them). Nothing expires by time.

`as_drawn` puts the values at the precision they are written at (GRID: a tenth of a
percentage point, as on the page and in the chart's own labels) before they are keyed
and drawn, so that a response that moves a province's rate by a millionth does not
redraw its charts. The chart is then drawn from those values: the key holds
everything the drawing reads, hence same key ⇒ same SVG bytes (tests/test_chart_cache.py).
A value is rounded only where that changes nothing a reader can tell apart: its
written percentage and the axis' lower limit stay those of the exact values (otherwise
the chart is drawn from the exact ones); a ranking is put in the order of the exact
rates first (`ranked`), so that rates which round alike keep their rows.

The store is per process (each gunicorn worker draws a chart once), bounded by its
total size, least recently used out first.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from typing import Any

from analysis import RateEstimate

# Ample for every chart of every scope a province looks at in a day (~15 KB each).
MAX_BYTES = 32 * 1024 * 1024
# Rates drawn as they are written, to 0.1 percentage point: a bar or point moves by at
# most 0.05 point, 0.25 pt on the widest axis (a 7.5-inch chart of 0-110 %), a third
# of a screen pixel.
GRID = 3  # decimal places of a fraction


def as_drawn(estimates: Sequence[RateEstimate], percent: Callable[[float, int], str]
             ) -> list[RateEstimate]:
    """The estimates as the chart draws them: counts left out (not drawn), rate and
    interval on the GRID, unless that could change what the reader sees (then exact)."""
    drawn = [replace(e, n=0, satisfied=0, rate=round(e.rate, GRID), low=round(e.low, GRID),
                     high=round(e.high, GRID)) for e in estimates]
    if not all(_alike(e, d, percent) for e, d in zip(estimates, drawn, strict=True)):
        return [replace(e, n=0, satisfied=0) for e in estimates]
    return drawn


def ranked(labels: Sequence[str], estimates: Sequence[RateEstimate]
           ) -> tuple[list[str], list[RateEstimate]]:
    """Labels and estimates by exact rate, lowest first, ties in their given order: a
    ranking chart (stable sort by the drawn rate) then keeps the exact rates' order."""
    pairs = sorted(zip(labels, estimates, strict=True), key=lambda pair: pair[1].rate)
    return [label for label, _ in pairs], [estimate for _, estimate in pairs]


def _alike(exact: RateEstimate, drawn: RateEstimate, percent) -> bool:
    """The same written rate and the same axis limits (charts' lower limit: tenths)."""
    return (percent(exact.rate, 1) == percent(drawn.rate, 1)
            and all(math.floor(a * 10 - 0.5) == math.floor(b * 10 - 0.5)
                    for a, b in ((exact.rate, drawn.rate), (exact.low, drawn.low),
                                 (exact.high, drawn.high))))


def key(name: str, lang: str, labels: Sequence[str], estimates: Sequence[RateEstimate],
        **options: Any) -> str:
    """The digest of everything a chart shows: its labels, every field of its estimates
    (`as_drawn` ones: no counts) and its options (a common target)."""
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
