"""Factor indices (e.g. the five SIPAS factors) and the service index, with intervals.

Which items feed which factor is data: the `factors` of each questionnaire
version's definition. The rule of context.md is followed literally:

- a factor's index = satisfied answers (score 4–5) / scored answers, pooled over
  the factor's items and respondents ("not used" answers have no score and are
  left out);
- the service index (target measure `service-index`) = the plain mean of the
  factor indices.

Interval: answers are not independent (one citizen answers all items, and a
pleased citizen tends to be pleased on every item), so a binomial interval on
the pooled answers would be far too narrow. The respondent is taken as the unit:
each index is a ratio of totals over respondents, and its variance is the
linearisation (delta-method) variance of a ratio estimator with respondents as
independent draws, Var(Y) estimated as n/(n-1)·Σ(y_i − ȳ)(y_i − ȳ)ᵀ over the
per-respondent vector y_i = (satisfied_f, scored_f for each factor f). The
covariances between factors enter the service index's variance. The interval is
the normal one, index ± z·SE, clipped to [0, 1]. The estimator is
`analysis.ratio.ratio_indices`; this module only gathers its sums in SQL.

Limits, said plainly: the normal interval undercovers for small n and indices near
100 % (cells under 30 respondents are flagged `too_small`); it assumes respondents
are a simple random sample of transactions, which an open QR survey is not (no
weighting by transaction volumes here); and the mean of factor indices gives each
factor equal weight whatever its number of items, which is the official rule as we
read it, not a statistical choice. All of it runs in SQL: the rolled-up cells
(table response_cells) hold each slot's sums and every cross-product per day, so one
row of sums per questionnaire version comes back and is mapped onto the factors here
(`index_sums.from_cells`); the days a custom range holds of a month at either end
(and everything, within `reading.rows_instead`) are counted from the rows
(`index_sums.from_rows`): one row per respondent from response_factors, one outer row
of sums and cross-products.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from analysis import RateEstimate, estimate_or_none, ratio, verdicts
from survey_app.extensions import db
from survey_app.models import Questionnaire, QuestionnaireVersion, Response
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import index_sums, memo
from survey_app.services.reporting.figures import (
    CONFIDENCE,
    MIN_CELL,
    NO_FILTERS,
    Filters,
    TargetResult,
    response_conditions,
    sector_ids_of_groups,
)
from survey_app.services.reporting.periods import Period
from survey_app.services.rollups import reading

METHOD = "linearised"


@dataclass
class FactorIndex:
    """One factor: pooled satisfied/scored answers, respondents, index and interval."""

    id: str
    label: dict
    respondents: int = 0
    answers: int = 0
    satisfied: int = 0
    index: float | None = None
    se: float | None = None
    low: float | None = None
    high: float | None = None
    too_small: bool = True

    @property
    def estimate(self) -> RateEstimate | None:
        """The index as analysis' one result type (n: the pooled answers)."""
        return estimate_or_none(self.answers, self.satisfied, self.index, self.low, self.high)


@dataclass(frozen=True)
class VersionShare:
    """A questionnaire version whose respondents an index counts: the report's note
    when several versions (the 2017 model and the 1001 one) are pooled."""

    version: int
    instrument: str  # its official reference, e.g. "Quyết định 1001/QĐ-BNV …"
    criteria: int  # the items its factors pool
    respondents: int


@dataclass
class ServiceIndex:
    """The mean of the factor indices, its interval, the factors themselves, and the
    questionnaire versions counted (newest first)."""

    respondents: int = 0
    index: float | None = None
    se: float | None = None
    low: float | None = None
    high: float | None = None
    too_small: bool = True
    factors: list[FactorIndex] = field(default_factory=list)
    versions: list[VersionShare] = field(default_factory=list)

    @property
    def spans_versions(self) -> bool:
        """Respondents of more than one version: each factor pools its own items of each
        version (its id is the same across versions), which the report says."""
        return len(self.versions) > 1


def _factor_map(kinds):
    """Factors in display order (newest version first), per factor its tally slot in
    each version that has it (slot k = the version's k-th factor), and the versions."""
    query = (select(QuestionnaireVersion.id, QuestionnaireVersion.version,
                    QuestionnaireVersion.definition)
             .join(Questionnaire).where(Questionnaire.kind.in_(kinds))
             .order_by(QuestionnaireVersion.loaded_at.desc(), QuestionnaireVersion.id.desc()))
    versions = list(memo.remembered(("factor_versions", tuple(kinds)),
                                    lambda: tuple(db.session.execute(query).all())))
    order: list[tuple[str, dict]] = []
    slots: dict[str, dict[int, int]] = {}
    for version_id, _number, definition in versions:
        for slot, factor in enumerate((definition or {}).get("factors", []), start=1):
            if factor["id"] not in slots:
                order.append((factor["id"], factor.get("label", {})))
                slots[factor["id"]] = {}
            slots[factor["id"]][version_id] = slot
    return order, slots, versions


