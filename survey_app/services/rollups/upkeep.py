"""Keeping the cells exact: every writer of responses calls these in its transaction.

Why in the writer's transaction rather than a job up to a watermark: a figure read
right after a submission already holds it, no reader has to add "the newest rows"
to the cells, and there is no job whose lag would be one more thing to watch. The
cost is one INSERT … SELECT … ON CONFLICT DO UPDATE per transaction (the response's
own cell), and on PostgreSQL two submissions to the same cell wait for each other's
commit on that row, for the length of a short transaction (bench/README.md measures
it).

- `count(connection, *conditions)`: add the responses meeting the conditions (on
  `responses`), after they and their factor tallies are written;
- `uncount(connection, *conditions)`: take them out again, before they (or their
  tallies) are deleted or changed; cells left with no response are deleted;
- `forget(connection, *conditions)`: delete responses, uncounted first;
- `rebuild(connection, first_day, last_day)`: the cells of those local days counted
  afresh from the rows (`flask rollups rebuild` goes month by month, under `lock`).

Several cells are touched in key order (the GROUP BY's), so two bulk writers lock
them in the same order and cannot deadlock each other.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from sqlalchemy import Date, delete, func, insert, select, type_coerce
from sqlalchemy.dialects import postgresql, sqlite

from survey_app.models import Response, response_cells
from survey_app.models.rollup import KEYS, MEASURES
from survey_app.services.reporting.periods import Period
from survey_app.services.rollups.cells import from_rows, local_day_of

_INSERTS: dict = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@cache
def _upsert(dialect: str) -> tuple:
    """The INSERT into the cells and what a conflict adds, built once per dialect: the
    few hundred expressions cost more to build than the statement to run (~0.07 s of
    every submission)."""
    statement: postgresql.Insert | sqlite.Insert = _INSERTS[dialect](response_cells)
    excluded = statement.excluded
    return statement, {name: response_cells.c[name] + excluded[name] for name in MEASURES}


def _add(connection, query) -> None:
    statement, adds = _upsert(connection.dialect.name)
    connection.execute(statement.from_select(KEYS + MEASURES, query).on_conflict_do_update(
        index_elements=list(KEYS), set_=adds))


def count(connection, *conditions) -> None:
    """Add the responses meeting `conditions` to their cells."""
    _add(connection, from_rows(connection.dialect.name, *conditions))


def count_ids(connection, response_ids) -> None:
    ids = sorted(response_ids)
    if ids:
        count(connection, Response.id.in_(ids))


def uncount(connection, *conditions) -> None:
    """Take the responses meeting `conditions` out of their cells (call it before they
    or their tallies change); a cell left with no response is deleted."""
    days = sorted(connection.execute(
        from_rows(connection.dialect.name, *conditions).with_only_columns(
            local_day_of(connection.dialect.name)).distinct()).scalars())
    if not days:
        return
    _add(connection, from_rows(connection.dialect.name, *conditions, sign=-1))
    connection.execute(delete(response_cells).where(
        response_cells.c.day.in_(days), response_cells.c.responses == 0))


def rebuild(connection, first_day: date, last_day: date) -> None:
    """Count the cells of the local days first_day..last_day afresh from the rows."""
    period = Period("custom", first_day, last_day)
    connection.execute(delete(response_cells).where(
        response_cells.c.day >= first_day, response_cells.c.day <= last_day))
    connection.execute(insert(response_cells).from_select(KEYS + MEASURES, from_rows(
        connection.dialect.name, Response.submitted_hour >= period.start,
        Response.submitted_hour < period.end)))


def span(connection) -> tuple[date, date] | None:
    """The first and last local day holding a response or a cell (None: neither)."""
    dialect = connection.dialect.name
    days = [connection.execute(select(func.min(column), func.max(column))).one()
            for column in (type_coerce(local_day_of(dialect), Date), response_cells.c.day)]
    firsts = [d for d, _ in days if d is not None]
    lasts = [d for _, d in days if d is not None]
    return (min(firsts), max(lasts)) if firsts else None


def months(first_day: date, last_day: date) -> list[tuple[date, date]]:
    """first_day..last_day cut at month boundaries: the steps of a rebuild."""
    steps, start = [], first_day
    while start <= last_day:
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        steps.append((start, min(last_day, following - timedelta(days=1))))
        start = following
    return steps


def lock(connection) -> None:
    """Hold the cells still for a rebuild: on PostgreSQL, writers wait for its commit
    (SQLite has one writer at a time anyway)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("LOCK TABLE response_cells IN SHARE ROW EXCLUSIVE MODE")


def forget(connection, *conditions) -> int:
    """Delete the responses meeting `conditions` (their answers, tallies and comments go
    with them) and take them out of their cells: the one way to delete responses."""
    uncount(connection, *conditions)
    return connection.execute(delete(Response).where(*conditions)).rowcount
