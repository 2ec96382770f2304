"""Is a target met? Verdicts, one-sided p-values and the extra answers needed.

A rate of 88 % from 150 answers does not show that the 90 % target is missed:
its 95 % Wilson interval (81.8 %, 92.3 %) straddles the target. The verdict
reads the interval: ``"met"`` when its lower bound clears the target,
``"not_met"`` when its upper bound is under it, ``"undecided"`` otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from . import _validate
from .intervals import METHODS, interval_arrays, z_value

MET, NOT_MET, UNDECIDED = "met", "not_met", "undecided"


@dataclass(frozen=True)
class TargetVerdict:
    """A rate held against its target (see :func:`target_verdict`)."""

    rate: float
    low: float
    high: float
    target: float
    meets_by_rate: bool
    verdict: str
    p_value: float
    additional_n: int | None


def verdict_arrays(
    successes: np.ndarray,
    n: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    target: np.ndarray,
    confidence: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised verdict fields for validated arrays.

    Returns ``(meets_by_rate, verdict_code, p_value, additional_n)`` where
    ``verdict_code`` is 1 (met), -1 (not met) or 0 (undecided) and
    ``additional_n`` is a float array with NaN where it does not apply.
    """
    rate = successes / n
    meets_by_rate = rate >= target
    code = np.where(low >= target, 1, np.where(high < target, -1, 0)).astype(np.int8)
    # One-sided exact binomial test of H0: p <= target against p > target,
    # exactly scipy.stats.binomtest(x, n, target, alternative="greater").
    p_value = stats.binom.sf(successes - 1, n, target)
    # Extra answers for an undecided verdict: the n at which a normal-theory
    # interval around the observed rate r would just clear the target, minus
    # the answers in hand. r is moved off 0 and 1 by half an answer, because
    # r(1 - r) = 0 there would claim that no further answers are needed.
    at_edge = (successes == 0) | (successes == n)
    r = np.where(at_edge, (successes + 0.5) / (n + 1), rate)
    gap = r - target
    applies = (code == 0) & (gap != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        needed = np.ceil(z_value(confidence) ** 2 * r * (1 - r) / gap**2) - n
    additional = np.where(applies, np.maximum(needed, 0.0), np.nan)
    return meets_by_rate, code, p_value, additional


def verdict_name(code: int) -> str:
    return {1: MET, -1: NOT_MET, 0: UNDECIDED}[int(code)]


def target_verdict(
    successes: int,
    n: int,
    target: float,
    confidence: float = 0.95,
    method: str = "wilson",
) -> TargetVerdict:
    """Hold the rate ``successes / n`` against ``target`` with its confidence interval.

    Returns a :class:`TargetVerdict` with

    - ``rate``, ``low``, ``high``: the rate and its interval (``method``, as in
      :func:`analysis.proportion_ci`);
    - ``meets_by_rate``: ``rate >= target``, how the plan's figures are usually read;
    - ``verdict``: ``"met"`` when ``low >= target``, ``"not_met"`` when
      ``high < target``, else ``"undecided"``;
    - ``p_value``: one-sided exact binomial test of H0: p <= target against
      p > target (``scipy.stats.binomtest(successes, n, target, alternative="greater")``);
    - ``additional_n``: for an undecided verdict,
      ``max(0, ceil(z**2 * r * (1 - r) / (r - target)**2) - n)``, z the two-sided
      normal quantile of ``confidence`` and r the observed rate (r = (x + 1/2)/(n + 1)
      when x is 0 or n); ``None`` when r equals the target or the verdict is decided.
      It is a planning figure: the answers still needed if the rate stays where it is.

    ``target`` must be strictly between 0 and 1.

    >>> v = target_verdict(132, 150, 0.90)
    >>> v.verdict, v.additional_n
    ('undecided', 865)
    """
    x, total = _validate.counts(successes, n)
    goal = _validate.open_unit(target, "target")
    level = _validate.confidence(confidence)
    method = _validate.choice(method, "method", METHODS)
    xs, ns = np.array([x], float), np.array([total], float)
    low, high = interval_arrays(xs, ns, level, method)
    meets, code, p_value, additional = verdict_arrays(
        xs, ns, low, high, np.array([goal]), level
    )
    extra = additional[0]
    return TargetVerdict(
        rate=x / total,
        low=float(low[0]),
        high=float(high[0]),
        target=goal,
        meets_by_rate=bool(meets[0]),
        verdict=verdict_name(code[0]),
        p_value=float(p_value[0]),
        additional_n=None if math.isnan(extra) else int(extra),
    )


def index_verdict(index: float, se: float, low: float, high: float, target: float, n: int,
                  confidence: float = 0.95) -> tuple[str, int | None]:
    """Verdict and extra respondents for an index with a normal interval (the service index).

    The verdict reads the interval as for rates (met: ``low >= target``; not met:
    ``high < target``; else undecided). Extra respondents, for an undecided verdict
    with the index off the target: ``max(0, ceil(n·(z·se / (index − target))²) − n)``,
    the respondents at which the interval would clear the target if the index and
    the spread per respondent stay as they are (a planning figure, like
    :func:`target_verdict`'s ``additional_n``).
    """
    for value, name in ((index, "index"), (se, "se"), (low, "low"), (high, "high")):
        _validate.real(value, name)
    goal = _validate.open_unit(target, "target")
    respondents = _validate.counts(0, n)[1]
    level = _validate.confidence(confidence)
    if low >= goal:
        return MET, None
    if high < goal:
        return NOT_MET, None
    gap = index - goal
    if gap == 0 or se == 0:
        return UNDECIDED, None
    needed = math.ceil(respondents * (z_value(level) * se / gap) ** 2)
    return UNDECIDED, max(0, needed - respondents)
