"""Satisfaction rates, intervals and verdicts for many cells at once.

A cell is one group of answers that the database aggregated (sector x agency
x period ...): label columns plus ``n`` (answers) and ``satisfied``. The work
is done on numpy arrays, so a million cells cost a few numpy passes; the rows
are built only when they are read.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, overload

import numpy as np

from . import _validate
from .intervals import METHODS, interval_arrays
from .rates import RateEstimate
from .verdicts import verdict_arrays

RESULT_FIELDS = (
    "n", "satisfied", "rate", "low", "high",
    "target", "meets_by_rate", "verdict", "p_value", "additional_n",
)  # fmt: skip
_VERDICT_NAMES = np.array(["not_met", "undecided", "met", ""])  # codes -1, 0, 1, none
_CHUNK = 10_000  # rows converted at a time when iterating


@dataclass(frozen=True)
class TableArrays:
    """The numbers of a :class:`SatisfactionTable` as numpy arrays (one entry per cell).

    ``target``, ``p_value`` and ``additional_n`` are NaN where they do not
    apply; ``verdict_code`` is 1 (met), -1 (not met), 0 (undecided) or 2 (no
    target), and ``verdict`` the same as strings (``""`` for no target);
    ``meets_by_rate`` is False where no target applies. Treat the arrays as
    read-only: without targets the NaN arrays are one shared array.
    """

    n: np.ndarray
    satisfied: np.ndarray
    rate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    target: np.ndarray
    meets_by_rate: np.ndarray
    verdict_code: np.ndarray
    p_value: np.ndarray
    additional_n: np.ndarray

    @cached_property
    def verdict(self) -> np.ndarray:
        return _VERDICT_NAMES[self.verdict_code + 1]


class SatisfactionTable(Sequence):
    """A read-only sequence of rows, one plain ``dict`` per cell, in input order.

    A row holds the cell's label columns followed by ``n``, ``satisfied``,
    ``rate``, ``low``, ``high``, ``target``, ``meets_by_rate``, ``verdict``,
    ``p_value`` and ``additional_n`` (the last five ``None`` where no target
    applies). Rows are built when read (``table[i]``, iteration,
    :meth:`to_dicts`); ``arrays`` gives the same numbers as numpy arrays.
    """

    def __init__(self, arrays: TableArrays, label_of: Any, size: int) -> None:
        self.arrays = arrays
        self._label_of = label_of
        self._size = size

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        if isinstance(index, slice):
            start, stop, step = index.indices(self._size)
            if step == 1:
                return self._rows(start, max(start, stop))
            return [self._rows(i, i + 1)[0] for i in range(start, stop, step)]
        i = index + self._size if index < 0 else index
        if not 0 <= i < self._size:
            raise IndexError("satisfaction table index out of range")
        return self._rows(i, i + 1)[0]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for start in range(0, self._size, _CHUNK):
            yield from self._rows(start, min(start + _CHUNK, self._size))

    def __repr__(self) -> str:
        return f"<SatisfactionTable of {self._size} cells>"

    def estimates(self) -> list[RateEstimate]:
        """The cells as :class:`analysis.RateEstimate` (what the charts take), in order."""
        return [RateEstimate(row["n"], row["satisfied"], row["rate"], row["low"], row["high"],
                             row["target"], row["verdict"]) for row in self._rows(0, self._size)]

    def to_dicts(self) -> list[dict[str, Any]]:
        """All rows as a list of dicts (e.g. for JSON)."""
        return self._rows(0, self._size)

    def _rows(self, start: int, stop: int) -> list[dict[str, Any]]:
        # Whole columns are converted to Python numbers at once (tolist is C
        # code); only the dicts are built one by one.
        a, part = self.arrays, slice(start, stop)
        has_target = (~np.isnan(a.target[part])).tolist()
        columns = zip(
            range(start, stop),
            a.n[part].astype(np.int64).tolist(),
            a.satisfied[part].astype(np.int64).tolist(),
            a.rate[part].tolist(),
            a.low[part].tolist(),
            a.high[part].tolist(),
            a.target[part].tolist(),
            a.meets_by_rate[part].tolist(),
            _VERDICT_NAMES[a.verdict_code[part] + 1].tolist(),
            a.p_value[part].tolist(),
            a.additional_n[part].tolist(),
            has_target,
            strict=True,
        )
        rows = []
        for i, n, x, rate, low, high, target, meets, verdict, p_value, extra, has in columns:
            row = self._label_of(i)
            row["n"], row["satisfied"] = n, x
            row["rate"], row["low"], row["high"] = rate, low, high
            if has:
                row["target"], row["meets_by_rate"] = target, meets
                row["verdict"], row["p_value"] = verdict, p_value
            else:
                row["target"] = row["meets_by_rate"] = row["verdict"] = row["p_value"] = None
            row["additional_n"] = None if extra != extra else int(extra)  # NaN: not applicable
            rows.append(row)
        return rows


def satisfaction_table(
    cells: Sequence[Mapping[str, Any]] | Mapping[str, Sequence[Any]],
    targets: float | str | Sequence[float | None] | None = None,
    confidence: float = 0.95,
    method: str = "wilson",
) -> SatisfactionTable:
    """Rate, interval and (where a target applies) verdict for every cell.

    ``cells`` is either

    - a sequence of mappings, one per cell: label columns (any names) plus
      ``n`` and ``satisfied``, e.g. ``{"sector": "đất đai", "n": 150, "satisfied": 132}``;
    - or columns: one mapping of column name to equal-length sequences or
      numpy arrays (``{"sector": [...], "n": array, "satisfied": array}``), the
      fast form for very many cells.

    ``targets`` is

    - ``None``: no verdicts;
    - a float in (0, 1): the same target for every cell;
    - a string: the name of a column of the cells holding each cell's target
      (``None`` or NaN there: no target for that cell); that column is not
      repeated among the labels;
    - a sequence or array with one target (or ``None``/NaN) per cell.

    Returns a :class:`SatisfactionTable`: a sequence of plain dict rows (see
    there), with ``.arrays`` holding the same numbers as numpy arrays. The
    verdict fields follow :func:`analysis.target_verdict` exactly.

    Raises ValueError naming the first bad cell, and for a label column whose
    name is one of the result fields (``rate``, ``target``, ...), which the
    row would otherwise overwrite.
    """
    level = _validate.confidence(confidence)
    method = _validate.choice(method, "method", METHODS)
    if isinstance(cells, Mapping):
        n_raw, x_raw, target_raw, label_of, size = _from_columns(cells, targets)
    elif isinstance(cells, Sequence) and not isinstance(cells, str | bytes):
        n_raw, x_raw, target_raw, label_of, size = _from_rows(cells, targets)
    else:
        raise ValueError("cells must be a sequence of mappings or a mapping of columns")
    x, n = _validate.count_pairs(x_raw, n_raw, "satisfied")
    return SatisfactionTable(_compute(x, n, target_raw, level, method), label_of, size)


def _compute(
    x: np.ndarray, n: np.ndarray, target: np.ndarray | None, level: float, method: str
) -> TableArrays:
    low, high = interval_arrays(x, n, level, method)
    rate = x / n
    size = len(n)
    meets = np.zeros(size, dtype=bool)
    code = np.full(size, 2, dtype=np.int8)  # 2 -> "" (no target)
    if target is None:
        # Nothing to hold against: one shared read-only NaN array serves for
        # target, p_value and additional_n (three fewer passes over memory).
        missing = np.full(size, np.nan)
        missing.flags.writeable = False
        return TableArrays(n, x, rate, low, high, missing, meets, code, missing, missing)
    p_value = np.full(size, np.nan)
    additional = np.full(size, np.nan)
    has = ~np.isnan(target)
    pick = slice(None) if has.all() else has  # a slice avoids copying when all have one
    fields = verdict_arrays(x[pick], n[pick], low[pick], high[pick], target[pick], level)
    meets[pick], code[pick], p_value[pick], additional[pick] = fields
    return TableArrays(n, x, rate, low, high, target, meets, code, p_value, additional)


def _from_columns(cells: Mapping[str, Any], targets: object) -> tuple[Any, ...]:
    """Counts, targets and a label reader for cells given as columns."""
    columns = dict(cells)
    n_raw, x_raw, size = _columns_counts(columns)
    target_raw = _target_input(targets, size, lambda name: columns.get(name))
    skip = ("n", "satisfied", _target_column(targets))
    label_columns = [(name, values) for name, values in columns.items() if name not in skip]
    _check_labels(name for name, _ in label_columns)

    def label_of(i: int) -> dict[str, Any]:
        return {name: _plain(values[i]) for name, values in label_columns}

    return n_raw, x_raw, target_raw, label_of, size


def _from_rows(rows: Sequence[Any], targets: object) -> tuple[Any, ...]:
    """Counts, targets and a label reader for cells given as one mapping each."""
    size = len(rows)
    n_raw = _row_column(rows, "n")
    x_raw = _row_column(rows, "satisfied")

    def target_column(name: str) -> list[Any] | None:
        if size and not any(name in rows[i] for i in range(size)):
            return None  # a missing key in some cells is "no target" there
        return [rows[i].get(name) for i in range(size)]

    target_raw = _target_input(targets, size, target_column)
    skip = {"n", "satisfied", _target_column(targets)}
    if size:  # cells normally share their columns: check the first eagerly
        _check_labels(k for k in rows[0] if k not in skip)

    def label_of(i: int) -> dict[str, Any]:
        labels = {k: v for k, v in rows[i].items() if k not in skip}
        _check_labels(labels)
        return labels

    return n_raw, x_raw, target_raw, label_of, size


def _check_labels(names: Any) -> None:
    clash = [name for name in names if name in RESULT_FIELDS]
    if clash:
        raise ValueError(
            f"cell column {clash[0]!r} has the name of a result field; rename it"
            + (" (or pass targets=" + repr(clash[0]) + ")" if clash[0] == "target" else "")
        )


def _columns_counts(columns: dict[str, Any]) -> tuple[Any, Any, int]:
    for name in ("n", "satisfied"):
        if name not in columns:
            raise ValueError(f"cells has no {name!r} column")
    size = len(columns["n"])
    for name, values in columns.items():
        if isinstance(values, str | bytes) or not hasattr(values, "__len__"):
            raise ValueError(f"column {name!r} must be a sequence with one value per cell")
        if len(values) != size:
            raise ValueError(f"column {name!r} has {len(values)} values, 'n' has {size}")
    return columns["n"], columns["satisfied"], size


def _cell(rows: Sequence[Any], i: int) -> Mapping[str, Any]:
    cell = rows[i]
    if not isinstance(cell, Mapping):
        raise ValueError(f"cell {i} must be a mapping, got {type(cell).__name__}")
    return cell


def _row_column(rows: Sequence[Any], name: str) -> np.ndarray:
    try:
        return np.array([row[name] for row in rows])
    except (KeyError, TypeError, IndexError):
        for i in range(len(rows)):
            if name not in _cell(rows, i):
                raise ValueError(f"cell {i} has no {name!r}") from None
        raise


def _target_column(targets: object) -> str | None:
    return targets if isinstance(targets, str) else None


def _target_floats(values: Any) -> np.ndarray:
    """Targets as floats, NaN where a cell has none (None)."""
    array = np.asarray(values)
    if array.dtype.kind in "iuf":
        return array.astype(np.float64)
    if array.dtype.kind == "O" and all(
        v is None or (isinstance(v, numbers.Real) and not isinstance(v, bool)) for v in array
    ):
        return np.array([np.nan if v is None else float(v) for v in array])
    raise ValueError("targets must be numbers (None or NaN for no target)")


def _target_input(targets: object, size: int, column: Any) -> np.ndarray | None:
    if targets is None:
        return None
    if isinstance(targets, numbers.Real) and not isinstance(targets, bool):
        return np.full(size, _validate.open_unit(targets, "target"))
    if isinstance(targets, str):
        values = column(targets)
        if values is None:
            raise ValueError(f"cells have no target column {targets!r}")
    elif isinstance(targets, Sequence | np.ndarray):
        values = targets
        if len(values) != size:
            raise ValueError(f"targets has {len(values)} values for {size} cells")
    else:
        raise ValueError("targets must be None, a number, a column name or one value per cell")
    array = _target_floats(values)
    bad = _validate.first_bad(~np.isnan(array) & ~((array > 0) & (array < 1)))
    if bad is not None:
        raise ValueError(
            f"cell {bad}: target must be strictly between 0 and 1, got {array[bad]!r}"
        )
    return array


def _plain(value: Any) -> Any:
    # numpy scalars -> Python scalars, so that rows are plain data (JSON, templates).
    return value.item() if isinstance(value, np.generic) else value