def service_index(period: Period, scope: Scope, kinds=("administrative",), groups=(),
                  filters: Filters = NO_FILTERS) -> ServiceIndex:
    """Factor indices and their mean for questionnaires of `kinds` (and sector `groups`)."""
    order, slots, known = _factor_map(kinds)
    result = ServiceIndex(factors=[FactorIndex(fid, label) for fid, label in order])
    if not order:
        return result
    versions = sorted({v for by_version in slots.values() for v in by_version})
    factors = [fid for fid, _ in order]
    parts = reading.split(period.start, period.end)
    sums = [index_sums.from_cells(factors, slots, _conditions(
        period.start, period.end, scope, filters, versions, groups, parts))
        ] if parts.first_month else []
    sums += [index_sums.from_rows(factors, slots, versions, _conditions(
        start, end, scope, filters, versions, groups)) for start, end in parts.edges]
    n, totals, cross, respondents, counted = sums[0]
    for more in sums[1:]:  # the ends of a custom range, counted from the rows
        n, totals, cross = n + more[0], totals + more[1], cross + more[2]
        respondents = [a + b for a, b in zip(respondents, more[3], strict=True)]
        counted = {v: counted.get(v, 0) + more[4].get(v, 0) for v in counted | more[4]}
    _fill(result, n, totals, cross, respondents)
    result.versions = [_share(number, definition, counted[version_id])
                       for version_id, number, definition in known if counted.get(version_id)]
    return result


def _conditions(start, end, scope: Scope, filters: Filters, versions, groups,
                months: reading.Parts | None = None) -> list:
    """`figures.response_conditions` (on the cells of `months`, or on the rows), narrowed
    to the versions and sector groups of the index."""
    source = reading.CELLS if months else Response
    conditions = response_conditions(start, end, scope, filters, months)
    conditions.append(source.questionnaire_version_id.in_(versions))
    if groups:
        conditions.append(source.sector_id.in_(sector_ids_of_groups(groups)))
    return conditions
def _share(number: int, definition: dict, respondents: int) -> VersionShare:
    factors = (definition or {}).get("factors", [])
    return VersionShare(
        version=number, instrument=((definition or {}).get("instrument") or {}).get(
            "reference", ""),
        criteria=sum(len(f.get("items", [])) for f in factors), respondents=respondents)




def _fill(result: ServiceIndex, n: int, totals, cross, respondents) -> None:
    size = len(result.factors)
    result.respondents = n
    result.too_small = n < MIN_CELL
    for f, factor in enumerate(result.factors):
        factor.respondents = respondents[f]
        factor.too_small = respondents[f] < MIN_CELL
        factor.answers, factor.satisfied = int(totals[size + f]), int(totals[f])
    if n == 0:
        return
    estimates, mean = ratio.ratio_indices(n, totals, cross, CONFIDENCE)
    for factor, estimate in zip(result.factors, estimates, strict=True):
        if estimate is not None:
            factor.index, factor.se = estimate.index, estimate.se
            factor.low, factor.high = estimate.low, estimate.high
    if mean is not None:
        result.index, result.se, result.low, result.high = (mean.index, mean.se, mean.low,
                                                            mean.high)


def fill_target(result: TargetResult, period: Period, scope: Scope, filters: Filters) -> None:
    """Measure a `service-index` target: index, interval, and the verdict and extra
    respondents of `analysis.verdicts.index_verdict`."""
    index = service_index(period, scope, result.kinds, result.groups, filters)
    result.method = METHOD
    result.n = index.respondents
    result.too_small = index.too_small
    result.rate, result.low, result.high = index.index, index.low, index.high
    result.se = index.se
    result.extra["factors"] = index.factors
    result.extra["versions"] = index.versions
    if index.index is None or index.se is None or index.low is None or index.high is None:
        return
    result.verdict, result.additional_n = verdicts.index_verdict(
        index.index, index.se, index.low, index.high, result.threshold, index.respondents,
        CONFIDENCE)
