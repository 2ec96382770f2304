"""The audit log: who logged in, read comments or cases, changed or exported what, and when.

Detail holds identifiers, filters and old/new values only, never comment text or
contact details (the log must not become a second copy of the personal data it
protects). Rows are append-only (models/append_only.py). Admins read the log on
the audit page through `list_events`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.i18n import local_midnight
from survey_app.models import AuditLog, StaffUser

PAGE_SIZE = 100
# Families of actions, by the prefix of their name, for the audit page's filter.
FAMILIES = ("login", "logout", "export", "users", "case", "comments", "totp", "account",
            "retention")


def record(user_id: int | None, action: str, commit: bool = True, **detail) -> AuditLog:
    """Add one row (`user_id` None for CLI actions); commits unless told not to."""
    row = AuditLog(user_id=user_id, action=action, detail=detail)
    db.session.add(row)
    if commit:
        db.session.commit()
    return row


@dataclass(frozen=True)
class EventFilters:
    family: str | None = None
    user_id: int | None = None
    first_day: date | None = None  # local dates, inclusive
    last_day: date | None = None


@dataclass
class EventPage:
    rows: list[tuple[AuditLog, StaffUser | None]]
    total: int
    page: int
    pages: int


def list_events(filters: EventFilters, page: int = 1) -> EventPage:
    """Events matching the filters, newest first (case actions: `case.*` and `cases.*`)."""
    query = select(AuditLog, StaffUser).outerjoin(StaffUser, StaffUser.id == AuditLog.user_id)
    if filters.family:
        query = query.where(AuditLog.action.startswith(filters.family, autoescape=True))
    if filters.user_id:
        query = query.where(AuditLog.user_id == filters.user_id)
    if filters.first_day:
        query = query.where(AuditLog.at >= local_midnight(filters.first_day))
    if filters.last_day:
        query = query.where(AuditLog.at < local_midnight(filters.last_day + timedelta(days=1)))
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = db.session.execute(query.order_by(AuditLog.id.desc()).limit(PAGE_SIZE)
                              .offset((page - 1) * PAGE_SIZE)).all()
    return EventPage([(event, user) for event, user in rows], total, page, pages)
