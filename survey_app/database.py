"""Engine settings that differ by database, and reads sent to a reporting replica.

With `REPORTING_DATABASE_URL` set (a PostgreSQL streaming replica), the requests
and commands that only read figures — the dashboard, its charts, reports and
exports, the public results page — run their SELECTs on the replica, so that a
heavy report never competes with citizens' submissions on the primary. Writes made
during such a request (the audit row of an export) still go to the primary: the
session routes every flush and every INSERT/UPDATE/DELETE there.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, has_app_context
from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.sql.dml import UpdateBase

REPORTING_BIND = "reporting"
# The views whose queries may read a replica's copy, seconds behind the primary.
REPORTING_ENDPOINTS = frozenset({
    "staff.dashboard", "staff.chart", "staff.reports_page", "staff.report_download",
    "staff.campaign_progress", "public.results",
})
_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


def configure_engine(engine: Engine) -> None:
    """SQLite: WAL (readers don't block the writer), a busy timeout, foreign keys on."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode across app crashes
        cursor.close()


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Within this block, the session's reads go to the reporting replica (if any)."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def reads_replica(command):
    """Decorate a CLI command whose queries may read the replica (`flask report`)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        with reading_from_replica():
            return command(*args, **kwargs)

    return wrapper


def _replica_wanted() -> bool:
    # A request marks itself on `g` (web.py): `g` lives as long as the request's app
    # context, which a streamed export keeps until its last row, where a context
    # variable set in a hook would already be gone.
    if _reading_replica.get():
        return True
    return has_app_context() and bool(g.get("read_replica"))


class RoutingSession(Session):
    """Flask-SQLAlchemy's session, sending reads to the replica when asked to."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if (bind is None and not self._flushing and _replica_wanted()
                and not isinstance(clause, UpdateBase)):
            replica = self._db.engines.get(REPORTING_BIND)
            if replica is not None:
                return replica
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
