"""Satisfaction figures for a period and a scope: targets, drill-down cells, trends.

The ONE place that turns responses into the counts `analysis` reads. The database
does the counting: sums over the rolled-up cells (response_cells, one row per local
month × counter × sector × channel × version × campaign; services/rollups/), and the
rows of the days a custom range holds at either end of a month; Python only folds a
few hundred grouped rows and hands counts to `analysis` for intervals and verdicts.
Every query goes through a `Scope`.

Definitions (the same everywhere: dashboard, reports, public page):

- *responses*: rows in the period; *n*: those with an overall score (a NULL
  overall score, "not used / no opinion", is kept but left out of every rate);
  *satisfied*: overall score 4 or 5; *rate* = satisfied / n, with a 95 % Wilson
  interval (`analysis.proportion_ci`) and, against a target, `analysis.target_verdict`.
- *repeat_device*: responses flagged as a second answer from the same device; they
  are counted (not dropped) and their share is reported so a reader can judge.
- a cell with n < 30 is `too_small`: shown and marked, never hidden.

API (all return plain dataclasses; `period` is a `periods.Period`, `scope` a
`scope.Scope`, `filters` a `Filters`):

- `target_summary(period, scope, filters)` -> list[TargetResult]: every target of
  the plans valid in the period whose population meets the view, judged only when
  the whole population is in it (`targets.py`), with the change from the previous
  period.
- `breakdown(period, scope, dimension, filters)` -> list[Cell]: one cell per
  sector group / sector / agency / counter / level / channel.
- `totals(period, scope, filters)` -> Cell: everything in scope, one cell.

Trends are `trends.py`; agency and counter rows split by target group `served_groups.py`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import and_, case, func, select

import analysis
from survey_app import formatting
from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import (
    Agency,
    Counter,
    Level,
    Plan,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Sector,
    SectorGroup,
)
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import memo
from survey_app.services.reporting.periods import Period
from survey_app.services.rollups import reading
from survey_app.vocabulary import Channel

MIN_CELL = 30  # below this many answers a rate is marked too small to read
CONFIDENCE = 0.95
METHOD = "wilson"
DIMENSIONS = ("group", "sector", "agency", "counter", "level", "channel")


class ReportingError(DomainError):
    """A report asked for something that does not exist (a dimension, a channel …)."""


@dataclass(frozen=True)
class Filters:
    """Narrow the responses: empty/None means no narrowing on that field.

    `kinds` are questionnaire kinds; `group` a sector-group code; `sector_id`,
    `agency_id` (exact agency, not its sub-units) and `counter_id` are drill-down
    steps; `level` an agency level code (`levels` several, for a target's
    population); `channels` among vocabulary.Channel.
    """

    channels: tuple[str, ...] = ()
    level: str | None = None
    kinds: tuple[str, ...] = ()
    group: str | None = None
    sector_id: int | None = None
    agency_id: int | None = None
    levels: tuple[str, ...] = ()

    def __post_init__(self):
        unknown = set(self.channels) - set(Channel.values())
        if unknown:
            raise ReportingError("channels_unknown", channels=", ".join(sorted(unknown)))


NO_FILTERS = Filters()


@dataclass
class Cell:
    """Counts and rate of one group of responses (see the module docstring)."""

    key: object
    code: str | None
    name: dict
    responses: int
    n: int
    satisfied: int
    repeat_device: int
    rate: float | None = None
    low: float | None = None
    high: float | None = None
    target: float | None = None
    verdict: str | None = None
    additional_n: int | None = None
    too_small: bool = True
    withheld: bool = False  # large enough, hidden so that a small cell cannot be derived
    label: str = ""
    part: dict | None = None  # the target group of an agency's row, when it has two

    @property
    def estimate(self) -> analysis.RateEstimate | None:
        """The rate as analysis' one result type (a verdict only against a target)."""
        return analysis.estimate_or_none(self.n, self.satisfied, self.rate, self.low, self.high,
                                         self.target, self.verdict if self.target else None)

    @property
    def not_used(self) -> int:
        return self.responses - self.n

    @property
    def repeat_share(self) -> float | None:
        return self.repeat_device / self.responses if self.responses else None


