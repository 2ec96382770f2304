"""Opening feedback cases from comments, and every change to a case (thread and history).

A case moves new -> assigned -> in progress -> answered -> closed; an answered or
closed case can be reopened (back to in progress). Each change adds one CaseEvent
(who, when, old and new value, the note or reply) and one AuditLog row with the
same old and new values; nothing in the thread is ever overwritten.

Changing a case needs an editing role and the case's owner agency in scope; giving
it to an agency outside one's own tree is for readers who see everything (Home
Affairs). Only agencies of levels still in service can be chosen.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, and_, cast, or_, select

from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.i18n import local_date
from survey_app.models import Agency, CaseEvent, Comment, FeedbackCase, Level, Response, utcnow
from survey_app.services.access import audit
from survey_app.services.access.scope import Scope
from survey_app.services.feedback import calendar, rules

MAX_TEXT_LENGTH = 4000
OPEN_STATES = ("new", "assigned", "in_progress")
# action -> (states it may start from, state it leads to; None = unchanged)
TRANSITIONS = {
    "assign": (("new", "assigned", "in_progress"), "assigned"),
    "start": (("assigned",), "in_progress"),
    "answer": (("in_progress",), "answered"),
    "close": (("answered",), "closed"),
    "reopen": (("answered", "closed"), "in_progress"),
    "note": (("new", "assigned", "in_progress", "answered", "closed"), None),
}


class CaseNotFound(DomainError):
    """No such case in the reader's scope."""

    status = 404

    def __init__(self, case_id: int):
        super().__init__("case_not_found", id=case_id)


class CaseRefused(DomainError):
    """The reader may not make this change."""

    status = 403


class CaseInvalid(DomainError):
    """A change that cannot be made now; the code says why."""


def active_agencies_filter():
    """Agencies whose level is still in service (not the districts retired 1/7/2025)."""
    today = local_date(utcnow())
    retired = select(Level.code).where(Level.retired_on.is_not(None), Level.retired_on <= today)
    return Agency.level_code.not_in(retired)


def open_cases(now: datetime | None = None) -> int:
    """Open a case for every comment that asks for action and has none yet; returns how many.

    Run before cases are listed or counted, and after a comment's tags change, so that a
    comment submitted a moment ago is already a case. A comment already followed up
    keeps its follow-up, as the migration carried it over: assigned to an agency, it is
    an assigned case of that agency; handled, an answered case whose answer is its reply
    note, answered when it was handled.
    """
    case_rules = rules.load()
    tagged = and_(Comment.tags.is_not(None), cast(Comment.tags, String) != "[]")
    candidates = db.session.execute(
        select(Comment, Response.overall_score, Response.submitted_hour, Response.agency_id)
        .join(Response, Response.id == Comment.response_id)
        .outerjoin(FeedbackCase, FeedbackCase.comment_id == Comment.id)
        .where(FeedbackCase.id.is_(None), Comment.purged_at.is_(None),
               or_(Response.overall_score <= case_rules.low_score_at_most, tagged))
    ).all()
    opened = 0
    for comment, score, hour, agency_id in candidates:
        kind = case_rules.kind_of(score, comment.tags)
        if kind is not None:
            db.session.add(_case_from(comment, kind, hour, agency_id, case_rules, now or utcnow()))
            opened += 1
    if opened:
        db.session.commit()
    return opened


def _case_from(comment: Comment, kind: str, hour: datetime, agency_id: int,
               case_rules: rules.CaseRules, now: datetime) -> FeedbackCase:
    day = local_date(hour)
    case = FeedbackCase(comment_id=comment.id, kind=kind, state="new",
                        agency_id=comment.assigned_agency_id or agency_id, opened_on=day,
                        deadline=calendar.add_working_days(day, case_rules.working_days[kind]))
    case.events.append(CaseEvent(at=now, action="opened", new_value=kind))
    handled_at = comment.handled_at if comment.status == "handled" else None
    state = "answered" if handled_at else ("assigned" if comment.status == "assigned" else "new")
    if state != "new":
        case.events.append(CaseEvent(at=now, action="state", old_value="new", new_value=state))
        case.state = state
    if handled_at is not None:
        case.answered_at = handled_at
        case.answered_on = local_date(handled_at)
        if comment.reply_note:
            case.events.append(CaseEvent(at=handled_at, user_id=comment.handled_by_id,
                                         action="reply", text=comment.reply_note))
    return case


def change_case(scope: Scope, user_id: int | None, case_id: int, action: str, *,
                agency_id: int | None = None, text: str | None = None) -> FeedbackCase:
    """Make one change (see TRANSITIONS), checked first, written with its history (audited)."""
    if action not in TRANSITIONS:
        raise CaseInvalid("action_unknown")
    case = editable_case(scope, case_id)
    starts, target = TRANSITIONS[action]
    if case.state not in starts:
        raise CaseInvalid("action_not_now")
    text = _checked_text(action, text)
    now = utcnow()
    if action == "assign":
        owner = _check_owner(scope, agency_id)
        if owner != case.agency_id:
            _event(case, user_id, now, "owner", str(case.agency_id), str(owner))
            case.agency_id = owner
    if target and target != case.state:
        _event(case, user_id, now, "state", case.state, target)
        case.state = target
    _stamp(case, action, now)
    if text:
        _event(case, user_id, now, "reply" if action == "answer" else "note", None, None, text)
    db.session.commit()
    return case


def _checked_text(action: str, text: str | None) -> str:
    """The note or reply, stripped: within the length, and there when the action needs one."""
    text = (text or "").strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise CaseInvalid("case_text_too_long", n=MAX_TEXT_LENGTH)
    if action in ("note", "answer") and not text:
        raise CaseInvalid("case_text_missing")
    return text


def _stamp(case: FeedbackCase, action: str, now: datetime) -> None:
    """The times an answer, a closing or a reopening sets (or clears)."""
    if action == "answer":
        case.answered_at, case.answered_on = now, local_date(now)
    elif action == "close":
        case.closed_at = now
    elif action == "reopen":
        case.answered_at = case.answered_on = case.closed_at = None


def editable_case(scope: Scope, case_id: int) -> FeedbackCase:
    if not scope.allows_editing:
        raise CaseRefused("cases_not_editable")
    case = db.session.get(FeedbackCase, case_id)
    if case is None or case.comment.purged_at is not None:
        raise CaseNotFound(case_id)
    response = case.comment.response
    if not (scope.allows_agency(case.agency_id)
            or scope.allows_response(response.agency_id, response.sector_id)):
        raise CaseNotFound(case_id)  # out of scope: its existence is not revealed
    if not scope.allows_agency(case.agency_id):
        raise CaseRefused("case_of_another_agency")
    return case


def _check_owner(scope: Scope, agency_id: int | None) -> int:
    """The new owner of a case: an agency in service within the scope."""
    active = db.session.execute(
        select(Agency.id).where(Agency.id == agency_id, active_agencies_filter())).scalar()
    if agency_id is None or active is None or not scope.allows_agency(agency_id):
        raise CaseInvalid("case_agency_out_of_scope")
    return agency_id


def _event(case: FeedbackCase, user_id, now, action, old, new, text=None) -> None:
    case.events.append(CaseEvent(at=now, user_id=user_id, action=action, old_value=old,
                                 new_value=new, text=text))
    # The audit row keeps old and new values, never the text (it may hold personal data).
    audit.record(user_id, f"case.{action}", commit=False, case_id=case.id, old=old, new=new)
