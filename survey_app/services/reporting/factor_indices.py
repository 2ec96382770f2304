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
read it, not a statistical choice. All of it runs in SQL, one row per respondent:
each response's factor tallies are counted when it is written (table
response_factors, services/factor_tallies.py), and one outer row of sums and
cross-products (2F + F(2F+1) numbers) is all that comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import case, func, select

from analysis import RateEstimate, estimate_or_none, ratio, verdicts
from survey_app.extensions import db
from survey_app.models import Questionnaire, QuestionnaireVersion, Response, response_factors
from survey_app.services.access.scope import Scope
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
    versions = db.session.execute(
        select(QuestionnaireVersion.id, QuestionnaireVersion.version,
               QuestionnaireVersion.definition)
        .join(Questionnaire).where(Questionnaire.kind.in_(kinds))
        .order_by(QuestionnaireVersion.loaded_at.desc(), QuestionnaireVersion.id.desc())
    ).all()
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
    conditions = response_conditions(period.start, period.end, scope, filters)
    conditions.append(Response.questionnaire_version_id.in_(versions))
    if groups:
        conditions.append(Response.sector_id.in_(sector_ids_of_groups(groups)))
    # One row per respondent with a scored factor answer: its tallies, written with the
    # response (services/factor_tallies.py).
    per_respondent = (
        select(
            *[_tally("satisfied", slots[fid], versions).label(f"s{i}")
              for i, (fid, _) in enumerate(order)],
            *[_tally("scored", slots[fid], versions).label(f"m{i}")
              for i, (fid, _) in enumerate(order)],
            Response.questionnaire_version_id.label("version"),
        )
        .select_from(response_factors)
        .join(Response, Response.id == response_factors.c.response_id)
        .where(*conditions)
        .subquery()
    )
    size = len(order)
    variables = [per_respondent.c[f"s{i}"] for i in range(size)]
    variables += [per_respondent.c[f"m{i}"] for i in range(size)]
    pairs = [(i, j) for i in range(2 * size) for j in range(i, 2 * size)]
    row = db.session.execute(select(
        func.count(),
        *[func.sum(v) for v in variables],
        *[func.sum(variables[i] * variables[j]) for i, j in pairs],
        *[func.sum(case((per_respondent.c[f"m{i}"] > 0, 1), else_=0)) for i in range(size)],
        *[func.sum(case((per_respondent.c.version == v, 1), else_=0)) for v in versions],
    )).one()
    n = int(row[0])
    totals = np.array([float(v or 0) for v in row[1:1 + 2 * size]])
    cross = np.zeros((2 * size, 2 * size))
    for (i, j), value in zip(pairs, row[1 + 2 * size:1 + 2 * size + len(pairs)], strict=True):
        cross[i, j] = cross[j, i] = float(value or 0)
    by_factor = row[1 + 2 * size + len(pairs):1 + 3 * size + len(pairs)]
    _fill(result, n, totals, cross, [int(v or 0) for v in by_factor])
    counted = dict(zip(versions, row[1 + 3 * size + len(pairs):], strict=True))
    result.versions = [_share(number, definition, int(counted[version_id] or 0))
                       for version_id, number, definition in known
                       if counted.get(version_id)]
    return result


def _share(number: int, definition: dict, respondents: int) -> VersionShare:
    factors = (definition or {}).get("factors", [])
    return VersionShare(
        version=number, instrument=((definition or {}).get("instrument") or {}).get(
            "reference", ""),
        criteria=sum(len(f.get("items", [])) for f in factors), respondents=respondents)


def _tally(kind: str, by_version: dict[int, int], versions: list[int]):
    """A factor's satisfied or scored answers in a response: its slot's column, or (when
    versions place it differently or lack it) the column its response's version uses."""
    by_slot: dict[int, list[int]] = {}
    for version, slot in by_version.items():
        by_slot.setdefault(slot, []).append(version)
    if len(by_slot) == 1 and len(by_version) == len(versions):
        return response_factors.c[f"{kind}_{next(iter(by_slot))}"]
    return case(*[(Response.questionnaire_version_id.in_(sorted(vs)),
                   response_factors.c[f"{kind}_{slot}"]) for slot, vs in sorted(by_slot.items())],
                else_=0)


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