@dataclass
class TargetResult:
    """A target held against the period's answers in scope."""

    plan_code: str
    code: str
    name: dict
    threshold: float
    measure: str
    kinds: list
    groups: list
    n: int = 0
    satisfied: int | None = None
    responses: int = 0
    repeat_device: int = 0
    rate: float | None = None
    low: float | None = None
    high: float | None = None
    verdict: str | None = None
    p_value: float | None = None
    additional_n: int | None = None
    too_small: bool = True
    withheld: bool = False  # hidden on the public page so that a small total stays hidden
    method: str = METHOD
    previous_rate: float | None = None
    change: analysis.Difference | None = None
    change_year: analysis.Difference | None = None  # from the same period a year earlier
    se: float | None = None  # the service index's standard error (rates: None)
    weighted: object | None = None  # weighting.PostStratified, where volumes are loaded
    coverage: str = "full"  # full / partial: the share of its population in the view
    extra: dict = field(default_factory=dict)

    @property
    def estimate(self) -> analysis.RateEstimate | None:
        """The rate (or service index) as analysis' one result type, against its threshold."""
        return analysis.estimate_or_none(self.n, self.satisfied, self.rate, self.low, self.high,
                                         self.threshold, self.verdict)

    @property
    def partial(self) -> bool:
        return self.coverage == "partial"


# --- the one aggregate query ---------------------------------------------------------

def _counts_columns(cells: bool = False):
    if cells:  # the same four sums, over the rolled-up cells
        return tuple(func.coalesce(func.sum(reading.CELLS[name]), 0).label(name)
                     for name in ("responses", "n", "satisfied", "repeat_device"))
    return (
        func.count().label("responses"),
        func.count(Response.overall_score).label("n"),
        func.coalesce(func.sum(case((Response.overall_score >= 4, 1), else_=0)), 0)
        .label("satisfied"),
        func.coalesce(func.sum(case((Response.repeat_device.is_(True), 1), else_=0)), 0)
        .label("repeat_device"),
    )


def version_ids(kinds) -> list[int]:
    """Questionnaire versions of the given kinds (a tiny query; avoids a join per row)."""
    query = select(QuestionnaireVersion.id).join(Questionnaire).where(Questionnaire.kind.in_(kinds))
    return list(memo.remembered(("version_ids", tuple(kinds)),
                                lambda: tuple(db.session.execute(query).scalars())))


def sector_ids_of_groups(groups) -> list[int]:
    query = select(Sector.id).where(Sector.group_code.in_(groups))
    return list(db.session.execute(query).scalars())


def response_conditions(start: datetime, end: datetime, scope: Scope, filters: Filters,
                        months: reading.Parts | None = None) -> list:
    """WHERE conditions on `responses` for a time range, a scope and filters; with
    `months`, on the rolled-up cells of its whole months instead.

    Kinds, groups and levels are resolved to id lists first, so the big table is
    read through its (submitted_hour, sector_id/agency_id) indexes with no joins.
    """
    source = reading.CELLS if months else Response
    conditions = (months.months() if months
                  else [Response.submitted_hour >= start, Response.submitted_hour < end])
    conditions.append(scope.responses_filter(source))
    if filters.channels:
        conditions.append(source.channel.in_(filters.channels))
    if filters.kinds:
        conditions.append(source.questionnaire_version_id.in_(version_ids(filters.kinds)))
    if filters.group:
        conditions.append(source.sector_id.in_(sector_ids_of_groups([filters.group])))
    if filters.sector_id is not None:
        conditions.append(source.sector_id == filters.sector_id)
    if filters.agency_id is not None:
        conditions.append(source.agency_id == filters.agency_id)
    if filters.level:
        level_agencies = select(Agency.id).where(Agency.level_code == filters.level)
        conditions.append(source.agency_id.in_(level_agencies))
    if filters.levels:
        level_agencies = select(Agency.id).where(Agency.level_code.in_(filters.levels))
        conditions.append(source.agency_id.in_(level_agencies))
    return conditions


