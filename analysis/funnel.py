"""Funnel plots: many units (communes, agencies, counters) held against one target.

A ranking of 124 communes makes some look bad by chance alone. A funnel plot
(Spiegelhalter 2005, "Funnel plots for comparing institutional performance",
Statistics in Medicine 24:1185) draws each unit's rate against its number of
answers, with control limits around the target that narrow as n grows; a unit
is a signal only when it lies outside them. Three pieces:

- :func:`funnel_limits`: the limits for given sample sizes (exact binomial, or
  normal with a multiplicative ``phi`` or an additive ``tau2``);
- :func:`overdispersion`: Spiegelhalter's Winsorised estimate of ``phi`` and
  the DerSimonian-Laird ``tau2``, for when units differ more than binomial
  sampling allows (different clienteles, not different performance);
- :func:`funnel`: per-unit z, p-value, Benjamini-Hochberg adjusted p-value
  (Jones et al. 2008) and flags, plus the limits to draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import special, stats

from . import _validate
from .compare import adjust_pvalues

LIMIT_METHODS = ("exact", "normal")
DISPERSIONS = ("auto", "none", "multiplicative", "additive")
ABOVE, BELOW, INSIDE = "above", "below", "inside"


class Overdispersion(NamedTuple):
    """Spread of the units beyond binomial sampling (see :func:`overdispersion`)."""

    phi: float
    tau2: float
    z: np.ndarray
    z_winsorised: np.ndarray


@dataclass(frozen=True)
class Funnel:
    """Units against a target (see :func:`funnel`); arrays are in the units' order.

    ``flags[level]`` holds "above", "below" or "inside" for each unit against
    the limits of that level; ``signal`` holds the same words for the widest
    level after false-discovery control: a unit is "above" or "below" only when
    it lies outside the widest limits *and* its adjusted p-value is under
    ``fdr``. ``curve_n`` and ``curve_limits[level] = (low, high)`` are the
    limits to draw from the smallest to the largest unit.
    """

    target: float
    dispersion: str
    phi: float
    tau2: float
    rate: np.ndarray
    n: np.ndarray
    z: np.ndarray
    p_value: np.ndarray
    p_adjusted: np.ndarray
    flags: dict[float, np.ndarray]
    signal: np.ndarray
    levels: tuple[float, ...]
    fdr: float
    curve_n: np.ndarray
    curve_limits: dict[float, tuple[np.ndarray, np.ndarray]]


def _sizes(n: object, whole: bool) -> np.ndarray:
    if whole:
        sizes = _validate.count_array(n, "n")
    else:
        sizes = np.asarray(n, dtype=np.float64)
        if sizes.ndim != 1 or not np.isfinite(sizes).all():
            raise ValueError("n must be a one-dimensional array of finite numbers")
    bad = _validate.first_bad(sizes < 1)
    if bad is not None:
        raise ValueError(f"cell {bad}: n must be at least 1, got {sizes[bad]!r}")
    return sizes


def _exact_limit(n: np.ndarray, target: float, p: float) -> np.ndarray:
    # r_p: the smallest r with P(R <= r) >= p. ppf can land one off when the
    # cdf sits on p to rounding, so step it into place both ways.
    r = stats.binom.ppf(p, n, target)
    below = stats.binom.cdf(r - 1, n, target)
    down = below >= p
    r = np.where(down, r - 1, r)
    cdf = np.where(down, below, stats.binom.cdf(r, n, target))
    up = cdf < p
    if up.any():
        r = np.where(up, r + 1, r)
        cdf = np.where(up, stats.binom.cdf(r, n, target), cdf)
    alpha = (cdf - p) / stats.binom.pmf(r, n, target)
    return np.clip((r - alpha) / n, 0.0, 1.0)


def funnel_limits(
    n: object,
    target: float,
    level: float = 0.95,
    method: str = "exact",
    phi: float = 1.0,
    tau2: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Control limits ``(low, high)`` for an observed proportion from ``n`` answers.

    ``method="exact"``: the interpolated binomial limits of Spiegelhalter (2005,
    appendix A.1.1). For p = (1 - level)/2 (low) and 1 - (1 - level)/2 (high),
    r_p is the smallest r with P(R <= r) >= p for R ~ Binomial(n, target),
    alpha = (P(R <= r_p) - p) / P(R = r_p) and the limit is (r_p - alpha)/n.
    ``n`` must then hold whole numbers; ``phi`` and ``tau2`` must be left at
    1 and 0 (the exact limits know no overdispersion). The lower limit rises
    with n; the upper one falls with n only up to the step of one answer.

    ``method="normal"``: target -/+ z_p sqrt(phi * target(1 - target)/n + tau2)
    for any real n >= 1.

    Both are clipped to [0, 1].

    >>> low, high = funnel_limits([100], 0.9, 0.95)
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.8323, 0.9496)
    """
    goal = _validate.open_unit(target, "target")
    confidence = _validate.real(level, "level")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")
    method = _validate.choice(method, "method", LIMIT_METHODS)
    factor = _validate.real(phi, "phi")
    extra = _validate.real(tau2, "tau2")
    if factor <= 0.0:
        raise ValueError(f"phi must be positive, got {phi!r}")
    if extra < 0.0:
        raise ValueError(f"tau2 must not be negative, got {tau2!r}")
    sizes = _sizes(n, whole=method == "exact")
    half = (1.0 - confidence) / 2.0
    if method == "exact":
        if factor != 1.0 or extra != 0.0:
            raise ValueError("exact limits take no phi or tau2; use method='normal'")
        return _exact_limit(sizes, goal, half), _exact_limit(sizes, goal, 1.0 - half)
    spread = -special.ndtri(half) * np.sqrt(factor * goal * (1.0 - goal) / sizes + extra)
    return np.clip(goal - spread, 0.0, 1.0), np.clip(goal + spread, 0.0, 1.0)


