"""The citizen's view of the outcome: a single-use link to read the answer and rate it.

Only when the citizen gave contact details with consent can staff create the link
(sent to them by the contact they gave). The link carries a random token and
nothing else: no case number, no phone, no e-mail; only the token's hash is stored
(as for invitations). The citizen may read the answer until they rate it; rating
(satisfied or not) uses the link up. A new link replaces the previous one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import Agency, CaseEvent, FeedbackCase, utcnow
from survey_app.models.feedback import CASE_RATINGS
from survey_app.services.access import audit
from survey_app.services.access.scope import Scope
from survey_app.services.feedback.cases import CaseInvalid, editable_case
from survey_app.services.responses.tokens import new_token, sha256_hex

LINK_LIFETIME = timedelta(days=30)
ANSWERED_STATES = ("answered", "closed")


class ReplyLinkInvalid(DomainError):
    """No usable link with this token (unknown, used, expired or purged)."""

    status = 404

    def __init__(self):
        super().__init__("reply_link_invalid")  # never the token: it is a secret


@dataclass
class ReplyView:
    agency: dict
    answers: list[tuple[datetime, str]]  # (when, text), oldest first


def issue_link(scope: Scope, user_id: int | None, case_id: int) -> str:
    """A new link token for an answered case whose citizen consented to contact (audited)."""
    case = editable_case(scope, case_id)
    comment = case.comment
    if case.state not in ANSWERED_STATES:
        raise CaseInvalid("answer_first")
    if not (comment.contact_consent and (comment.contact_phone or comment.contact_email)):
        raise CaseInvalid("no_contact")
    token, now = new_token(), utcnow()
    case.reply_token_sha256 = sha256_hex(token)
    case.reply_link_expires_at = now + LINK_LIFETIME
    case.events.append(CaseEvent(at=now, user_id=user_id, action="reply_link"))
    audit.record(user_id, "case.reply_link", commit=False, case_id=case.id)
    db.session.commit()
    return token


def reply_url(token: str) -> str:
    """The link to send to the citizen (from PUBLIC_BASE_URL, never a request's Host)."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/r/{token}"


def _case_for(token: str) -> FeedbackCase:
    case = db.session.execute(select(FeedbackCase).where(
        FeedbackCase.reply_token_sha256 == sha256_hex(token or ""))).scalar()
    if (case is None or case.reply_link_expires_at is None
            or case.reply_link_expires_at <= utcnow() or case.comment.purged_at is not None):
        raise ReplyLinkInvalid()
    return case


def read_reply(token: str) -> ReplyView:
    case = _case_for(token)
    agency = db.session.get_one(Agency, case.agency_id)
    answers = [(e.at, e.text) for e in case.events if e.action == "reply" and e.text]
    return ReplyView(agency={"vi": agency.name_vi, "en": agency.name_en}, answers=answers)


def rate(token: str, rating: str) -> None:
    """Record the citizen's rating of the handling; the link is used up."""
    if rating not in CASE_RATINGS:
        raise ValueError(rating)
    case = _case_for(token)
    now = utcnow()
    case.events.append(CaseEvent(at=now, action="rating", old_value=case.rating,
                                 new_value=rating))
    case.rating, case.rated_at = rating, now
    case.reply_token_sha256 = case.reply_link_expires_at = None
    db.session.commit()