def grouped_counts(start, end, scope: Scope, filters: Filters, *group_by) -> list:
    """Rows of (*group_by, responses, n, satisfied, repeat_device) from `reading.split`."""
    parts = reading.split(start, end)
    queries = [select(*map(reading.column, group_by), *_counts_columns(cells=True)).where(
        and_(*response_conditions(start, end, scope, filters, parts)))] if parts.first_month else []
    queries += [select(*group_by, *_counts_columns()).select_from(Response).where(
        and_(*response_conditions(edge_start, edge_end, scope, filters)))
        for edge_start, edge_end in parts.edges]
    return reading.summed(queries, len(group_by), 4, run=memo.rows)


# --- rates -----------------------------------------------------------------------------

def rate_of(cell, threshold: float | None = None):
    """Fill rate, interval, verdict and too_small of a Cell/TrendPoint/TargetResult."""
    cell.too_small = cell.n < MIN_CELL
    if cell.n == 0:
        return cell
    if threshold is None:
        low, high = analysis.proportion_ci(cell.satisfied, cell.n, CONFIDENCE, METHOD)
        cell.rate, cell.low, cell.high = cell.satisfied / cell.n, low, high
        return cell
    verdict = analysis.target_verdict(cell.satisfied, cell.n, threshold, CONFIDENCE, METHOD)
    cell.rate, cell.low, cell.high = verdict.rate, verdict.low, verdict.high
    cell.verdict, cell.additional_n = verdict.verdict, verdict.additional_n
    if hasattr(cell, "p_value"):
        cell.p_value = verdict.p_value
    if hasattr(cell, "target"):
        cell.target = threshold
    return cell


# --- targets ---------------------------------------------------------------------------

def plans_for(period: Period) -> list[Plan]:
    """Plans whose validity overlaps the period (a custom range may span two)."""
    overlapping = (Plan.valid_from <= period.last_day, Plan.valid_to >= period.first_day)
    return list(memo.remembered(("plans", period.first_day, period.last_day), lambda: tuple(
        db.session.execute(select(Plan).where(*overlapping).order_by(Plan.valid_from)).scalars())))


def targets_for(period: Period):
    return list(memo.remembered(("targets", period.first_day, period.last_day),
                                lambda: tuple(t for p in plans_for(period) for t in p.targets)))


def target_summary(period: Period, scope: Scope, filters: Filters = NO_FILTERS) -> list:
    """Every target valid in the period, each on the part of its population in the view:
    see `targets.target_summary` (the population rules live there)."""
    from survey_app.services.reporting import targets  # it builds on this module

    return targets.target_summary(period, scope, filters)


def cell_target(period: Period, kinds, group: str | None, targets=None):
    """The `overall` target a cell of these questionnaire kinds and sector group answers to.

    A target whose groups name the group wins over a target for all groups; with no
    kind given, or kinds split across targets, there is no single target: None.
    `targets` (the period's, from `targets_for`) saves a query per cell.
    """
    if not kinds:
        return None
    candidates = [t for t in (targets if targets is not None else targets_for(period))
                  if t.measure == "overall" and set(kinds) <= set(t.questionnaire_kinds)]
    specific = [t for t in candidates if group and group in (t.sector_groups or [])]
    general = [t for t in candidates if not t.sector_groups]
    chosen = specific or general
    return chosen[-1] if chosen else None


def cell_threshold(period: Period, kinds, group: str | None, targets=None) -> float | None:
    target = cell_target(period, kinds, group, targets)
    return target.threshold if target else None


# --- drill-down cells ------------------------------------------------------------------

def names_of(model, key_column, keys) -> dict:
    keys = [k for k in keys if k is not None]
    if not keys:
        return {}
    rows = db.session.execute(
        select(key_column, model.code if hasattr(model, "code") else key_column,
               model.name_vi, model.name_en).where(key_column.in_(keys))
    ).all()
    return {key: (code, {"vi": vi, "en": en}) for key, code, vi, en in rows}


