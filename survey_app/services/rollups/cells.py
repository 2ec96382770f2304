"""How a cell is counted from the rows: one aggregate over responses ⟕ response_factors.

The same SELECT serves the upkeep (added to or, negated, subtracted from the cells),
the rebuild (inserted as it is) and the check (compared with the cells), so there is
one definition of what a cell holds (models/rollup.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache

from sqlalchemy import (
    BinaryExpression,
    ColumnClause,
    Date,
    and_,
    case,
    cast,
    func,
    literal_column,
    select,
    type_coerce,
)

from survey_app.i18n import utc_offset_hours
from survey_app.models import Response, response_cells, response_factors
from survey_app.models.rollup import KEYS, MEASURES, OPTIONAL_KEYS, PAIRS, RESPONDENTS, VECTOR


def local_month_of(dialect: str):
    """SQL for the first day of the local month of `responses.submitted_hour` (naive
    UTC). DISPLAY_TIMEZONE is one whole number of hours from UTC all year
    (Asia/Ho_Chi_Minh: 7, no daylight saving since 1975), so a fixed offset gives the
    month on both databases."""
    hours = utc_offset_hours()  # an int: safe to write into the SQL
    if dialect == "postgresql":
        return cast(func.date_trunc(
            "month", Response.submitted_hour + literal_column(f"interval '{hours} hours'")),
            Date)
    return type_coerce(func.date(Response.submitted_hour, f"{hours:+d} hours",
                                 "start of month"), Date)


def local_day(instant: datetime) -> date:
    """The local day of a UTC instant."""
    utc = instant.astimezone(UTC) if instant.tzinfo else instant
    return (utc + timedelta(hours=utc_offset_hours())).date()


def month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


# Constants written into the SQL: as bound parameters, ~190 of them made the submit
# path's statement cost more to bind than to run.
ZERO: ColumnClause = literal_column("0")
ONE: ColumnClause = literal_column("1")
SATISFIED_FROM: ColumnClause = literal_column("4")


def _key_columns(dialect: str) -> list:
    columns = []
    for name in KEYS:
        if name == "month":
            columns.append(local_month_of(dialect).label("month"))
        elif name in OPTIONAL_KEYS:
            columns.append(func.coalesce(Response.__table__.c[name], ZERO).label(name))
        else:
            columns.append(Response.__table__.c[name].label(name))
    return columns


@cache  # a few hundred expressions, the same for every submission: built once
def _measure_columns(sign: int) -> list:
    f = response_factors.c
    measures = {
        "responses": func.count(),
        "n": func.count(Response.overall_score),
        "satisfied": func.sum(case((Response.overall_score >= SATISFIED_FROM, ONE), else_=ZERO)),
        "repeat_device": func.sum(case((Response.repeat_device.is_(True), ONE), else_=ZERO)),
        "tallied": func.count(f.response_id),
    }
    measures.update({name: func.coalesce(func.sum(f[name]), ZERO) for name in VECTOR})
    measures.update({name: func.sum(case((f[f"scored_{name.split('_')[1]}"] > ZERO, ONE),
                                         else_=ZERO))
                     for name in RESPONDENTS})
    for (a, b), name in zip(PAIRS, MEASURES[-len(PAIRS):], strict=True):
        measures[name] = func.coalesce(func.sum(f[a] * f[b]), ZERO)
    return [(measures[name] if sign > 0 else -measures[name]).label(name) for name in MEASURES]


def from_rows(dialect: str, *conditions, sign: int = 1):
    """The cells of the responses meeting `conditions`, as a SELECT in KEYS + MEASURES
    order (each measure negated when `sign` is -1)."""
    keys = _key_columns(dialect)
    f = response_factors.c
    return (
        select(*keys, *_measure_columns(sign))
        .select_from(Response.__table__.outerjoin(response_factors, and_(
            f.response_id == Response.id, f.submitted_hour == Response.submitted_hour,
            *hour_bounds_on(f.submitted_hour, conditions))))
        .where(*conditions)
        .group_by(*keys)
    )


def hour_bounds_on(column, conditions) -> list:
    """The bounds among `conditions` on responses.submitted_hour, again on a child
    table's `column`: PostgreSQL prunes each side of a join by its own conditions only,
    so the child's monthly partitions need them too (services/partitions.py)."""
    hour = Response.__table__.c.submitted_hour
    return [condition.operator(column, condition.right) for condition in conditions
            if isinstance(condition, BinaryExpression)
            and isinstance(condition.left, ColumnClause) and condition.left.compare(hour)]


def stored(*conditions):
    """The stored cells meeting `conditions` (on response_cells), KEYS + MEASURES."""
    return select(*[response_cells.c[name] for name in KEYS + MEASURES]).where(*conditions)
