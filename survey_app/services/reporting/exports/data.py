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

from flask_babel import force_locale
from sqlalchemy import and_, select

from survey_app import formatting
from survey_app.extensions import db
from survey_app.models import Agency, Comment, Response, Sector, utcnow
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import factor_indices, served_groups, trends
from survey_app.services.reporting import figures as reporting
from survey_app.services.reporting.periods import Period
from survey_app.services.responses import comments
from survey_app.vocabulary import QuestionnaireKind

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
    survey: str | None = None  # the questionnaire kind chosen; None: every survey

    @property
    def administrative(self) -> bool:
        """Whether the administrative sections (sectors, agencies, factors) have data."""
        return self.survey in (None, *ADMINISTRATIVE)


STEPS = ("targets", "sectors", "agencies", "services", "factors", "trend", "comments")


def _sections(survey: str | None) -> tuple:
    """The filters of the whole report, of its administrative sections and of its public
    services' one (None: the chosen survey has no answers in that section)."""
    if survey is None:
        return (reporting.NO_FILTERS, reporting.Filters(kinds=ADMINISTRATIVE),
                reporting.Filters(kinds=PUBLIC_SERVICES))
    chosen = reporting.Filters(kinds=(survey,))
    return (chosen, chosen if survey in ADMINISTRATIVE else None,
            chosen if survey in PUBLIC_SERVICES else None)


def collect(period: Period, scope: Scope, progress: Callable[[str], None] | None = None,
            survey: str | None = None) -> ReportData:
    """Gather the report's numbers for `period` within `scope`, for one questionnaire kind
    (`survey`) or all of them (a few grouped queries)."""
    def step(name: str) -> None:
        if progress:
            progress(name)

    whole, admin, services = _sections(survey)

    def cells(dimension: str, filters, split=False) -> list:
        if filters is None:
            return []
        return (served_groups if split else reporting).breakdown(period, scope, dimension,
                                                                 filters)

    targets = reporting.target_summary(period, scope, whole)
    totals = reporting.totals(period, scope, whole)
    step("targets")
    groups, sectors = cells("group", admin), cells("sector", admin)
    step("sectors")
    agencies = cells("agency", admin, split=True)
    step("agencies")
    public = cells("agency", services, split=True)
    channels = reporting.breakdown(period, scope, "channel", whole)
    step("services")
    factors = _factors(period, scope, targets, survey)
    step("factors")
    trend = trends.trend(period, scope, admin or whole)
    step("trend")
    stats = comments.comment_stats(period, scope, whole)
    tags = _tag_counts(period, scope, whole)
    samples = _samples(period, scope, whole) if scope.allows_comments else None
    step("comments")
    return ReportData(
        period=period, scope=scope, scope_label=scope_label(scope, survey),
        generated_at=utcnow(), totals=totals, targets=targets, groups=_present(groups),
        sectors=_present(sectors), agencies=_present(agencies), services=_present(public),
        channels=_present(channels), factors=factors, trend=trend, comment_stats=stats,
        comment_tags=tags, comment_samples=samples, survey=survey,
    )


def _factors(period: Period, scope: Scope, targets: list,
             survey: str | None) -> factor_indices.ServiceIndex:
    """The factor indices of the chosen survey (administrative by default); reused from the
    service-index target when it has them (the same query, which reads every factor answer
    of the period: worth doing once)."""
    kinds = ADMINISTRATIVE if survey is None else (survey,)
    for target in targets:
        if (target.measure == "service-index" and list(target.kinds) == list(kinds)
                and not target.groups and "factors" in target.extra):
            return factor_indices.ServiceIndex(
                respondents=target.n, index=target.rate, low=target.low, high=target.high,
                too_small=target.too_small, factors=target.extra["factors"],
                versions=target.extra.get("versions", []))
    return factor_indices.service_index(period, scope, kinds)


def _present(cells: list) -> list:
    """Cells that have answers (an empty cell has no rate to show)."""
    return [cell for cell in cells if cell.responses]


def scope_label(scope: Scope, survey: str | None = None) -> dict:
    """The scope in words (the whole province, or the sectors and agencies granted), and
    the survey when one was chosen."""
    label = _scope_words(scope)
    if survey is None:
        return label
    return {"vi": f"{label['vi']} — khảo sát: {survey_name(survey, 'vi')}",
            "en": f"{label['en']} — survey: {survey_name(survey, 'en')}"}


def survey_name(survey: str, lang: str) -> str:
    """A questionnaire kind's label in `lang` ("Y tế: người bệnh nội trú")."""
    with force_locale(lang):
        return str(QuestionnaireKind.label_of(survey))


def _scope_words(scope: Scope) -> dict:
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


def _in_period(period: Period, scope: Scope, filters: reporting.Filters):
    return and_(*reporting.response_conditions(period.start, period.end, scope, filters),
                Comment.purged_at.is_(None))


def _tag_counts(period: Period, scope: Scope,
                filters: reporting.Filters) -> list[tuple[str, int]]:
    """How often each tag was given (tags only: a short list per comment, no text)."""
    tally: Tally = Tally()
    rows = db.session.execute(
        select(Comment.tags).join(Response, Response.id == Comment.response_id)
        .where(_in_period(period, scope, filters)).execution_options(yield_per=2000)
    ).scalars()
    for tags in rows:
        tally.update(tags or [])
    return tally.most_common()


def _samples(period: Period, scope: Scope, filters: reporting.Filters) -> list[dict]:
    """The most recent comments of dissatisfied respondents (text only: no contact details)."""
    rows = db.session.execute(
        select(Response.submitted_hour, Agency.name_vi, Comment.text, Comment.status)
        .join(Response, Response.id == Comment.response_id)
        .join(Agency, Agency.id == Response.agency_id)
        .where(_in_period(period, scope, filters), scope.comments_filter(),
               Response.overall_score <= 3)
        .order_by(Response.submitted_hour.desc(), Comment.id.desc()).limit(SAMPLE_COMMENTS)
    ).all()
    return [{"at": at, "agency": agency, "text": text, "status": status}
            for at, agency, text, status in rows]
