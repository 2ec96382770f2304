"""The cells against the rows: every difference, for `flask rollups verify`.

The rows are counted into cells by the one aggregate (`cells.from_rows`) and compared
with the stored cells, key by key and column by column. On PostgreSQL both are read
in one REPEATABLE READ transaction, so responses arriving meanwhile cannot show up as
a difference; SQLite's single writer gives the same snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from survey_app.models import response_cells
from survey_app.models.rollup import KEYS, MEASURES
from survey_app.services.rollups.cells import from_rows, stored
from survey_app.services.rollups.upkeep import in_month


@dataclass(frozen=True)
class Difference:
    """One cell whose stored value differs from the rows' (None: no such cell)."""

    key: tuple
    column: str
    stored: int | None
    counted: int | None

    def describe(self) -> str:
        key = ", ".join(f"{name}={value}" for name, value in zip(KEYS, self.key, strict=True))
        if self.stored is None:
            return f"missing cell ({key}): the rows have {self.counted} responses"
        if self.counted is None:
            return f"cell ({key}) has {self.stored} responses but the rows have none"
        return f"cell ({key}): {self.column} is {self.stored}, the rows give {self.counted}"


def _by_key(rows) -> dict[tuple, tuple]:
    size = len(KEYS)
    return {tuple(row[:size]): tuple(int(v) for v in row[size:]) for row in rows}


def differences(connection, first: date | None = None,
                last: date | None = None) -> list[Difference]:
    """Every difference between the cells and the rows (of the local months holding the
    days `first` to `last`, when given)."""
    row_conditions, cell_conditions = [], []
    if first is not None:
        row_conditions += in_month(first.replace(day=1))[:1]
        cell_conditions.append(response_cells.c.month >= first.replace(day=1))
    if last is not None:
        row_conditions += in_month(last.replace(day=1))[1:]
        cell_conditions.append(response_cells.c.month <= last)
    counted = _by_key(connection.execute(from_rows(connection.dialect.name,
                                                   *row_conditions)))
    kept = _by_key(connection.execute(stored(*cell_conditions)))
    found = []
    for key in sorted(counted.keys() | kept.keys(), key=repr):
        mine, theirs = kept.get(key), counted.get(key)
        if mine is None or theirs is None:
            found.append(Difference(key, "responses", mine[0] if mine else None,
                                    theirs[0] if theirs else None))
            continue
        found.extend(Difference(key, name, a, b)
                     for name, a, b in zip(MEASURES, mine, theirs, strict=True) if a != b)
    return found
