"""What a verdict, a change and an extra-sample figure mean, as codes an interface words.

An official reads two things in "90,3 % against 90 %": the plain reading (the rate is
above the target) and the statistical one (the interval still straddles it, so the
target is not yet shown to be met). :func:`verdict_reading` returns one code for the
pair; :func:`change_reading` reads an interval of a change; :func:`time_to_decide`
turns "about 44,894 more answers" into weeks at the period's own response pace.
No language here: the application maps each code to its sentence.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from . import _validate

# Verdict readings: decided either way, or undecided with the rate above/at/below target.
MET, NOT_MET = "met", "not_met"
ABOVE_NOT_PROVEN, AT_TARGET, BELOW_NOT_PROVEN = "above_not_proven", "at_target", "below_not_proven"
# Change readings.
INCREASE, DECREASE, NO_CLEAR_CHANGE = "increase", "decrease", "no_clear_change"
QUARTER_WEEKS = 13.0  # a quarter is 13 weeks: the horizon an official plans within


def verdict_reading(rate: float, low: float, high: float, target: float) -> str:
    """The plain and statistical reading of a rate and its interval against a target.

    ``"met"`` when ``low >= target``, ``"not_met"`` when ``high < target`` (the
    rule of :func:`analysis.target_verdict`); otherwise the interval straddles the
    target and the code says on which side the rate itself lies:
    ``"above_not_proven"``, ``"at_target"`` or ``"below_not_proven"``.

    >>> verdict_reading(0.903, 0.897, 0.909, 0.90)
    'above_not_proven'
    """
    for name, value in (("rate", rate), ("low", low), ("high", high), ("target", target)):
        _validate.real(value, name)
    if not low <= rate <= high:
        raise ValueError(f"rate {rate!r} must lie within its interval [{low!r}, {high!r}]")
    if low >= target:
        return MET
    if high < target:
        return NOT_MET
    if rate > target:
        return ABOVE_NOT_PROVEN
    return BELOW_NOT_PROVEN if rate < target else AT_TARGET


def change_reading(low: float, high: float) -> str:
    """``"increase"`` when the whole interval of a change is above 0, ``"decrease"`` when
    it is below 0, else ``"no_clear_change"`` (the interval holds 0)."""
    _validate.real(low, "low")
    _validate.real(high, "high")
    if low > high:
        raise ValueError(f"low {low!r} is above high {high!r}")
    if low > 0:
        return INCREASE
    return DECREASE if high < 0 else NO_CLEAR_CHANGE


class TimeToDecide(NamedTuple):
    """Weeks of answers at the current pace; ``weeks`` is None beyond the horizon."""

    weeks: int | None
    within_horizon: bool


def time_to_decide(additional_n: int, n: int, weeks_observed: float,
                   horizon_weeks: float = QUARTER_WEEKS) -> TimeToDecide:
    """How long the extra answers would take at this period's pace of answers.

    The pace is ``n / weeks_observed`` answers a week; the answers still needed take
    ``ceil(additional_n / pace)`` weeks (at least 1 when any are needed, 0 when none).
    Beyond ``horizon_weeks`` (a quarter by default) the figure is not a plan anyone
    can act on: ``weeks`` is None and ``within_horizon`` False, so that the page says
    "cannot be decided within a quarter" instead of printing a huge number.

    >>> time_to_decide(44894, 25445, 13.0)
    TimeToDecide(weeks=None, within_horizon=False)
    >>> time_to_decide(865, 150, 13.0)
    TimeToDecide(weeks=None, within_horizon=False)
    >>> time_to_decide(300, 1300, 13.0)
    TimeToDecide(weeks=3, within_horizon=True)
    """
    extra = _validate.count(additional_n, "additional_n")
    answers = _validate.counts(0, n)[1]  # a pace needs at least one answer
    observed = _validate.real(weeks_observed, "weeks_observed")
    horizon = _validate.real(horizon_weeks, "horizon_weeks")
    if observed <= 0 or horizon <= 0:
        raise ValueError("weeks_observed and horizon_weeks must be positive")
    if extra == 0:
        return TimeToDecide(0, True)
    weeks = math.ceil(extra * observed / answers)
    if weeks > horizon:
        return TimeToDecide(None, False)
    return TimeToDecide(weeks, True)
