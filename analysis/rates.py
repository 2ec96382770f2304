"""The one result type of a rate: its counts, its value, its interval, and (when held
against a target) the target and the verdict.

Every figure that shows a rate passes it on in this shape (the dashboard's charts,
the report's charts); :mod:`analysis.charts` takes nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from .intervals import proportion_ci
from .verdicts import target_verdict


@dataclass(frozen=True)
class RateEstimate:
    """A rate with its interval.

    ``n`` is the denominator (answers, or respondents of a ratio index) and
    ``satisfied`` the numerator (a weighted sum for a weighted rate, hence a float);
    ``target`` and ``verdict`` ("met", "not_met", "undecided") are None when the rate
    is not held against a target.
    """

    n: int
    satisfied: float
    rate: float
    low: float
    high: float
    target: float | None = None
    verdict: str | None = None


def rate_estimate(
    satisfied: int,
    n: int,
    target: float | None = None,
    confidence: float = 0.95,
    method: str = "wilson",
) -> RateEstimate:
    """The estimate of ``satisfied`` out of ``n`` (n >= 1), with its verdict if a target
    is given (the rule of :func:`analysis.target_verdict`)."""
    if target is None:
        low, high = proportion_ci(satisfied, n, confidence, method)
        return RateEstimate(n, satisfied, satisfied / n, low, high)
    held = target_verdict(satisfied, n, target, confidence, method)
    return RateEstimate(n, satisfied, held.rate, held.low, held.high, target, held.verdict)


def estimate_or_none(
    n: int,
    satisfied: float | None,
    rate: float | None,
    low: float | None,
    high: float | None,
    target: float | None = None,
    verdict: str | None = None,
) -> RateEstimate | None:
    """A :class:`RateEstimate` from a record's fields, or None while the rate or its
    interval is unknown (no answers yet). A missing numerator is ``rate × n``."""
    if rate is None or low is None or high is None:
        return None
    known = rate * n if satisfied is None else satisfied
    return RateEstimate(n, known, rate, low, high, target, verdict)