def _units(successes: object, n: object) -> tuple[np.ndarray, np.ndarray]:
    x, sizes = _validate.count_pairs(successes, n, "successes")
    if x.size == 0:
        raise ValueError("no units to compare")
    return x, sizes


def _overdispersion(x: np.ndarray, sizes: np.ndarray, goal: float, winsor: float) -> Overdispersion:
    spread = goal * (1.0 - goal)
    z = (x / sizes - goal) / np.sqrt(spread / sizes)
    z_w = np.clip(z, np.quantile(z, winsor), np.quantile(z, 1.0 - winsor))
    units = z.size
    phi = float(np.mean(z_w**2))
    w = sizes / spread
    excess = units * phi - (units - 1)
    tau2 = 0.0 if excess <= 0 else float(excess / (w.sum() - (w**2).sum() / w.sum()))
    return Overdispersion(phi=phi, tau2=tau2, z=z, z_winsorised=z_w)


def overdispersion(
    successes: object, n: object, target: float, winsor: float = 0.10
) -> Overdispersion:
    """Spiegelhalter's overdispersion estimates for units against ``target``.

    z_i = (y_i/n_i - target) / sqrt(target(1 - target)/n_i), Winsorised at the
    ``winsor`` and 1 - ``winsor`` quantiles (numpy's default linear quantile) so
    that a few true outliers do not pass for overdispersion; ``phi`` is the
    mean of the squared Winsorised z, and the additive random-effects variance
    (DerSimonian-Laird on the proportion scale) is
    ``tau2 = max(0, (I phi - (I - 1)) / (sum w - sum w**2 / sum w))`` with
    w_i = n_i / (target(1 - target)); ``tau2 = 0`` when I phi <= I - 1.
    Needs at least two units.
    """
    x, sizes = _units(successes, n)
    goal = _validate.open_unit(target, "target")
    cut = _validate.real(winsor, "winsor")
    if not 0.0 <= cut < 0.5:
        raise ValueError(f"winsor must be at least 0 and under 0.5, got {winsor!r}")
    if x.size < 2:
        raise ValueError("overdispersion needs at least two units")
    return _overdispersion(x, sizes, goal, cut)


