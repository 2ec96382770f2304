"""Everything a report shows, gathered once from the reporting service.

The PDF and the XLSX are drawn from the same `ReportData`, and every number in it
comes from `services.reporting`, `services.factor_indices` and
`services.comments` (the queries behind the dashboard): a report can never
disagree with the dashboard for the same period and scope.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, select

from survey_app import formatting
from survey_app.extensions import db
from survey_app.models import Agency, Comment, Response, Sector, utcnow
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import factor_indices, served_groups, trends
from survey_app.services.reporting import figures as reporting
from survey_app.services.reporting.periods import Period
from survey_app.services.responses import comments

ADMINISTRATIVE = ("administrative",)
PUBLIC_SERVICES = ("health_inpatient", "health_outpatient", "education_parent")
SAMPLE_COMMENTS = 12  # the most recent complaints, as examples (only where allowed)
# A target only partly inside the report's scope: its figure is for that part, unjudged.
PARTIAL_NOTE = "phần thuộc phạm vi đang xem"
PARTIAL_VERDICT = "Không kết luận (chỉ một phần đối tượng của chỉ tiêu)"


def target_name(target) -> str:
    """The target's Vietnamese name, marked when the figure is for part of its population."""
    name = target.name["vi"]
    return f"{name} — {PARTIAL_NOTE}" if target.partial else name


@dataclass
class ReportData:
    period: Period
    scope: Scope
    scope_label: dict
    generated_at: datetime
    totals: reporting.Cell
    targets: list
    groups: list
    sectors: list
    agencies: list
    services: list
    channels: list
    factors: factor_indices.ServiceIndex
    trend: list
    comment_stats: comments.CommentStats
    comment_tags: list[tuple[str, int]]
    comment_samples: list[dict] | None = None  # None: the scope may not read comment text
    steps: list[str] = field(default_factory=list)


STEPS = ("targets", "sectors", "agencies", "services", "factors", "trend", "comments")


def collect(period: Period, scope: Scope,
            progress: Callable[[str], None] | None = None) -> ReportData:
    """Gather the report's numbers for `period` within `scope` (a few grouped queries)."""
    def step(name: str) -> None:
        if progress:
            progress(name)

    admin = reporting.Filters(kinds=ADMINISTRATIVE)
    services = reporting.Filters(kinds=PUBLIC_SERVICES)
    targets = reporting.target_summary(period, scope)
    totals = reporting.totals(period, scope)
    step("targets")
    groups = reporting.breakdown(period, scope, "group", admin)
    sectors = reporting.breakdown(period, scope, "sector", admin)
    step("sectors")
    agencies = served_groups.breakdown(period, scope, "agency", admin)
    step("agencies")
    public = served_groups.breakdown(period, scope, "agency", services)
    channels = reporting.breakdown(period, scope, "channel")
    step("services")
    factors = _factors(period, scope, targets)
    step("factors")
    trend = trends.trend(period, scope, admin)
    step("trend")
    stats = comments.comment_stats(period, scope)
    tags = _tag_counts(period, scope)
    samples = _samples(period, scope) if scope.allows_comments else None
    step("comments")
    return ReportData(
        period=period, scope=scope, scope_label=scope_label(scope), generated_at=utcnow(),
        totals=totals, targets=targets, groups=_present(groups), sectors=_present(sectors),
        agencies=_present(agencies), services=_present(public), channels=_present(channels),
        factors=factors, trend=trend, comment_stats=stats, comment_tags=tags,
        comment_samples=samples,
    )


def _factors(period: Period, scope: Scope, targets: list) -> factor_indices.ServiceIndex:
    """The administrative factor indices; reused from the service-index target when it has them
    (the same query, which reads every factor answer of the period: worth doing once)."""
    for target in targets:
        if (target.measure == "service-index" and list(target.kinds) == list(ADMINISTRATIVE)
                and not target.groups and "factors" in target.extra):
            return factor_indices.ServiceIndex(
                respondents=target.n, index=target.rate, low=target.low, high=target.high,
                too_small=target.too_small, factors=target.extra["factors"])
    return factor_indices.service_index(period, scope, ADMINISTRATIVE)


def _present(cells: list) -> list:
    """Cells that have answers (an empty cell has no rate to show)."""
    return [cell for cell in cells if cell.responses]


def scope_label(scope: Scope) -> dict:
    """The scope in words: the whole province, or the sectors and agencies granted."""
    if scope.everything:
        return {"vi": "Toàn tỉnh", "en": "Whole province"}
    names = []
    if scope.sector_ids:
        names += formatting.sort_by_name(db.session.execute(
            select(Sector.name_vi, Sector.name_en).where(Sector.id.in_(sorted(scope.sector_ids)))
        ).all(), lambda row: row[0], "vi")
    roots = scope.root_agency_ids or scope.agency_ids
    if roots:
        names += formatting.sort_by_name(db.session.execute(
            select(Agency.name_vi, Agency.name_en).where(Agency.id.in_(sorted(roots)))
        ).all(), lambda row: row[0], "vi")
    if not names:
        return {"vi": "Không có dữ liệu được cấp quyền", "en": "No data granted"}
    return {"vi": "; ".join(vi for vi, _ in names), "en": "; ".join(en for _, en in names)}


def _in_period(period: Period, scope: Scope):
    return and_(Response.submitted_hour >= period.start, Response.submitted_hour < period.end,
                scope.responses_filter(), Comment.purged_at.is_(None))


def _tag_counts(period: Period, scope: Scope) -> list[tuple[str, int]]:
    """How often each tag was given (tags only: a short list per comment, no text)."""
    tally: Tally = Tally()
    rows = db.session.execute(
        select(Comment.tags).join(Response, Response.id == Comment.response_id)
        .where(_in_period(period, scope)).execution_options(yield_per=2000)
    ).scalars()
    for tags in rows:
        tally.update(tags or [])
    return tally.most_common()


def _samples(period: Period, scope: Scope) -> list[dict]:
    """The most recent comments of dissatisfied respondents (text only: no contact details)."""
    rows = db.session.execute(
        select(Response.submitted_hour, Agency.name_vi, Comment.text, Comment.status)
        .join(Response, Response.id == Comment.response_id)
        .join(Agency, Agency.id == Response.agency_id)
        .where(_in_period(period, scope), scope.comments_filter(), Response.overall_score <= 3)
        .order_by(Response.submitted_hour.desc(), Comment.id.desc()).limit(SAMPLE_COMMENTS)
    ).all()
    return [{"at": at, "agency": agency, "text": text, "status": status}
            for at, agency, text, status in rows]
