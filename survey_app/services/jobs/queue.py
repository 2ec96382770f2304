"""The task queue: huey, on a SQLite file in instance/ by default, on Redis in production.

A request must answer within the server's worker timeout (60 s), so anything that can
take longer — a paper import of many thousand rows, a large report — is put on the
queue and run by `flask jobs worker`. The queue's store is set from `JOBS_URL` when
the app starts: `sqlite:///path` (default `instance/jobs.sqlite3`, one machine) or
`redis://…` (several machines, the store the rate limiter already uses in production).

Progress is kept in the queue's own store, not in the database: an import holds one
database transaction from its first row to its last, and on SQLite a second writer
(the progress line) would wait for it.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage

from survey_app.extensions import db

NAME = "survey"

# Tasks are bound to this instance when their modules are imported; `configure`
# points its storage at the store the app's configuration names.
huey = Huey(NAME, storage_class=SqliteStorage, filename=":memory:")
_app: Flask | None = None


def configure(app: Flask) -> None:
    """Point the queue at `JOBS_URL` and remember the app the tasks run in."""
    global _app
    url = app.config["JOBS_URL"]
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey.storage = RedisStorage(NAME, url=url)
    elif url.startswith("sqlite:///"):
        huey.storage = SqliteStorage(NAME, filename=url[len("sqlite:///"):])
    else:
        raise ValueError(f"JOBS_URL {url!r} is neither sqlite:///… nor redis://…")
    _app = app


def app() -> Flask:
    """The app a task runs in (set by `configure` when the worker's app was created)."""
    if _app is None:
        raise RuntimeError("the task queue is not configured: create the app first")
    return _app


def run_in_app(body: Callable[[int], None], job_id: int) -> None:
    """A task's body, `body(job_id)`, in the app's context; the worker thread keeps no
    database session afterwards."""
    with app().app_context():
        try:
            body(job_id)
        finally:
            db.session.remove()


def set_progress(job_id: int, done: int, total: int) -> None:
    huey.put(f"progress:{job_id}", (done, total))


def progress(job_id: int) -> tuple[int, int] | None:
    """(done, total) of a running job, or None before its first report."""
    return huey.get(f"progress:{job_id}", peek=True)


def clear_progress(job_id: int) -> None:
    huey.get(f"progress:{job_id}")  # reading without peek removes it
