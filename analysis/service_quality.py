"""Points of the 766 satisfaction group from counts: each rate with its n and interval.

Pure functions (no Flask, no database): the caller gives counts and the rules read
from reference/service_quality.yaml. A rule earns all its points at `full_at` or
above and points × rate ÷ full_at below; a rate with n = 0 earns nothing and is
reported as missing, not as zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.intervals import proportion_ci


@dataclass(frozen=True)
class Rule:
    code: str
    points: float
    full_at: float


@dataclass(frozen=True)
class ScoredRate:
    code: str
    successes: int
    n: int
    rate: float | None
    low: float | None
    high: float | None
    points: float | None
    max_points: float

    @property
    def points_lost(self) -> float:
        """Points short of the maximum (all of them when the rate cannot be computed)."""
        return self.max_points - (self.points or 0.0)


def points_for(rate: float, rule: Rule) -> float:
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"a rate is between 0 and 1, not {rate}")
    return rule.points * min(1.0, rate / rule.full_at)


def score(rule: Rule, successes: int, n: int, confidence: float = 0.95) -> ScoredRate:
    """One rule's rate successes / n, its Wilson interval and its points."""
    if n == 0:
        return ScoredRate(rule.code, successes, 0, None, None, None, None, rule.points)
    interval = proportion_ci(successes, n, confidence)
    rate = successes / n
    return ScoredRate(rule.code, successes, n, rate, interval.low, interval.high,
                      points_for(rate, rule), rule.points)


def group_total(rates: list[ScoredRate]) -> tuple[float, float]:
    """(points earned, points possible) over the group's rules."""
    return (sum(r.points or 0.0 for r in rates), sum(r.max_points for r in rates))


def gain_per_case(rule: Rule, n: int) -> float:
    """Points one more success would add while the rate is below `full_at` (0 if n = 0).

    What moves the points most: the rule whose next success is worth the most.
    """
    return 0.0 if n == 0 else rule.points / (rule.full_at * n)
