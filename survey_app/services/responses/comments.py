"""Comment follow-up: list, read, tag, assign to an agency, mark handled; and its pace.

Comments are personal data. Every function takes a `Scope`, and a comment out of
scope is reported as not found (its existence is not revealed). Each list or read
writes an AuditLog row (`comments.list`, `comments.read`), each change one more
(`comments.update`). Contact details are returned only when the citizen consented.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, cast, exists, func, literal_column, select
from sqlalchemy.orm import aliased

from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import (
    Agency,
    Comment,
    Counter,
    FeedbackCase,
    QuestionnaireVersion,
    Response,
    Sector,
    utcnow,
)
from survey_app.services.access import audit
from survey_app.services.access.scope import Scope
from survey_app.services.feedback.cases import open_cases
from survey_app.services.reporting.figures import NO_FILTERS, Filters, response_conditions
from survey_app.services.reporting.periods import Period
from survey_app.vocabulary import CommentStatus

PAGE_SIZE = 50
MAX_TAGS = 10
MAX_TAG_LENGTH = 40
MAX_NOTE_LENGTH = 2000
TAG = re.compile(r"^[\w][\w -]*$", re.UNICODE)


class CommentNotFound(DomainError):
    """No such comment in the reader's scope."""

    status = 404

    def __init__(self, comment_id: int):
        super().__init__("comment_not_found", id=comment_id)


class CommentRefused(DomainError):
    """The reader may not change comments (viewers), or not in this way."""

    status = 403


class CommentInvalid(DomainError):
    """A tag, note or agency that cannot be accepted; the code says why."""


@dataclass
class CommentRow:
    id: int
    text: str
    status: str
    tags: list
    submitted_hour: datetime
    questionnaire: dict
    agency: dict
    counter: dict | None
    sector: dict | None
    assigned_agency: dict | None
    assigned_agency_id: int | None
    reply_note: str | None
    handled_at: datetime | None
    contact: dict | None


@dataclass
class CommentPage:
    rows: list[CommentRow]
    total: int
    page: int
    pages: int


@dataclass
class CommentStats:
    total: int
    new: int
    assigned: int
    handled: int
    median_hours_to_handle: float | None


def _base_query(scope: Scope):
    assigned = aliased(Agency)
    query = (
        select(Comment, Response, QuestionnaireVersion, Agency, Counter, Sector, assigned)
        .join(Response, Response.id == Comment.response_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Response.questionnaire_version_id)
        .join(Agency, Agency.id == Response.agency_id)
        .outerjoin(Counter, Counter.id == Response.counter_id)
        .outerjoin(Sector, Sector.id == Response.sector_id)
        .outerjoin(assigned, assigned.id == Comment.assigned_agency_id)
        .where(scope.comments_filter(), Comment.purged_at.is_(None))
    )
    return query


def _in_view(period: Period, filters: Filters):
    """The period and filters on the comment's response; the scope is applied apart
    (a comment assigned to the reader's agency is theirs whoever answered)."""
    return and_(*response_conditions(period.start, period.end, Scope.all_data(), filters))


def _names(row) -> dict | None:
    return None if row is None else {"vi": row.name_vi, "en": row.name_en}


def _row(comment, response, version, agency, counter, sector, assigned) -> CommentRow:
    contact = None
    if comment.contact_consent:
        contact = {"name": comment.contact_name, "phone": comment.contact_phone,
                   "email": comment.contact_email}
    return CommentRow(
        id=comment.id, text=comment.text, status=comment.status, tags=list(comment.tags or []),
        submitted_hour=response.submitted_hour,
        questionnaire={"vi": version.title_vi, "en": version.title_en},
        agency={"vi": agency.name_vi, "en": agency.name_en}, counter=_names(counter),
        sector=_names(sector),
        assigned_agency=_names(assigned), assigned_agency_id=comment.assigned_agency_id,
        reply_note=comment.reply_note, handled_at=comment.handled_at, contact=contact,
    )


