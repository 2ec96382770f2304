"""The cells as the reporting code reads them: columns, ranges, and the way back.

`services/reporting` asks for counts with `Response` columns (`figures.grouped_counts`);
here those become the cells' columns, with 0 read back as NULL ("no counter" …). A
range of local days is split (`split`) into the whole local months inside it, read
from the cells, and the days at either end, read from the rows: quarters, halves and
years have no ends; a custom range has at most two partial months of rows. Both parts
are counted by the same code and added, so every range is exact.

`rows_instead()` has the same code count everything from the rows, as it did before
the cells: the property tests compare every figure both ways, and the benchmark
times both in one run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Column, func

from survey_app.extensions import db
from survey_app.i18n import local_midnight
from survey_app.models import Response, response_cells
from survey_app.models.rollup import OPTIONAL_KEYS
from survey_app.services.rollups.cells import local_day, month_after

CELLS = response_cells.c
_FROM_ROWS: ContextVar[bool] = ContextVar("figures_from_rows", default=False)


def from_cells() -> bool:
    """Whether figures read the cells (always, but within `rows_instead`)."""
    return not _FROM_ROWS.get()


@contextmanager
def rows_instead() -> Iterator[None]:
    """Count figures from the rows within this block (for comparisons and benchmarks)."""
    token = _FROM_ROWS.set(True)
    try:
        yield
    finally:
        _FROM_ROWS.reset(token)


@dataclass(frozen=True)
class Parts:
    """A UTC range [start, end) as whole local months [first_month, end_month) of cells
    (none when first_month is None) and the UTC ranges of rows around them."""

    first_month: date | None
    end_month: date | None
    edges: tuple[tuple[datetime, datetime], ...]

    def months(self) -> list:
        """Conditions on the cells for the whole months (only when there are some)."""
        return [CELLS.month >= self.first_month, CELLS.month < self.end_month]


def split(start: datetime, end: datetime) -> Parts:
    """The whole local months inside [start, end), and the rows' ranges left at its ends
    (everything is rows within `rows_instead`)."""
    first_day, end_day = local_day(start), local_day(end)
    whole_first = first_day.day == 1 and local_midnight(first_day) == start
    first_month = first_day if whole_first else month_after(first_day.replace(day=1))
    end_month = end_day.replace(day=1)
    if not from_cells() or first_month >= end_month:
        return Parts(None, None, ((start, end),))
    edges = [(start, local_midnight(first_month))] if start < local_midnight(first_month) else []
    if local_midnight(end_month) < end:
        edges.append((local_midnight(end_month), end))
    return Parts(first_month, end_month, tuple(edges))


def column(expression):
    """The cells' column for a `Response` column (its NULL stored as 0: read back as
    NULL); any other expression unchanged."""
    target = getattr(expression, "expression", expression)
    if not isinstance(target, Column) or target.table is not Response.__table__:
        return expression
    cell = CELLS[target.name]
    return func.nullif(cell, 0).label(target.name) if target.name in OPTIONAL_KEYS else cell


def summed(queries, keys: int, counts: int, run=None) -> list[tuple]:
    """The rows of `queries` (the cells' part and the rows' parts of one range), grouped by
    their first `keys` columns, with their `counts` columns added up per key; in key
    order, NULL last, so that the result is the same whichever way it was counted.
    Without keys, one row (zeros when nothing matched). `run(statement)` gives a
    statement's rows (default: execute it)."""
    found: dict = {}
    for query in queries:
        grouped = query.group_by(*query.selected_columns[:keys]) if keys else query
        for row in (run or db.session.execute)(grouped):
            key = tuple(row[:keys])
            found[key] = [a + int(b or 0) for a, b in zip(found.get(key, [0] * counts),
                                                          row[keys:], strict=True)]
    if not keys and not found:
        found[()] = [0] * counts
    return [(*key, *found[key]) for key in sorted(found, key=lambda key: [
        (value is None, 0 if value is None else value) for value in key])]
