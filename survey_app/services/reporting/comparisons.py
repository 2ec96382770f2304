"""Fair comparisons of many units: a funnel against the target, small-area estimates.

The counts come from `served_groups.breakdown` and `figures.breakdown`, the
same scope-checked queries the dashboard uses; the statistics from
`analysis.funnel` and `analysis.fay_herriot`. Two results:

- `funnels(period, scope, dimension, filters)`: the units of a drill-down
  dimension (agencies, counters, sectors …), one funnel per target: an agency
  serving land procedures (85 %) and others (90 %) is in both, each row with
  its own answers. Rows under no target are held against their pooled rate.
  Units outside the 99.8 % limits after false-discovery control are listed by
  name; nothing is ranked.
- `commune_estimates(period, scope, filters)`: for communes and wards, beside
  each direct rate the Fay-Herriot estimate ("ước lượng cho địa bàn nhỏ") with
  its interval, fitted on the proportion scale with Wilson-centred sampling
  variances. Covariates: the former province (and the share of land,
  construction and investment transactions when volumes are loaded), used only
  when they lower sigma2_v; both fits are reported. The estimate never enters a
  verdict: verdicts stay on the direct figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from sqlalchemy import select

import analysis
from survey_app.extensions import db
from survey_app.models import Agency, Sector, TransactionVolume
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import figures, served_groups
from survey_app.services.reporting.periods import Period

MIN_UNITS = 3  # fewer units than this give no funnel (nothing to compare)
MIN_AREAS = 6  # a Fay-Herriot fit on fewer areas borrows from almost nothing
COMMUNE_LEVEL = "commune"
LAND_GROUP = "land-construction-investment"
Z95 = 1.959963984540054


@dataclass(frozen=True)
class UnitResult:
    """One unit in the funnel: its direct figures and where it lies."""

    key: object
    name: dict
    n: int
    satisfied: int
    rate: float
    low: float
    high: float
    flag_95: str
    flag_998: str
    signal: str  # above / below / inside, after false-discovery control
    p_adjusted: float


@dataclass(frozen=True)
class Comparison:
    """Units of one dimension against one target (see `comparison`)."""

    dimension: str
    target: float
    pooled: bool  # True: the line is the units' pooled rate, no plan target applies
    result: analysis.Funnel
    units: list[UnitResult]

    @property
    def signals(self) -> list[UnitResult]:
        """Units outside the 99.8 % limits after FDR: below first, each by rate."""
        flagged = [u for u in self.units if u.signal != "inside"]
        return sorted(flagged, key=lambda u: (u.signal != "below", u.rate))

    @property
    def inside(self) -> int:
        return len(self.units) - len(self.signals)


@dataclass(frozen=True)
class AreaEstimate:
    """A commune's direct rate beside its small-area estimate."""

    key: object
    name: dict
    n: int
    rate: float
    low: float
    high: float
    estimate: float
    estimate_low: float
    estimate_high: float
    weight: float  # gamma: the share of the estimate that is the commune's own rate


@dataclass(frozen=True)
class SmallAreas:
    """Fay-Herriot estimates for the communes in view (see `commune_estimates`)."""

    areas: list[AreaEstimate]
    sigma2_v: float  # of the model used
    sigma2_v_without: float  # intercept only
    sigma2_v_with: float | None  # with the covariates, when there were any
    covariates: tuple[str, ...]  # used in the model shown: () means intercept only


def _answered(cells: list[figures.Cell]) -> list[figures.Cell]:
    return [c for c in cells if c.key is not None and c.n > 0]


def funnels(period: Period, scope: Scope, dimension: str,
            filters: figures.Filters = figures.NO_FILTERS) -> list[Comparison]:
    """One funnel per target among `dimension`'s rows in view (each with 3 units or more)."""
    cells = _answered(served_groups.breakdown(period, scope, dimension, filters))
    by_target: dict = {}
    for cell in cells:
        by_target.setdefault(cell.target, []).append(cell)
    found = [_comparison(dimension, target, group) for target, group in by_target.items()]
    return sorted((c for c in found if c is not None), key=lambda c: (c.pooled, c.target))


