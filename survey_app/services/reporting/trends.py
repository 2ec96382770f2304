"""Trends and changes: how a rate moved, and whether the move is more than noise.

- `trend(period, scope, filters)`: the overall rate in the periods of
  `periods.trend_chain` (a year: its quarters; a half-year: its two quarters; a
  quarter: the last four), each with the same period a year earlier beside it.

The changes of each target from the previous period and from a year earlier are
`targets.target_summary`'s (`change`, `change_year`).
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis import RateEstimate, estimate_or_none
from survey_app.services.access.scope import Scope
from survey_app.services.reporting.figures import (
    NO_FILTERS,
    Filters,
    cell_threshold,
    grouped_counts,
    rate_of,
)
from survey_app.services.reporting.periods import Period, trend_chain


@dataclass
class TrendPoint:
    period: Period
    n: int
    satisfied: int
    rate: float | None
    low: float | None
    high: float | None
    target: float | None = None
    verdict: str | None = None
    additional_n: int | None = None
    too_small: bool = True
    year_before: TrendPoint | None = None

    @property
    def estimate(self) -> RateEstimate | None:
        return estimate_or_none(self.n, self.satisfied, self.rate, self.low, self.high,
                                self.target, self.verdict)


def _points(chain: list[Period], scope: Scope, filters: Filters) -> list[TrendPoint]:
    """One query per period, on the rolled-up cells of its months (`grouped_counts`)."""
    points = []
    for p in chain:
        ((_responses, n, satisfied, _repeat),) = grouped_counts(p.start, p.end, scope, filters)
        threshold = cell_threshold(p, filters.kinds, filters.group)
        points.append(rate_of(TrendPoint(p, n, satisfied, None, None, None, threshold),
                              threshold))
    return points


def trend(period: Period, scope: Scope, filters: Filters = NO_FILTERS,
          chain: list[Period] | None = None) -> list[TrendPoint]:
    """The overall rate in `chain` (default `trend_chain(period)`), oldest first, each
    point with `year_before`: the same period one year earlier."""
    chain = chain or trend_chain(period)
    points = _points(chain, scope, filters)
    for point, earlier in zip(points, _points([p.year_earlier() for p in chain], scope,
                                              filters), strict=True):
        point.year_before = earlier
    return points
