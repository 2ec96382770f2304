"""Comparisons: this period against the last, and many tests at once."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from . import _validate
from .intervals import interval_arrays

ADJUST_METHODS = ("holm", "bh")


@dataclass(frozen=True)
class Difference:
    """``p1 - p2`` with its interval and two-sided p-value (see :func:`difference_ci`)."""

    diff: float
    low: float
    high: float
    p_value: float


def difference_ci(x1: int, n1: int, x2: int, n2: int, confidence: float = 0.95) -> Difference:
    """Difference of two independent rates ``x1/n1 - x2/n2`` (e.g. this period - last).

    The interval is Newcombe's hybrid score interval (method 10 of Newcombe
    1998), built from the two Wilson intervals: equal to statsmodels
    ``confint_proportions_2indep(..., method="newcomb", compare="diff")``.
    ``p_value`` is the two-sided pooled two-proportion z-test (statsmodels
    ``proportions_ztest([x1, x2], [n1, n2])``); when both rates are 0 or both
    are 1 the test statistic is 0/0 and the p-value is reported as 1.0 (no
    evidence of a difference).
    """
    a, m = _validate.counts(x1, n1, "first sample")
    b, k = _validate.counts(x2, n2, "second sample")
    level = _validate.confidence(confidence)
    low, high = interval_arrays(np.array([a, b], float), np.array([m, k], float), level, "wilson")
    p1, p2 = a / m, b / k
    diff = p1 - p2
    d_low = math.sqrt((p1 - low[0]) ** 2 + (high[1] - p2) ** 2)
    d_high = math.sqrt((p2 - low[1]) ** 2 + (high[0] - p1) ** 2)
    pooled = (a + b) / (m + k)
    if pooled in (0.0, 1.0):
        p_value = 1.0
    else:
        z = diff / math.sqrt(pooled * (1 - pooled) * (1 / m + 1 / k))
        p_value = float(2 * special.ndtr(-abs(z)))
    return Difference(diff=diff, low=diff - d_low, high=diff + d_high, p_value=p_value)


def independent_difference(estimate1: float, se1: float, estimate2: float, se2: float,
                           confidence: float = 0.95) -> Difference:
    """Difference of two estimates from independent samples, each with its standard error.

    For indices that are not simple rates (the service index, a weighted rate): the
    difference ``estimate1 - estimate2`` with the normal interval
    ``diff ± z·sqrt(se1² + se2²)`` and the two-sided Wald p-value. With both standard
    errors 0 there is no spread to test against: the p-value is 1.0 for no difference
    and 0.0 otherwise.
    """
    values = [_validate.real(v, name) for v, name in (
        (estimate1, "estimate1"), (se1, "se1"), (estimate2, "estimate2"), (se2, "se2"))]
    if values[1] < 0 or values[3] < 0:
        raise ValueError("standard errors must not be negative")
    level = _validate.confidence(confidence)
    diff = values[0] - values[2]
    se = math.hypot(values[1], values[3])
    half = -special.ndtri((1.0 - level) / 2.0) * se
    if se == 0:
        return Difference(diff=diff, low=diff, high=diff, p_value=1.0 if diff == 0 else 0.0)
    return Difference(diff=diff, low=diff - half, high=diff + half,
                      p_value=float(2 * special.ndtr(-abs(diff) / se)))


def adjust_pvalues(p_values: Sequence[float], method: str = "holm") -> list[float]:
    """Adjust p-values for testing many agencies at once; same order as given.

    ``"holm"`` (Holm's step-down, controls the family-wise error rate) or
    ``"bh"`` (Benjamini-Hochberg, controls the false discovery rate); equal to
    statsmodels ``multipletests(p, method="holm" / "fdr_bh")[1]``. An empty
    sequence gives an empty list.
    """
    method = _validate.choice(method, "method", ADJUST_METHODS)
    pvals = _pvalue_array(p_values)
    if not pvals.size:
        return []
    order = np.argsort(pvals, kind="mergesort")
    ranked = pvals[order]
    m = len(ranked)
    if method == "holm":
        adjusted = np.maximum.accumulate(ranked * np.arange(m, 0, -1))
    else:
        # divide by the ecdf k/m as statsmodels does, so that p_(m) stays exactly p_(m)
        adjusted = np.minimum.accumulate((ranked / (np.arange(1, m + 1) / m))[::-1])[::-1]
    adjusted = np.minimum(adjusted, 1.0)
    result = np.empty(m)
    result[order] = adjusted
    return result.tolist()


def _pvalue_array(p_values: Sequence[float]) -> np.ndarray:
    if isinstance(p_values, str | bytes):
        raise ValueError("p_values must be a sequence of numbers, not a string")
    if isinstance(p_values, np.ndarray) and p_values.dtype.kind == "f" and p_values.ndim == 1:
        values = p_values  # a funnel's 10,000 p-values: checked at once, not one by one
    else:
        values = np.array([_validate.real(p, f"p_values[{i}]") for i, p in enumerate(p_values)])
    bad = _validate.first_bad(~((values >= 0.0) & (values <= 1.0)))
    if bad is not None:
        raise ValueError(f"p_values[{bad}] must be between 0 and 1, got {values[bad]!r}")
    return values.astype(np.float64)
