"""Keeping the cells exact: every writer of responses calls these in its transaction.

Why in the writer's transaction rather than a job up to a watermark: a figure read
right after a submission already holds it, no reader has to add "the newest rows"
to the cells, and there is no job whose lag would be one more thing to watch. The
cost is one INSERT … SELECT … ON CONFLICT DO UPDATE per transaction (the response's
own cell), and on PostgreSQL two submissions to the same cell wait for each other's
commit on that row, for the length of a short transaction (bench/README.md measures
it).

- `count(connection, *conditions)`: add the responses meeting the conditions (on
  `responses`), after they and their factor tallies are written (`count_one`: one
  response, with a statement built once);
- `uncount(connection, *conditions)`: take them out again, before they (or their
  tallies) are deleted or changed; cells left with no response are deleted;
- `forget(connection, *conditions)`: delete responses, uncounted first;
- `rebuild(connection, month)`: the cells of one local month counted afresh from the
  rows (`flask rollups rebuild` goes month by month, under `lock`).

Several cells are touched in key order (the GROUP BY's), so two bulk writers lock
them in the same order and cannot deadlock each other.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import Date, bindparam, delete, func, insert, select, type_coerce
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from survey_app.i18n import local_midnight, utc_offset_hours
from survey_app.models import Response, response_cells
from survey_app.models.rollup import KEYS, MEASURES
from survey_app.models.types import UTCDateTime
from survey_app.services.rollups.cells import (
    from_rows,
    local_month_of,
    month_after,
)

_INSERTS: dict = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _upsert(dialect: str, query):
    statement: postgresql.Insert | sqlite.Insert = _INSERTS[dialect](response_cells)
    excluded = statement.excluded
    return statement.from_select(KEYS + MEASURES, query).on_conflict_do_update(
        index_elements=list(KEYS),
        set_={name: response_cells.c[name] + excluded[name] for name in MEASURES})


def _add(connection, query) -> None:
    connection.execute(_upsert(connection.dialect.name, query))


@lru_cache(maxsize=16)
def _one(dialect: Dialect, hours: int, sign: int) -> tuple[str, tuple[str, ...] | None, dict]:
    """The upsert of one response (`response_id`, `submitted_hour`: its key, which
    finds it in its month's partition on PostgreSQL), compiled once per database and
    offset from UTC: its SQL, the order of its positional parameters (None: named) and
    their values. Building and compiling a statement of 165 sums cost more than running
    it, and so did SQLAlchemy's per-execution lookup of the compiled form (its cache key
    compares the whole statement: ~0.5 ms of a ~1.3 ms submission on SQLite)."""
    compiled = _upsert(dialect.name, from_rows(
        dialect.name, Response.id == bindparam("response_id"),
        Response.submitted_hour == bindparam("submitted_hour", type_=UTCDateTime()),
        sign=sign)).compile(dialect=dialect)
    order = tuple(compiled.positiontup or ()) if compiled.positional else None
    return compiled.string, order, compiled.construct_params(
        {"response_id": 0, "submitted_hour": None})


@lru_cache(maxsize=4)
def _hour_value(dialect: Dialect):
    """How the driver takes an hour (SQLite: SQLAlchemy's text of it)."""
    return UTCDateTime().dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)


def _execute_one(connection, key: tuple[int, datetime], sign: int) -> None:
    # The constants bound are plain strings (SQLite's date modifiers) with no type
    # processing to apply, so the driver takes the values as they are; the hour is
    # converted here as its column type would.
    sql, order, constants = _one(connection.dialect, utc_offset_hours(), sign)
    values = {**constants, "response_id": key[0],
              "submitted_hour": _hour_value(connection.dialect)(key[1])}
    connection.exec_driver_sql(sql, values if order is None
                               else tuple(values[name] for name in order))


def count(connection, *conditions) -> None:
    """Add the responses meeting `conditions` to their cells."""
    _add(connection, from_rows(connection.dialect.name, *conditions))


def count_one(connection, key: tuple[int, datetime]) -> None:
    """Add one response (its id and submitted_hour) to its cell (the submit path)."""
    _execute_one(connection, key, 1)


def uncount_one(connection, key: tuple[int, datetime]) -> None:
    """Take one response out of its cell, before its tally changes (the cell stays: the
    response is counted again at once)."""
    _execute_one(connection, key, -1)


def count_ids(connection, response_ids) -> None:
    ids = sorted(response_ids)
    if ids:
        count(connection, Response.id.in_(ids))


def uncount(connection, *conditions) -> None:
    """Take the responses meeting `conditions` out of their cells (call it before they
    or their tallies change); a cell left with no response is deleted."""
    months = sorted(connection.execute(
        select(local_month_of(connection.dialect.name)).where(*conditions).distinct()
    ).scalars())
    if not months:
        return
    _add(connection, from_rows(connection.dialect.name, *conditions, sign=-1))
    connection.execute(delete(response_cells).where(
        response_cells.c.month.in_(months), response_cells.c.responses == 0))


def forget(connection, *conditions) -> int:
    """Delete the responses meeting `conditions` (their answers, tallies and comments go
    with them) and take them out of their cells: the one way to delete responses."""
    uncount(connection, *conditions)
    return connection.execute(delete(Response).where(*conditions)).rowcount


def in_month(month: date) -> list:
    """Conditions on `responses` for the local month starting `month`."""
    return [Response.submitted_hour >= local_midnight(month),
            Response.submitted_hour < local_midnight(month_after(month))]


def rebuild(connection, month: date) -> None:
    """Count the cells of the local month starting `month` afresh from the rows."""
    connection.execute(delete(response_cells).where(response_cells.c.month == month))
    connection.execute(insert(response_cells).from_select(KEYS + MEASURES, from_rows(
        connection.dialect.name, *in_month(month))))


def span(connection) -> tuple[date, date] | None:
    """The first and last local month holding a response or a cell (None: neither)."""
    dialect = connection.dialect.name
    found = [connection.execute(select(func.min(column), func.max(column))).one()
             for column in (type_coerce(local_month_of(dialect), Date), response_cells.c.month)]
    firsts = [first for first, _ in found if first is not None]
    lasts = [last for _, last in found if last is not None]
    return (min(firsts), max(lasts)) if firsts else None


def months(first: date, last: date) -> list[date]:
    """The local months from the one holding `first` to the one holding `last`."""
    steps, month = [], first.replace(day=1)
    while month <= last:
        steps.append(month)
        month = month_after(month)
    return steps


def lock(connection) -> None:
    """Hold the cells still for a rebuild: on PostgreSQL, writers wait for its commit
    (SQLite has one writer at a time anyway)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("LOCK TABLE response_cells IN SHARE ROW EXCLUSIVE MODE")
