"""Reading feedback cases: the filtered list, one case with its thread, and the counts.

The list and the counts are built from the same query, so the dashboard's numbers are
the list's totals. Cases are personal data (they show the comment): listing and
reading are audited and need a role that reads comments; the counts are aggregates.
A case is in scope when its response is, or when its owner agency is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, exists, false, func, or_, select, true

from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.i18n import local_date
from survey_app.models import (
    CASE_STATES,
    Agency,
    CaseEvent,
    Comment,
    FeedbackCase,
    Response,
    Sector,
    utcnow,
)
from survey_app.models.feedback import CASE_KINDS
from survey_app.services.access import audit
from survey_app.services.access.scope import Scope
from survey_app.services.feedback import calendar
from survey_app.services.feedback.cases import OPEN_STATES, CaseNotFound, CaseRefused, open_cases
from survey_app.services.reporting.periods import Period

PAGE_SIZE = 50


class CaseFilterInvalid(DomainError):
    """A filter value that cannot be used."""


@dataclass(frozen=True)
class CaseFilters:
    period: Period
    state: str | None = None
    kind: str | None = None
    agency_id: int | None = None
    sector_id: int | None = None
    score: int | None = None
    overdue: bool = False

    def __post_init__(self):
        if self.state and self.state not in CASE_STATES:
            raise CaseFilterInvalid("state_unknown")
        if self.kind and self.kind not in CASE_KINDS:
            raise CaseFilterInvalid("case_kind_unknown")
        if self.score is not None and not 1 <= self.score <= 5:
            raise CaseFilterInvalid("score_outside")


@dataclass
class CaseRow:
    case: FeedbackCase
    comment: Comment
    response: Response
    owner: Agency
    sector: Sector | None
    overdue: bool
    late: bool
    working_days_left: int | None


@dataclass
class CasePage:
    rows: list[CaseRow]
    total: int
    page: int
    pages: int


def today() -> date:
    return local_date(utcnow())


def overdue_condition(day: date):
    """Still open past its deadline (the flag shown on the list and counted)."""
    return and_(FeedbackCase.state.in_(OPEN_STATES), FeedbackCase.deadline < day)


def _scope_condition(scope: Scope):
    if scope.everything:
        return true()
    owner = (FeedbackCase.agency_id.in_(sorted(scope.agency_ids))
             if scope.agency_ids else false())
    return or_(scope.responses_filter(), owner)


_ANSWERED = Response.__table__.alias("answered")


def _query(scope: Scope, filters: CaseFilters, day: date, *columns):
    query = (select(*columns)
             .select_from(FeedbackCase)
             .join(Comment, Comment.id == FeedbackCase.comment_id)
             .join(Response, Response.id == Comment.response_id)
             # The period as a lookup of the case's own response: as a range on the
             # joined table, SQLite walked the period's responses by their hour index
             # (0.3 s a dashboard at a million responses) to find a handful of cases.
             .where(_scope_condition(scope), Comment.purged_at.is_(None),
                    exists().where(_ANSWERED.c.id == Comment.response_id,
                                   _ANSWERED.c.submitted_hour >= filters.period.start,
                                   _ANSWERED.c.submitted_hour < filters.period.end)))
    conditions = [
        (filters.state, lambda: FeedbackCase.state == filters.state),
        (filters.kind, lambda: FeedbackCase.kind == filters.kind),
        (filters.agency_id, lambda: FeedbackCase.agency_id == filters.agency_id),
        (filters.sector_id, lambda: Response.sector_id == filters.sector_id),
        (filters.score, lambda: Response.overall_score == filters.score),
        (filters.overdue, lambda: overdue_condition(day)),
    ]
    for value, condition in conditions:
        if value:
            query = query.where(condition())
    return query


def _row(found, day: date) -> CaseRow:
    case_, comment, response, owner, sector = found
    is_open = case_.state in OPEN_STATES
    return CaseRow(
        case=case_, comment=comment, response=response, owner=owner, sector=sector,
        overdue=is_open and case_.deadline < day,
        late=case_.answered_on is not None and case_.answered_on > case_.deadline,
        working_days_left=(calendar.working_days_between(day, case_.deadline)
                           if is_open and case_.deadline >= day else None))


def _require_reader(scope: Scope) -> None:
    if not scope.allows_comments:
        raise CaseRefused("comments_not_readable")


def list_cases(scope: Scope, user_id: int | None, filters: CaseFilters,
               page: int = 1) -> CasePage:
    """Cases in scope and matching the filters, earliest deadline first (audited)."""
    _require_reader(scope)
    open_cases()
    day = today()
    base = _query(scope, filters, day, FeedbackCase.id)
    total = db.session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    query = (_query(scope, filters, day, FeedbackCase, Comment, Response, Agency, Sector)
             .join(Agency, Agency.id == FeedbackCase.agency_id)
             .outerjoin(Sector, Sector.id == Response.sector_id)
             .order_by(case((FeedbackCase.state.in_(OPEN_STATES), 0), else_=1),
                       FeedbackCase.deadline, FeedbackCase.id)
             .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    rows = [_row(found, day) for found in db.session.execute(query).all()]
    audit.record(user_id, "cases.list", period=filters.period.code, state=filters.state,
                 agency=filters.agency_id, sector=filters.sector_id, score=filters.score,
                 overdue=filters.overdue, page=page,
                 case_ids=[row.case.id for row in rows], **scope.describe())
    return CasePage(rows, total, page, pages)


def get_case(scope: Scope, user_id: int | None, case_id: int) -> tuple[CaseRow, list[CaseEvent]]:
    """One case in scope with its whole thread, oldest first (audited)."""
    _require_reader(scope)
    found = db.session.execute(
        select(FeedbackCase, Comment, Response, Agency, Sector)
        .join(Comment, Comment.id == FeedbackCase.comment_id)
        .join(Response, Response.id == Comment.response_id)
        .join(Agency, Agency.id == FeedbackCase.agency_id)
        .outerjoin(Sector, Sector.id == Response.sector_id)
        .where(FeedbackCase.id == case_id, _scope_condition(scope), Comment.purged_at.is_(None))
    ).first()
    if found is None:
        raise CaseNotFound(case_id)
    audit.record(user_id, "cases.read", case_id=case_id)
    events = list(db.session.execute(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)).scalars())
    return _row(found, today()), events


def case_for_comment(comment_id: int) -> int | None:
    return db.session.execute(
        select(FeedbackCase.id).where(FeedbackCase.comment_id == comment_id)).scalar()


def case_counts(scope: Scope, filters: CaseFilters) -> dict[str, int]:
    """Cases per state, `total`, `overdue` and the citizens' ratings (`satisfied`,
    `unsatisfied`): the list's totals for the same filters."""
    open_cases()
    day = today()
    flags = {"overdue": overdue_condition(day),
             "satisfied": FeedbackCase.rating == "satisfied",
             "unsatisfied": FeedbackCase.rating == "unsatisfied"}
    query = _query(scope, filters, day, FeedbackCase.state, func.count(),
                   *[func.sum(case((condition, 1), else_=0)) for condition in flags.values()])
    counts = {name: 0 for name in (*CASE_STATES, *flags)}
    for state, count, *sums in db.session.execute(query.group_by(FeedbackCase.state)).all():
        counts[state] = count
        for name, value in zip(flags, sums, strict=True):
            counts[name] += int(value or 0)
    counts["total"] = sum(counts[state] for state in CASE_STATES)
    return counts
