"""What every citizen's request reads and staff rarely change, kept for a few seconds.

A page view or submission needs its counter (with agency, sectors and procedures)
and the questionnaire version in service. They change a few times a year, yet
reading them was a seventh of a submission's CPU. Each app (one per gunicorn
worker) keeps what it read for `TTL` seconds:

- a change committed through this process's session (the reference and
  questionnaire loaders, the staff pages) empties the cache at once;
- other workers see a change within `TTL` seconds: a counter closed at 10:00:00
  takes its last answers by 10:00:30, which forms opened before the close would
  have sent anyway.

Only found things are kept: a mistyped or probing code is read each time (and
rate-limited), so it cannot fill the memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from itertools import chain
from typing import TypeVar

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from survey_app.models import (
    Agency,
    Counter,
    Procedure,
    Questionnaire,
    QuestionnaireVersion,
    Sector,
)

TTL = 30.0
KEPT = 1024  # entries per app: more counters than a province has
WATCHED = (Agency, Counter, Procedure, Questionnaire, QuestionnaireVersion, Sector)
_EXTENSION = "reference_cache"
_CHANGED = "reference_changed"

T = TypeVar("T")


def remembered(key: Hashable, load: Callable[[], T | None]) -> T | None:
    """`load()`'s value for `key`, from the cache while it is younger than TTL."""
    store = current_app.extensions.setdefault(_EXTENSION, {})
    now = time.monotonic()
    kept = store.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    value = load()
    if value is not None:
        if len(store) >= KEPT:
            store.clear()
        store[key] = (now + TTL, value)
    return value


def forget() -> None:
    """Drop everything this app keeps (the next request reads afresh)."""
    current_app.extensions.pop(_EXTENSION, None)


@event.listens_for(Session, "after_flush")
def _note_reference_changes(session: Session, _context) -> None:
    # Still the pre-flush lists here: what this flush wrote.
    if any(isinstance(thing, WATCHED)
           for thing in chain(session.new, session.dirty, session.deleted)):
        session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    if session.info.pop(_CHANGED, False) and has_app_context():
        forget()


@event.listens_for(Session, "after_rollback")
def _nothing_changed(session: Session) -> None:
    session.info.pop(_CHANGED, None)