UNKNOWN = {"vi": "Không rõ", "en": "Unknown"}
# Dimensions counted by sector or agency and folded here (a few hundred rows at most).
FOLDED = {"group": (Response.sector_id, Sector.group_code, SectorGroup, SectorGroup.code),
          "level": (Response.agency_id, Agency.level_code, Level, Level.code)}


def _folded_rows(period: Period, scope: Scope, dimension: str, filters: Filters):
    """Rows and names of a sector group or agency level breakdown."""
    column, value, model, key_column = FOLDED[dimension]
    rows = grouped_counts(period.start, period.end, scope, filters, column)
    value_of: dict = dict(db.session.execute(select(value.class_.id, value)).all())
    folded: dict = defaultdict(lambda: [0, 0, 0, 0])
    for key, *counts in rows:
        folded[value_of.get(key)] = [a + b for a, b in zip(folded[value_of.get(key)], counts,
                                                           strict=True)]
    return [(k, *counts) for k, counts in folded.items()], names_of(model, key_column, folded)


def breakdown(period: Period, scope: Scope, dimension: str,
              filters: Filters = NO_FILTERS) -> list[Cell]:
    """One Cell per value of `dimension` (group, sector, agency, counter, level, channel).

    Cells are sorted by name; each carries the threshold of the matching `overall`
    target when the filters pin the questionnaire kinds (see `cell_threshold`),
    with its verdict. Responses without a sector/counter form an "Unknown" cell.
    """
    if dimension not in DIMENSIONS:
        raise ReportingError("dimension_unknown", dimension=dimension,
                             dimensions=", ".join(DIMENSIONS))
    if dimension in FOLDED:
        rows, names = _folded_rows(period, scope, dimension, filters)
    else:
        column, model, key_column = {
            "sector": (Response.sector_id, Sector, Sector.id),
            "agency": (Response.agency_id, Agency, Agency.id),
            "counter": (Response.counter_id, Counter, Counter.id),
            "channel": (Response.channel, None, None),
        }[dimension]
        rows = grouped_counts(period.start, period.end, scope, filters, column)
        names = (names_of(model, key_column, [r[0] for r in rows]) if model is not None
                 else {key: (key, {"vi": key, "en": key}) for key, *_ in rows})
    group_of_sector = memo.sector_groups()
    targets = targets_for(period)
    cells = []
    for key, responses, n, satisfied, repeat in rows:
        code, name = names.get(key, (None, UNKNOWN))
        group = filters.group
        if dimension == "group":
            group = key
        elif dimension == "sector":
            group = group_of_sector.get(key)
        elif filters.sector_id is not None:
            group = group_of_sector.get(filters.sector_id)
        cell = Cell(key=key, code=code, name=name, responses=int(responses), n=int(n),
                    satisfied=int(satisfied), repeat_device=int(repeat))
        cells.append(rate_of(cell, cell_threshold(period, filters.kinds, group, targets)))
    # Vietnamese alphabetical order ("Đất đai" before "Giáo dục"), the unknown last
    return sorted(cells, key=lambda c: (c.key is None, formatting.name_key(c.name.get("vi"), "vi")))


def totals(period: Period, scope: Scope, filters: Filters = NO_FILTERS) -> Cell:
    """All responses in scope and filters as one cell (with the matching target, if any)."""
    ((responses, n, satisfied, repeat),) = grouped_counts(period.start, period.end, scope,
                                                          filters)
    cell = Cell(key=None, code=None, name={"vi": "Tổng", "en": "Total"},
                responses=int(responses), n=int(n), satisfied=int(satisfied or 0),
                repeat_device=int(repeat or 0))
    return rate_of(cell, cell_threshold(period, filters.kinds, filters.group))


def with_labels(cells: list, lang: str) -> list:
    """Copies of cells with `label` set in `lang` (what charts print)."""
    return [replace(c, label=c.name.get(lang) or c.name.get("vi") or "") for c in cells]