def _dispersion(choice: str, spread: Overdispersion | None) -> tuple[str, float, float]:
    # Limits never narrower than binomial: a phi under 1 (common after
    # Winsorising) is read as no overdispersion, as in Spiegelhalter (2005).
    if spread is None or choice == "none":
        return "none", 1.0, 0.0
    if choice == "multiplicative":
        return "multiplicative", max(spread.phi, 1.0), 0.0
    if choice == "additive" or spread.tau2 > 0:
        return "additive", 1.0, spread.tau2
    return "none", 1.0, 0.0


def _flags(rate: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return np.where(rate > high, ABOVE, np.where(rate < low, BELOW, INSIDE))


def _curve(sizes: np.ndarray) -> np.ndarray:
    # Whole n only: the exact limits are defined at whole numbers of answers.
    if sizes.max() == sizes.min():
        return sizes[:1].copy()
    return np.unique(np.round(np.geomspace(sizes.min(), sizes.max(), 200)))


def funnel(
    successes: object,
    n: object,
    target: float,
    levels: tuple[float, ...] = (0.95, 0.998),
    overdispersion: str = "auto",
    fdr: float = 0.05,
) -> Funnel:
    """Hold each unit's rate ``successes[i] / n[i]`` against ``target``.

    ``overdispersion``: ``"none"`` (binomial: exact limits, z against
    sqrt(target(1 - target)/n)), ``"multiplicative"`` (z and normal limits
    scaled by sqrt(phi), phi floored at 1), ``"additive"`` (random effects:
    variance target(1 - target)/n + tau2) or ``"auto"``: additive when the
    estimated tau2 is positive, else none; the result's ``dispersion`` says
    which was used. p-values are two-sided normal, ``2 Phi(-|z|)``, and
    ``p_adjusted`` is Benjamini-Hochberg (``adjust_pvalues(p, "bh")``).
    See :class:`Funnel` for the flags and the signal.
    """
    x, sizes = _units(successes, n)
    goal = _validate.open_unit(target, "target")
    choice = _validate.choice(overdispersion, "overdispersion", DISPERSIONS)
    rate_fdr = _validate.real(fdr, "fdr")
    if not 0.0 < rate_fdr < 1.0:
        raise ValueError(f"fdr must be strictly between 0 and 1, got {fdr!r}")
    chosen = tuple(sorted(_validate.confidence(level) for level in levels))
    if not chosen:
        raise ValueError("levels must hold at least one level")
    spread = _overdispersion(x, sizes, goal, 0.10) if x.size >= 2 else None
    dispersion, phi, tau2 = _dispersion(choice, spread)
    rate = x / sizes
    z = (rate - goal) / np.sqrt(phi * goal * (1.0 - goal) / sizes + tau2)
    p_value = 2.0 * special.ndtr(-np.abs(z))
    p_adjusted = np.asarray(adjust_pvalues(p_value, "bh"))
    method = "exact" if dispersion == "none" else "normal"
    options = {} if method == "exact" else {"phi": phi, "tau2": tau2}
    curve_n = _curve(sizes)
    flags, curves = {}, {}
    for level in chosen:
        low, high = funnel_limits(sizes, goal, level, method, **options)
        flags[level] = _flags(rate, low, high)
        curves[level] = funnel_limits(curve_n, goal, level, method, **options)
    widest = flags[chosen[-1]]
    signal = np.where(p_adjusted < rate_fdr, widest, INSIDE)
    return Funnel(
        target=goal,
        dispersion=dispersion,
        phi=phi,
        tau2=tau2,
        rate=rate,
        n=sizes,
        z=z,
        p_value=p_value,
        p_adjusted=p_adjusted,
        flags=flags,
        signal=signal,
        levels=chosen,
        fdr=rate_fdr,
        curve_n=curve_n,
        curve_limits=curves,
    )
