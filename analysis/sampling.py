"""How many answers a survey needs for a given margin of error."""

from __future__ import annotations

import math

from . import _validate
from .intervals import z_value


def sample_size(
    margin: float,
    confidence: float = 0.95,
    p: float = 0.5,
    population: int | None = None,
) -> int:
    """Answers needed so that a normal-theory interval has half-width ``margin``.

    ``n0 = z**2 * p * (1 - p) / margin**2`` with z the two-sided normal quantile
    of ``confidence``; with a finite ``population`` N (e.g. the period's
    transactions) ``n = n0 / (1 + (n0 - 1) / N)``; rounded up, at least 1.
    ``p = 0.5`` is the safe planning value; a plan expecting about 90 %
    satisfaction may use ``p = 0.9``.

    >>> sample_size(0.05)
    385
    >>> sample_size(0.05, population=2000)
    323
    """
    half_width = _validate.open_unit(margin, "margin")
    level = _validate.confidence(confidence)
    prop = _validate.open_unit(p, "p")
    n0 = z_value(level) ** 2 * prop * (1 - prop) / half_width**2
    if population is None:
        needed = n0
    else:
        size = _validate.count(population, "population")
        if size < 1:
            raise ValueError("population must be at least 1")
        needed = n0 / (1 + (n0 - 1) / size)
    return max(1, math.ceil(needed))