def list_comments(scope: Scope, user_id: int | None, period: Period, status: str | None = None,
                  tag: str | None = None, page: int = 1,
                  filters: Filters = NO_FILTERS) -> CommentPage:
    """Comments in scope for responses in the period and `filters` (the dashboard's
    survey, channels, level and drill-down), newest first, 50 a page (audited)."""
    if not scope.allows_comments:
        raise CommentRefused("comments_not_readable")
    query = _base_query(scope).where(_in_view(period, filters))
    if status:
        if status not in CommentStatus.values():
            raise CommentInvalid("status_unknown")
        query = query.where(Comment.status == status)
    if tag:
        # Tags are a JSON list; matching its JSON text for '"tag"' works the same on
        # SQLite and PostgreSQL (tags hold no quotes: parse_tags refuses them).
        query = query.where(
            cast(Comment.tags, String).contains(json.dumps(tag.strip().lower()), autoescape=True))
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = db.session.execute(
        query.order_by(Response.submitted_hour.desc(), Comment.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    found = [_row(*row) for row in rows]
    audit.record(user_id, "comments.list", period=period.code, status=status, tag=tag, page=page,
                 comment_ids=[row.id for row in found], **scope.describe())
    return CommentPage(found, total, page, pages)


def get_comment(scope: Scope, user_id: int | None, comment_id: int) -> CommentRow:
    """One comment in scope (audited); CommentNotFound otherwise."""
    if not scope.allows_comments:
        raise CommentRefused("comments_not_readable")
    row = db.session.execute(_base_query(scope).where(Comment.id == comment_id)).first()
    if row is None:
        raise CommentNotFound(comment_id)
    audit.record(user_id, "comments.read", comment_id=comment_id)
    return _row(*row)


def parse_tags(text: str) -> list[str]:
    tags = []
    for raw in (text or "").split(","):
        tag = " ".join(raw.split()).lower()
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH or not TAG.match(tag):
            raise CommentInvalid("tag_invalid", n=MAX_TAG_LENGTH)
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise CommentInvalid("too_many_tags", n=MAX_TAGS)
    return tags


def update_comment(scope: Scope, user_id: int, comment_id: int, *, tags: str | None = None,
                   assign_agency_id: int | None = None, reply_note: str | None = None,
                   handled: bool = False) -> None:
    """Tag, assign and/or mark handled, all checked first and written together (audited).

    Assigning needs an agency in the reader's scope; marking handled needs a reply note.
    """
    comment, new_tags, note = _checked_edit(scope, comment_id, tags, assign_agency_id,
                                            reply_note, handled)
    before = _state(comment)
    changed = _apply_edit(comment, user_id, new_tags, assign_agency_id, note, handled)
    after = _state(comment)
    # Old and new values of what changed; the note's text stays out of the log.
    audit.record(user_id, "comments.update", commit=False, comment_id=comment_id,
                 changed=changed, old={k: v for k, v in before.items() if v != after[k]},
                 new={k: v for k, v in after.items() if v != before[k]})
    db.session.commit()
    if "tags" in changed:
        open_cases()  # a complaint or proposal tag makes the comment a case


def _checked_edit(scope: Scope, comment_id: int, tags: str | None,
                  assign_agency_id: int | None, reply_note: str | None,
                  handled: bool) -> tuple[Comment, list[str] | None, str]:
    """The comment, its parsed tags and note, once every part of the edit is allowed."""
    if not scope.allows_editing:
        raise CommentRefused("comments_not_editable")
    found = db.session.execute(_base_query(scope).where(Comment.id == comment_id)).first()
    if found is None:
        raise CommentNotFound(comment_id)
    new_tags = parse_tags(tags) if tags is not None else None
    note = (reply_note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise CommentInvalid("note_too_long", n=MAX_NOTE_LENGTH)
    if handled:
        _check_can_handle(comment_id, note)
    if assign_agency_id is not None:
        if db.session.get(Agency, assign_agency_id) is None or not scope.allows_agency(
                assign_agency_id):
            raise CommentInvalid("agency_out_of_scope")
    return found[0], new_tags, note


def _check_can_handle(comment_id: int, note: str) -> None:
    if not note:
        raise CommentInvalid("note_missing")
    if db.session.execute(
            select(FeedbackCase.id).where(FeedbackCase.comment_id == comment_id)).first():
        # One follow-up per comment: a case is answered on its own page, with its thread.
        raise CommentInvalid("comment_is_case")


def _state(comment: Comment) -> dict:
    return {"tags": list(comment.tags or []), "assigned": comment.assigned_agency_id,
            "status": comment.status}


def _apply_edit(comment: Comment, user_id: int, new_tags: list[str] | None,
                assign_agency_id: int | None, note: str, handled: bool) -> list[str]:
    """Write the checked edit onto the comment; the names of the parts that changed."""
    changed = []
    if new_tags is not None and new_tags != list(comment.tags or []):
        comment.tags = new_tags
        changed.append("tags")
    if assign_agency_id is not None and assign_agency_id != comment.assigned_agency_id:
        comment.assigned_agency_id = assign_agency_id
        if comment.status == "new":
            comment.status = "assigned"
        changed.append("assigned")
    if note and note != (comment.reply_note or ""):
        comment.reply_note = note
        changed.append("note")
    if handled and comment.status != "handled":
        comment.status, comment.handled_at, comment.handled_by_id = "handled", utcnow(), user_id
        changed.append("handled")
    return changed


def _hours_between(start, end):
    """Hours from start to end, in SQL, on either database."""
    if db.engine.dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def comment_stats(period: Period, scope: Scope, filters: Filters = NO_FILTERS) -> CommentStats:
    """Counts by status and the median hours from response to handling (aggregates only).

    Counted over the same comments as `list_comments` with the same filters (those
    assigned to the reader's agency included); a viewer, who reads no comments, gets
    the counts over the responses in scope. The median is taken in SQL (ORDER BY …
    LIMIT/OFFSET on the middle rows), not by loading rows.
    """
    visible = scope.comments_filter() if scope.allows_comments else scope.responses_filter()
    # Driven by the comments, each response found by its key: as a join, SQLite walked
    # the period's responses by their hour index (6 s at a million a year, for no comment).
    counted = and_(Comment.purged_at.is_(None), exists().where(
        Response.id == Comment.response_id, _in_view(period, filters), visible))
    counts = dict(db.session.execute(
        select(Comment.status, func.count()).where(counted).group_by(Comment.status)
    ).all())
    handled = counts.get("handled", 0)
    median = None
    if handled:
        answered = (select(Response.submitted_hour).where(Response.id == Comment.response_id)
                    .scalar_subquery())
        hours = _hours_between(answered, Comment.handled_at).label("hours")
        ordered = (select(hours)
                   .where(counted, Comment.status == "handled", Comment.handled_at.is_not(None))
                   .order_by(literal_column("hours")))
        middle = db.session.execute(
            ordered.limit(2 - handled % 2).offset((handled - 1) // 2)).scalars().all()
        if middle:
            median = float(sum(middle) / len(middle))
    return CommentStats(total=sum(counts.values()), new=counts.get("new", 0),
                        assigned=counts.get("assigned", 0), handled=handled,
                        median_hours_to_handle=median)
