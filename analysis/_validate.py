"""Input checks shared by the analysis functions.

Every public function of :mod:`analysis` validates what it is given and raises
``ValueError`` with a message that names the offending argument, so that a bad
call fails loudly instead of producing a plausible-looking wrong rate.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np


def _is_real(value: object) -> bool:
    # bool is an int subclass; True as a count or a confidence is always a bug.
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def real(value: object, name: str) -> float:
    """``value`` as a finite float, or ValueError."""
    if not _is_real(value):
        raise ValueError(f"{name} must be a number, got {value!r}")
    result = float(value)  # type: ignore[arg-type]
    if not math.isfinite(result):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return result


def count(value: object, name: str) -> int:
    """``value`` as a non-negative int (integral floats accepted), or ValueError."""
    number = real(value, name)
    if number != math.floor(number):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if number < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return int(number)


def counts(successes: object, n: object, what: str = "") -> tuple[int, int]:
    """Check a (successes, n) pair: n >= 1 and 0 <= successes <= n."""
    prefix = f"{what}: " if what else ""
    x = count(successes, f"{prefix}successes")
    total = count(n, f"{prefix}n")
    if total == 0:
        raise ValueError(f"{prefix}n must be at least 1 (no answers, no rate)")
    if x > total:
        raise ValueError(f"{prefix}successes ({x}) cannot exceed n ({total})")
    return x, total


def confidence(value: object) -> float:
    """A confidence level strictly between 0 and 1."""
    level = real(value, "confidence")
    if not 0.0 < level < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {value!r}")
    return level


def open_unit(value: object, name: str) -> float:
    """A proportion strictly between 0 and 1 (a target, a planning p)."""
    number = real(value, name)
    if not 0.0 < number < 1.0:
        raise ValueError(f"{name} must be strictly between 0 and 1, got {value!r}")
    return number


def choice(value: object, name: str, allowed: Iterable[str]) -> str:
    """One of the ``allowed`` strings."""
    options = tuple(allowed)
    if value not in options:
        raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(options)}")
    return str(value)


def count_array(values: object, name: str) -> np.ndarray:
    """A 1-d array of non-negative whole numbers as float64 (vectorised ``count``)."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.dtype.kind == "b" or array.dtype.kind not in "iuf":
        raise ValueError(f"{name} must hold numbers, got values of type {array.dtype}")
    as_float = array.astype(np.float64, copy=False)
    if array.dtype.kind == "f":
        bad = ~np.isfinite(as_float) | (as_float != np.floor(as_float))
        if bad.any():
            index = int(np.flatnonzero(bad)[0])
            raise ValueError(f"cell {index}: {name} must be a whole number, got {array[index]!r}")
    negative = as_float < 0
    if negative.any():
        index = int(np.flatnonzero(negative)[0])
        raise ValueError(f"cell {index}: {name} must not be negative, got {array[index]!r}")
    return as_float


def count_pairs(successes: object, n: object, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised ``counts``: arrays of equal length with n >= 1 and successes <= n."""
    x = count_array(successes, name)
    sizes = count_array(n, "n")
    if x.shape != sizes.shape:
        raise ValueError(f"{name} and n must have the same length, got {x.size} and {sizes.size}")
    bad = first_bad(sizes < 1)
    if bad is not None:
        raise ValueError(f"cell {bad}: n must be at least 1 (no answers, no rate)")
    bad = first_bad(x > sizes)
    if bad is not None:
        raise ValueError(f"cell {bad}: {name} ({x[bad]:g}) cannot exceed n ({sizes[bad]:g})")
    return x, sizes


def first_bad(mask: np.ndarray) -> int | None:
    """Index of the first True in ``mask``, or None."""
    if not mask.any():
        return None
    return int(np.flatnonzero(mask)[0])
