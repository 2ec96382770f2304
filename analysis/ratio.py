"""Ratio estimators with respondents as units: factor indices and their mean.

A factor's index is satisfied answers / scored answers pooled over its items and
respondents, a ratio of two totals R_f = S_f / M_f. One citizen answers every item, so
answers are not independent; the respondent is the unit. Its variance is the
linearisation (delta-method) variance with respondents as independent draws: with
y_i = (s_i1 … s_iF, m_i1 … m_iF) the respondent's satisfied and scored counts,
Cov(T) of the totals is estimated by n/(n-1)·Σ(y_i − ȳ)(y_i − ȳ)ᵀ and
Var(g(T)) ≈ ∇gᵀ Cov(T) ∇g. The service index is the plain mean of the factor indices
in use, with its variance from the same covariance (factors are correlated). Intervals
are normal, estimate ± z·SE, clipped to [0, 1].

The input is sums, so that the database can compute them (n, the totals and the
cross-products Σ y_i y_iᵀ): no respondent row needs to leave it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import _validate
from .intervals import z_value


@dataclass(frozen=True)
class RatioEstimate:
    """An index with its standard error and interval (None: fewer than 2 respondents)."""

    index: float
    se: float | None
    low: float | None
    high: float | None


def ratio_indices(n: int, totals, cross, confidence: float = 0.95
                  ) -> tuple[list[RatioEstimate | None], RatioEstimate | None]:
    """Each factor's index and the mean of the indices, from respondent-level sums.

    ``totals`` has 2F numbers, the F satisfied totals then the F scored totals;
    ``cross`` is the 2F × 2F matrix Σ y_i y_iᵀ. A factor without scored answers has
    no index (None) and is left out of the mean; with no factor in use the mean is
    None too.
    """
    respondents = _validate.count(n, "n")
    level = _validate.confidence(confidence)
    t = np.asarray(totals, dtype=float)
    c = np.asarray(cross, dtype=float)
    size = t.size // 2
    if t.ndim != 1 or t.size != 2 * size or c.shape != (2 * size, 2 * size):
        raise ValueError("totals must have 2F numbers and cross be 2F × 2F")
    cov = (c - np.outer(t, t) / respondents) * (respondents / (respondents - 1)) \
        if respondents > 1 else None
    z = z_value(level)
    used = [f for f in range(size) if t[size + f] > 0]
    factors: list[RatioEstimate | None] = [None] * size
    for f in used:
        gradient = np.zeros(2 * size)
        gradient[f] = 1 / t[size + f]
        gradient[size + f] = -t[f] / t[size + f] ** 2
        factors[f] = _estimate(float(t[f] / t[size + f]), gradient, cov, z)
    if not used:
        return factors, None
    gradient = np.zeros(2 * size)
    for f in used:
        gradient[f] = 1 / (len(used) * t[size + f])
        gradient[size + f] = -t[f] / (len(used) * t[size + f] ** 2)
    mean = sum(t[f] / t[size + f] for f in used) / len(used)  # the factors' indices
    return factors, _estimate(float(mean), gradient, cov, z)


def _estimate(index: float, gradient, cov, z: float) -> RatioEstimate:
    if cov is None:
        return RatioEstimate(index, None, None, None)
    se = math.sqrt(max(float(gradient @ cov @ gradient), 0.0))
    return RatioEstimate(index, se, max(0.0, index - z * se), min(1.0, index + z * se))
