"""The retention period of personal data: comments and contact details are anonymised.

Free-text comments may hold anything a citizen wrote, so all of them are personal
data (Decree 13/2023/NĐ-CP); contact details are personal data by definition. After
COMMENT_RETENTION_DAYS (730 by default) counted from the response's hour:

- the comment's text becomes empty, the contact name, phone and e-mail NULL, the
  consent flag false, the staff's reply note (which may quote the citizen) NULL,
  and `purged_at` records when; the notes and answers in its feedback case's thread
  lose their text too, and the case its reply link;
- what is not personal stays: the response, its scores, the comment row with its
  item, status and tags, so that rates and "how many comments, of which kind"
  stay exactly as reported before;
- the hashed dossier reference of invitations that closed before the cut-off is
  dropped too (it links a dossier to the fact that a survey was offered).

Each step is one UPDATE over a sub-select, so a purge of millions of rows is a few
statements, in one transaction, identical on SQLite and PostgreSQL. A real run is
written to the audit log; a dry run only counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import CaseEvent, Comment, FeedbackCase, Invitation, Response, utcnow
from survey_app.services.access import audit

_DURATION = re.compile(r"^\s*(\d{1,5})\s*([dwy])\s*$")
_DAYS_PER_UNIT = {"d": 1, "w": 7, "y": 365}


class RetentionError(DomainError):
    """A retention period that cannot be used."""


@dataclass(frozen=True)
class PurgeSummary:
    cutoff: datetime
    comments: int  # comments whose text was (or would be) emptied
    contacts: int  # of which with contact details
    dossiers: int  # invitations whose dossier hash was (or would be) dropped
    dry_run: bool


def parse_period(text: str) -> timedelta:
    """'730d', '104w' or '2y' (a year counts 365 days); at least one day."""
    match = _DURATION.match(text or "")
    if not match:
        raise RetentionError("retention_unknown", value=text)
    days = int(match.group(1)) * _DAYS_PER_UNIT[match.group(2)]
    if days < 1:
        raise RetentionError("retention_too_short")
    return timedelta(days=days)


def _due_comments(cutoff: datetime):
    return (
        select(Comment.id)
        .join(Response, Response.id == Comment.response_id)
        .where(Response.submitted_hour < cutoff, Comment.purged_at.is_(None))
    )


def _due_invitations(cutoff: datetime):
    # A used invitation keeps no time of use (it would link it to its answer): its
    # dossier hash goes once the link's own expiry is past the cut-off.
    return select(Invitation.id).where(Invitation.dossier_hmac.is_not(None),
                                       Invitation.expires_at < cutoff)


def purge(older_than: timedelta, *, dry_run: bool = False,
          now: datetime | None = None) -> PurgeSummary:
    """Anonymise what is older than `older_than`; commit (or only count, for a dry run)."""
    if older_than < timedelta(days=1):
        raise RetentionError("retention_too_short")
    cutoff = (now or utcnow()) - older_than
    due = _due_comments(cutoff).subquery()
    comments = db.session.execute(select(func.count()).select_from(due)).scalar_one()
    contacts = db.session.execute(
        select(func.count()).select_from(Comment).where(
            Comment.id.in_(select(due.c.id)),
            or_(Comment.contact_name.is_not(None), Comment.contact_phone.is_not(None),
                Comment.contact_email.is_not(None)),
        )
    ).scalar_one()
    dossiers = db.session.execute(
        select(func.count()).select_from(_due_invitations(cutoff).subquery())
    ).scalar_one()
    summary = PurgeSummary(cutoff, comments, contacts, dossiers, dry_run)
    if dry_run:
        return summary
    stamp = utcnow()
    # The id lists are materialised by the database inside the UPDATE, never in Python.
    # A case's notes and answers may quote the citizen too; its reply link goes with them.
    due_cases = select(FeedbackCase.id).where(FeedbackCase.comment_id.in_(_due_comments(cutoff)))
    db.session.execute(
        update(CaseEvent).where(CaseEvent.case_id.in_(due_cases)).values(text=None)
        .execution_options(synchronize_session=False))
    db.session.execute(
        update(FeedbackCase).where(FeedbackCase.id.in_(due_cases))
        .values(reply_token_sha256=None, reply_link_expires_at=None)
        .execution_options(synchronize_session=False))
    db.session.execute(
        update(Comment)
        .where(Comment.id.in_(_due_comments(cutoff)))
        .values(text="", contact_name=None, contact_phone=None, contact_email=None,
                contact_consent=False, reply_note=None, purged_at=stamp)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Invitation)
        .where(Invitation.id.in_(_due_invitations(cutoff)))
        .values(dossier_hmac=None)
        .execution_options(synchronize_session=False)
    )
    audit.record(None, "retention.purge", cutoff=cutoff.isoformat(), days=older_than.days,
                 comments=comments, contacts=contacts, dossiers=dossiers)
    return summary


def default_period(config) -> timedelta:
    return timedelta(days=int(config.get("COMMENT_RETENTION_DAYS", 730)))
