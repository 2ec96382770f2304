"""Confidence intervals for one proportion (a satisfaction rate).

The vectorised core :func:`interval_arrays` works on numpy arrays of counts and
is shared by :func:`proportion_ci` (one rate) and
:func:`analysis.satisfaction_table` (a million cells), so that a cell's interval
is the same number whichever way it was asked for.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import special, stats

from . import _validate

METHODS = ("wilson", "wilson_cc", "clopper_pearson", "jeffreys", "agresti_coull", "wald")
# The name under which statsmodels' proportion_confint computes the same
# interval (then clipped to [0, 1]); wilson_cc has no statsmodels equivalent.
STATSMODELS_EQUIVALENT = {
    "wilson": "wilson",
    "clopper_pearson": "beta",
    "jeffreys": "jeffreys",
    "agresti_coull": "agresti_coull",
    "wald": "normal",
}


class Interval(NamedTuple):
    """A confidence interval; unpacks as ``low, high``."""

    low: float
    high: float


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile: 1.959963984540054 for 0.95."""
    return float(-special.ndtri((1.0 - confidence) / 2.0))


def interval_arrays(
    successes: np.ndarray, n: np.ndarray, confidence: float, method: str
) -> tuple[np.ndarray, np.ndarray]:
    """Interval bounds for arrays of already validated counts (float64, n >= 1).

    The formulas follow ``statsmodels.stats.proportion.proportion_confint``
    operation for operation (wilson, beta, jeffreys, agresti_coull, normal) so
    that the results agree to rounding; every bound is clipped to [0, 1].
    """
    x = np.asarray(successes, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    half_alpha = (1.0 - confidence) / 2.0
    z = z_value(confidence)
    if method == "wilson":
        low, high = _wilson(x, n, z)
    elif method == "wilson_cc":
        low, high = _wilson_cc(x, n, z)
    elif method == "clopper_pearson":
        low, high = _clopper_pearson(x, n, half_alpha)
    elif method == "jeffreys":
        low = stats.beta.ppf(half_alpha, x + 0.5, n - x + 0.5)
        high = stats.beta.isf(half_alpha, x + 0.5, n - x + 0.5)
    elif method == "agresti_coull":
        n_c = n + z**2
        q_c = (x + z**2 / 2.0) / n_c
        dist = z * np.sqrt(q_c * (1.0 - q_c) / n_c)
        low, high = q_c - dist, q_c + dist
    elif method == "wald":
        q = x / n
        dist = z * np.sqrt(q * (1 - q) / n)
        low, high = q - dist, q + dist
    else:  # callers validate; this guards the private entry point
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    return np.clip(low, 0.0, 1.0, out=low), np.clip(high, 0.0, 1.0, out=high)


def _wilson(x: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    # center = (q + z²/2n) / (1 + z²/n), half-width = z sqrt(q(1-q)/n + z²/4n²) / (1 + z²/n),
    # as statsmodels, written with in-place operations: the table feeds a
    # million cells through here and each temporary array costs a pass.
    inv = 1.0 / n
    q = x * inv
    half = (z * z / 2.0) * inv  # z²/2n
    denom = np.multiply(half, 2.0)
    denom += 1.0
    spread = 1.0 - q
    spread *= q
    spread *= inv
    center = np.add(q, half, out=q)
    center /= denom
    half *= half  # (z²/2n)² = z⁴/4n², so z²/4n² = half² / z²
    half /= z * z
    spread += half
    np.sqrt(spread, out=spread)
    spread *= z
    spread /= denom
    low = center - spread
    high = np.add(center, spread, out=center)
    # At x = 0 and x = n the score bounds are exactly 0 and 1; rounding can
    # leave 1 - 1e-16, which would put the rate itself outside its interval.
    low[x == 0] = 0.0
    high[x == n] = 1.0
    return low, high


def _wilson_cc(x: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    # Newcombe (1998), method 4: the score interval with continuity correction.
    # At x = 0 (x = n) the lower (upper) bound is 0 (1) by definition; the
    # square-root argument there can be negative, so it is floored before use.
    q = x / n
    z2 = z * z
    denom = 2 * (n + z2)
    root_low = np.sqrt(np.maximum(z2 - 2 - 1 / n + 4 * q * (n * (1 - q) + 1), 0.0))
    root_high = np.sqrt(np.maximum(z2 + 2 - 1 / n + 4 * q * (n * (1 - q) - 1), 0.0))
    low = (2 * n * q + z2 - 1 - z * root_low) / denom
    high = (2 * n * q + z2 + 1 + z * root_high) / denom
    low = np.where(x == 0, 0.0, low)
    high = np.where(x == n, 1.0, high)
    return low, high


def _clopper_pearson(
    x: np.ndarray, n: np.ndarray, half_alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    # Beta(0, .) and Beta(., 0) are undefined; those bounds are 0 and 1 by
    # definition, so the quantiles are taken with harmless stand-in parameters
    # and overwritten.
    at_zero, at_n = x == 0, x == n
    low = stats.beta.ppf(half_alpha, np.where(at_zero, 1.0, x), n - x + 1)
    high = stats.beta.isf(half_alpha, x + 1, np.where(at_n, 1.0, n - x))
    return np.where(at_zero, 0.0, low), np.where(at_n, 1.0, high)


def proportion_ci(
    successes: int, n: int, confidence: float = 0.95, method: str = "wilson"
) -> Interval:
    """Confidence interval for a proportion ``successes / n``.

    Methods: ``"wilson"`` (score, no continuity correction; the default),
    ``"wilson_cc"`` (score with continuity correction, Newcombe 1998),
    ``"clopper_pearson"`` (exact, beta quantiles), ``"jeffreys"`` (equal-tailed
    quantiles of Beta(x+1/2, n-x+1/2), no boundary modification),
    ``"agresti_coull"`` and ``"wald"``. Bounds are clipped to [0, 1].

    >>> proportion_ci(132, 150)
    Interval(low=0.8182..., high=0.9227...)

    Raises ValueError for negative or fractional counts, ``successes > n``,
    ``n = 0``, a confidence outside (0, 1) or an unknown method.
    """
    x, total = _validate.counts(successes, n)
    level = _validate.confidence(confidence)
    method = _validate.choice(method, "method", METHODS)
    low, high = interval_arrays(np.array([x], float), np.array([total], float), level, method)
    return Interval(float(low[0]), float(high[0]))


def exact_coverage(n: int, p: float, confidence: float = 0.95, method: str = "wilson") -> float:
    """Exact coverage probability of an interval method at sample size n and true p.

    The sum of the binomial probabilities of every outcome x = 0..n whose
    interval contains p: no simulation noise.
    """
    _, total = _validate.counts(0, n)
    prob = _validate.real(p, "p")
    if not 0.0 <= prob <= 1.0:
        raise ValueError(f"p must be between 0 and 1, got {p!r}")
    level = _validate.confidence(confidence)
    method = _validate.choice(method, "method", METHODS)
    x = np.arange(total + 1, dtype=np.float64)
    low, high = interval_arrays(x, np.full_like(x, total), level, method)
    covered = (low <= prob) & (prob <= high)
    return float(stats.binom.pmf(x[covered], total, prob).sum())
