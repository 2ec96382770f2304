"""Weighted satisfaction rates with design-based standard errors.

Two entry points, one result type:

- :func:`stratified_proportion` for counts per stratum, post-stratified to the
  period's transaction volumes (what the SQL aggregation hands over);
- :func:`weighted_proportion` for row-level design weights of a sector survey.

Both match R's ``survey`` package (``svydesign`` + ``svymean`` +
``svyciprop``); the tests quote the R code and its output.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from . import _validate

DESIGN_METHODS = ("logit", "wald")


@dataclass(frozen=True)
class WeightedEstimate:
    """A design-based estimate of a rate.

    ``n`` is the number of answers, ``n_eff`` Kish's effective sample size,
    ``df`` the design degrees of freedom (n minus the number of strata) used
    for Student's t.
    """

    rate: float
    se: float
    low: float
    high: float
    n: int
    n_eff: float
    df: int


def _design_interval(
    rate: float, se: float, df: int, n_eff: float, confidence: float, method: str
) -> tuple[float, float]:
    half_alpha = (1.0 - confidence) / 2.0
    if rate in (0.0, 1.0):
        # No spread to work with (logit(0) is -inf): Clopper-Pearson on n_eff.
        x = rate * n_eff
        low = 0.0 if rate == 0.0 else float(stats.beta.ppf(half_alpha, x, n_eff - x + 1))
        high = 1.0 if rate == 1.0 else float(stats.beta.isf(half_alpha, x + 1, n_eff - x))
        return low, high
    if se == 0.0:
        # Every stratum answered all-or-nothing: no sampling spread to widen by
        # (and expit(logit(p)) would not give p back exactly).
        return rate, rate
    t = float(stats.t.isf(half_alpha, df))
    if method == "logit":
        # svyciprop(method = "logit"): a t interval for logit(p), whose
        # standard error is se / (p (1 - p)) by the delta method, mapped back.
        eta = math.log(rate / (1 - rate))
        half = t * se / (rate * (1 - rate))
        return float(special.expit(eta - half)), float(special.expit(eta + half))
    return max(0.0, rate - t * se), min(1.0, rate + t * se)


def stratified_proportion(
    strata: Mapping[Hashable, tuple[int, int]],
    population: Mapping[Hashable, float] | None = None,
    confidence: float = 0.95,
    method: str = "logit",
) -> WeightedEstimate:
    """Stratified estimate ``p = sum W_h p_h`` from counts per stratum.

    ``strata`` maps a key (a sector, an agency) to ``(successes, n)``;
    ``population`` maps the same keys to the stratum sizes N_h (e.g. the
    period's transactions per sector), giving ``W_h = N_h / N``; without it
    ``W_h = n_h / n`` (the plain pooled rate, with a stratified variance).

    Variance ``sum W_h**2 (1 - n_h/N_h) p_h (1 - p_h) / (n_h - 1)`` (without
    ``population`` the factor ``1 - n_h/N_h`` is dropped). Every stratum needs
    n_h >= 2. ``n_eff`` is Kish's ``(sum n_h w_h)**2 / sum n_h w_h**2`` with
    ``w_h = N_h / n_h`` (equal to n without ``population``); ``df = n - H``.

    Intervals: ``"logit"`` (t interval on the logit scale, as R's
    ``svyciprop(method = "logit")``) or ``"wald"`` (p +/- t se, clipped); a rate
    of exactly 0 or 1 falls back to Clopper-Pearson on ``n_eff``.
    """
    level = _validate.confidence(confidence)
    method = _validate.choice(method, "method", DESIGN_METHODS)
    if not isinstance(strata, Mapping) or not strata:
        raise ValueError("strata must be a non-empty mapping of key -> (successes, n)")
    keys = list(strata)
    x_arr, n_arr = _stratum_counts(strata, keys)
    if population is None:
        weight_share = n_arr / n_arr.sum()
        finite = np.ones_like(n_arr)
        unit_weight = np.ones_like(n_arr)
    else:
        size_arr = _stratum_sizes(population, strata, keys, n_arr)
        weight_share = size_arr / size_arr.sum()
        finite = 1 - n_arr / size_arr
        unit_weight = size_arr / n_arr
    p_h = x_arr / n_arr
    rate = float(np.sum(weight_share * p_h))
    variance = float(np.sum(weight_share**2 * finite * p_h * (1 - p_h) / (n_arr - 1)))
    n_total = int(n_arr.sum())
    n_eff = float(np.sum(n_arr * unit_weight) ** 2 / np.sum(n_arr * unit_weight**2))
    df = n_total - len(keys)
    se = math.sqrt(max(variance, 0.0))
    low, high = _design_interval(rate, se, df, n_eff, level, method)
    return WeightedEstimate(rate, se, low, high, n_total, n_eff, df)


def _stratum_counts(strata: Mapping[Hashable, tuple[int, int]],
                    keys: list[Hashable]) -> tuple[np.ndarray, np.ndarray]:
    """(successes, n) of each stratum as float arrays, every n at least 2."""
    xs, ns = [], []
    for key in keys:
        pair = strata[key]
        if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
            raise ValueError(f"stratum {key!r}: expected (successes, n), got {pair!r}")
        x, n_h = _validate.counts(pair[0], pair[1], f"stratum {key!r}")
        if n_h < 2:
            raise ValueError(f"stratum {key!r} has n = {n_h}; each stratum needs at least 2")
        xs.append(x)
        ns.append(n_h)
    return np.array(xs, float), np.array(ns, float)


def _stratum_sizes(population: object, strata: Mapping[Hashable, tuple[int, int]],
                   keys: list[Hashable], n_arr: np.ndarray) -> np.ndarray:
    """The stratum sizes N_h, in the order of `keys`, each at least the stratum's n."""
    if not isinstance(population, Mapping):
        raise ValueError("population must be a mapping of key -> stratum size N_h")
    if set(population) != set(keys):
        missing = [k for k in keys if k not in population]
        extra = [k for k in population if k not in strata]
        raise ValueError(
            "population must have the same keys as strata"
            f" (missing: {missing!r}, unknown: {extra!r})"
        )
    sizes = []
    for key, n_h in zip(keys, n_arr.astype(int).tolist(), strict=True):
        size = _validate.real(population[key], f"population[{key!r}]")
        if size < n_h:
            raise ValueError(
                f"population[{key!r}] = {size:g} is smaller than the stratum's n = {n_h}"
            )
        sizes.append(size)
    return np.array(sizes)


def weighted_proportion(
    values: Sequence[int],
    weights: Sequence[float],
    strata: Sequence[Hashable] | None = None,
    confidence: float = 0.95,
    method: str = "logit",
) -> WeightedEstimate:
    """Weighted rate ``sum w y / sum w`` from row-level 0/1 answers and design weights.

    The standard error is the Taylor linearisation for a stratified
    with-replacement design, as R ``survey``'s
    ``svymean(~y, svydesign(ids = ~1, strata = ~s, weights = ~w))``: with
    ``z_i = w_i (y_i - p) / sum w``, ``var = sum_h n_h/(n_h - 1) sum_{i in h} (z_i - mean_h z)**2``.
    Without ``strata`` the sample is one stratum. Every stratum needs at least
    two answers; ``df = n - H``; ``n_eff = (sum w)**2 / sum w**2`` (Kish).
    Interval methods as :func:`stratified_proportion`.
    """
    level = _validate.confidence(confidence)
    method = _validate.choice(method, "method", DESIGN_METHODS)
    y = _row_array(values, "values")
    w = _row_array(weights, "weights")
    if len(y) != len(w):
        raise ValueError(f"values ({len(y)}) and weights ({len(w)}) differ in length")
    if len(y) < 2:
        raise ValueError("at least 2 answers are needed for a standard error")
    bad = _validate.first_bad((y != 0) & (y != 1))
    if bad is not None:
        raise ValueError(f"values[{bad}] must be 0 or 1, got {values[bad]!r}")
    bad = _validate.first_bad(~np.isfinite(w) | (w <= 0))
    if bad is not None:
        raise ValueError(f"weights[{bad}] must be a positive number, got {weights[bad]!r}")
    codes, labels = _stratum_codes(strata, len(y))
    sizes = np.bincount(codes).astype(float)
    small = _validate.first_bad(sizes < 2)
    if small is not None:
        raise ValueError(
            f"stratum {labels[small]!r} has {int(sizes[small])} answer; each needs at least 2"
        )
    total_weight = w.sum()
    rate = float(np.sum(w * y) / total_weight)
    z = w * (y - rate) / total_weight
    deviation = z - (np.bincount(codes, weights=z) / sizes)[codes]
    variance = float(np.sum(sizes / (sizes - 1) * np.bincount(codes, weights=deviation**2)))
    n_eff = float(total_weight**2 / np.sum(w**2))
    df = len(y) - len(labels)
    se = math.sqrt(variance)
    low, high = _design_interval(rate, se, df, n_eff, level, method)
    return WeightedEstimate(rate, se, low, high, len(y), n_eff, df)


def _row_array(values: object, name: str) -> np.ndarray:
    if isinstance(values, str | bytes | Mapping):
        raise ValueError(f"{name} must be a sequence of numbers")
    array = np.asarray(values)
    if array.ndim != 1 or array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be a one-dimensional sequence of numbers")
    return array.astype(np.float64)


def _stratum_codes(
    strata: Sequence[Hashable] | None, size: int
) -> tuple[np.ndarray, list[Hashable]]:
    if strata is None:
        return np.zeros(size, dtype=np.intp), ["(all)"]
    if isinstance(strata, str | bytes) or len(strata) != size:
        raise ValueError("strata must be a sequence with one stratum label per answer")
    index: dict[Hashable, int] = {}
    codes = np.fromiter((index.setdefault(s, len(index)) for s in strata), np.intp, size)
    return codes, list(index)
