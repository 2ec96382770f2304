"""Reference reads kept for one read-only request: the same SELECT is sent once.

A dashboard request asks the same small questions many times over (the versions of a
questionnaire kind, the plans of a period and their targets, the sector of each group,
the transaction volumes of a quarter): each figure asks for what it needs, and
several figures need the same. Within `kept_for_request()` the first answer is kept
and handed back to the next caller; outside it (services, commands, tests that write
between reads) every call reads the database as before.

Only the read-only staff views (the dashboard and its charts) open one, around the
whole request: nothing is written while it is open, so nothing kept can go stale.
`rows(statement)` keeps the rows of a statement by its SQL and parameters: the
year's and the previous year's factor sums, read by both the target summary and the
service index, are summed by the database once each. Giving back what a statement
returned a moment earlier in the same request is what reading it first would have
given: other transactions' writes meanwhile are seen by the next request.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Sector

T = TypeVar("T")
_KEPT: ContextVar[dict[Hashable, Any] | None] = ContextVar("reporting_memo", default=None)


@contextmanager
def kept_for_request() -> Iterator[None]:
    """Keep the reference reads made within this block (one read-only request)."""
    token = _KEPT.set({})
    try:
        yield
    finally:
        _KEPT.reset(token)


def remembered(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, or what it gave the first time within the current block."""
    kept = _KEPT.get()
    if kept is None:
        return read()
    if key not in kept:
        kept[key] = read()
    return kept[key]


def rows(statement) -> Sequence[Any]:
    """`db.session.execute(statement).all()`, or its rows of the first time within the
    current block (the same SQL with the same parameter values)."""
    if _KEPT.get() is None:
        return db.session.execute(statement).all()
    cache_key = statement._generate_cache_key()
    values = tuple(_hashable(bind.effective_value) for bind in cache_key.bindparams)
    return remembered(("rows", cache_key.key, values),
                      lambda: db.session.execute(statement).all())


def _hashable(value: Any) -> Hashable:
    return tuple(value) if isinstance(value, list | tuple | set) else value


def sector_groups() -> dict[int, str]:
    """Sector id -> its group's code (every figure that folds sectors into groups asks)."""
    query = select(Sector.id, Sector.group_code)
    return dict(remembered("sector_groups", lambda: tuple(db.session.execute(query).all())))