def _comparison(dimension: str, threshold: float | None, cells: list) -> Comparison | None:
    if len(cells) < MIN_UNITS:
        return None
    pooled = threshold is None
    n = np.array([c.n for c in cells])
    x = np.array([c.satisfied for c in cells])
    target = float(x.sum() / n.sum()) if threshold is None else float(threshold)
    if not 0.0 < target < 1.0:
        return None  # every answer satisfied (or none): there is no spread to compare
    result = analysis.funnel(x, n, target)
    low, high = result.levels[0], result.levels[-1]
    units = [
        UnitResult(key=c.key, name=c.name, n=c.n, satisfied=c.satisfied, rate=c.rate,
                   low=c.low, high=c.high, flag_95=str(result.flags[low][i]),
                   flag_998=str(result.flags[high][i]), signal=str(result.signal[i]),
                   p_adjusted=float(result.p_adjusted[i]))
        for i, c in enumerate(cells)
    ]
    return Comparison(dimension=dimension, target=target, pooled=pooled, result=result,
                      units=units)


def commune_estimates(period: Period, scope: Scope,
                      filters: figures.Filters = figures.NO_FILTERS) -> SmallAreas | None:
    """Small-area estimates for the communes and wards in view, or None with fewer than 6."""
    if filters.level not in (None, COMMUNE_LEVEL):
        return None
    cells = _answered(figures.breakdown(period, scope, "agency",
                                        replace(filters, level=COMMUNE_LEVEL)))
    if len(cells) < MIN_AREAS:
        return None
    n = np.array([c.n for c in cells])
    x = np.array([c.satisfied for c in cells])
    rate, psi = x / n, analysis.proportion_variances(x, n)
    plain = analysis.fay_herriot(rate, psi)
    names, columns = _covariates(period, [c.key for c in cells])
    fitted = None
    if names and len(cells) > columns.shape[1] + MIN_AREAS:
        try:
            fitted = analysis.fay_herriot(rate, psi, columns)
        except ValueError:  # collinear in this view (e.g. one former province only)
            fitted = None
    use = fitted if fitted is not None and fitted.sigma2_v < plain.sigma2_v else plain
    half = Z95 * np.sqrt(use.mse)
    # every answered cell has its rate (the estimate is None only without answers)
    areas = [
        AreaEstimate(key=c.key, name=c.name, n=c.n, rate=e.rate, low=e.low, high=e.high,
                     estimate=float(use.estimates[i]),
                     estimate_low=float(max(0.0, use.estimates[i] - half[i])),
                     estimate_high=float(min(1.0, use.estimates[i] + half[i])),
                     weight=float(use.gamma[i]))
        for i, c in enumerate(cells) if (e := c.estimate) is not None
    ]
    return SmallAreas(areas=areas, sigma2_v=use.sigma2_v, sigma2_v_without=plain.sigma2_v,
                      sigma2_v_with=None if fitted is None else fitted.sigma2_v,
                      covariates=names if use is fitted else ())


def _covariates(period: Period, agency_ids: list) -> tuple[tuple[str, ...], np.ndarray]:
    """Area covariates the product already holds: former province, land-transaction share."""
    former = dict(db.session.execute(
        select(Agency.id, Agency.former_province).where(Agency.id.in_(agency_ids))).all())
    provinces = sorted({p for a in agency_ids if (p := former.get(a)) is not None})
    names, columns = [], []
    if len(provinces) > 1 and all(former.get(a) for a in agency_ids):
        for province in provinces[1:]:  # the first is the baseline beside the intercept
            names.append(f"former_province={province}")
            columns.append([1.0 if former[a] == province else 0.0 for a in agency_ids])
    share = _land_share(period, agency_ids)
    if share is not None:
        names.append("land_share")
        columns.append(share)
    return tuple(names), np.array(columns, dtype=float).T.reshape(len(agency_ids), len(names))


def _land_share(period: Period, agency_ids: list) -> list[float] | None:
    """Share of land/construction/investment transactions per agency, if all have volumes."""
    rows = db.session.execute(
        select(TransactionVolume.agency_id, Sector.group_code, TransactionVolume.transactions)
        .join(Sector, Sector.id == TransactionVolume.sector_id)
        .where(TransactionVolume.agency_id.in_(agency_ids),
               TransactionVolume.period_start <= period.last_day,
               TransactionVolume.period_end >= period.first_day)
    ).all()
    total, land = dict.fromkeys(agency_ids, 0), dict.fromkeys(agency_ids, 0)
    for agency_id, group, transactions in rows:
        total[agency_id] += transactions
        land[agency_id] += transactions if group == LAND_GROUP else 0
    if not all(total.values()):
        return None
    return [land[a] / total[a] for a in agency_ids]
