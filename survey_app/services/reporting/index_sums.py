"""The sums the service index needs, from the rolled-up cells or from the rows.

Both return (n, totals, cross, respondents, by_version) as
`analysis.ratio.ratio_indices` reads them: n respondents with a factor tally, the 2F
totals (satisfied then scored per factor, in the given factor order), the 2F × 2F
matrix of cross-products Σ y yᵀ, per factor the respondents with a scored answer in
it, and the respondents per questionnaire version (for the report's note).
`slots[factor][version]` is the factor's tally slot in each version that has it.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import case, func, select

from survey_app.extensions import db
from survey_app.models import Response, response_factors
from survey_app.models.rollup import VECTOR, product_name
from survey_app.services.reporting import memo
from survey_app.services.rollups import reading

Slots = dict[str, dict[int, int]]


def from_cells(factors: list[str], slots: Slots, conditions):
    """From the cells' sums per version: in a version each factor is one slot, so its
    sums are that slot's (a factor the version lacks adds nothing)."""
    cells = reading.CELLS
    used = sorted({slot for fid in factors for slot in slots[fid].values()})
    vector = [f"{kind}_{slot}" for kind in ("satisfied", "scored") for slot in used]
    names = [*vector, *[f"respondents_{slot}" for slot in used],
             *[product_name(a, b) for i, a in enumerate(vector) for b in vector[i:]]]
    rows = memo.rows(
        select(cells.questionnaire_version_id, func.sum(cells.tallied),
               *[func.sum(cells[name]) for name in names])
        .where(*conditions).group_by(cells.questionnaire_version_id))
    size = len(factors)
    n, sums = 0, [np.zeros(2 * size), np.zeros((2 * size, 2 * size)), [0] * size]
    by_version: dict[int, int] = {}
    for version, tallied, *values in rows:
        n += int(tallied or 0)
        by_version[version] = int(tallied or 0)
        _add_version(sums, factors, slots, version,
                     dict(zip(names, (int(v or 0) for v in values), strict=True)))
    return n, *sums, by_version


def _add_version(sums: list, factors: list[str], slots: Slots, version: int, value: dict):
    """Add one version's cell sums (`value` by column name) to the factors' sums."""
    totals, cross, respondents = sums
    variables = [("satisfied", fid) for fid in factors] + [("scored", fid) for fid in factors]
    columns = [(i, f"{kind}_{slots[fid][version]}")
               for i, (kind, fid) in enumerate(variables) if version in slots[fid]]
    for i, name in columns:
        totals[i] += value[name]
        for j, other in columns:
            cross[i, j] += value[product_name(*sorted((name, other), key=VECTOR.index))]
    for f, fid in enumerate(factors):
        if version in slots[fid]:
            respondents[f] += value[f"respondents_{slots[fid][version]}"]


def from_rows(factors: list[str], slots: Slots, versions: list[int], conditions):
    """From one row per respondent with a scored factor answer: its tallies, written
    with the response (services/factor_tallies.py)."""
    per_respondent = (
        select(
            *[_tally("satisfied", slots[fid], versions).label(f"s{i}")
              for i, fid in enumerate(factors)],
            *[_tally("scored", slots[fid], versions).label(f"m{i}")
              for i, fid in enumerate(factors)],
            Response.questionnaire_version_id.label("version"),
        )
        .select_from(response_factors)
        .join(Response, Response.id == response_factors.c.response_id)
        .where(*conditions)
        .subquery()
    )
    size = len(factors)
    variables = [per_respondent.c[f"s{i}"] for i in range(size)]
    variables += [per_respondent.c[f"m{i}"] for i in range(size)]
    pairs = [(i, j) for i in range(2 * size) for j in range(i, 2 * size)]
    row = db.session.execute(select(
        func.count(),
        *[func.sum(v) for v in variables],
        *[func.sum(variables[i] * variables[j]) for i, j in pairs],
        *[func.sum(case((per_respondent.c[f"m{i}"] > 0, 1), else_=0)) for i in range(size)],
        *[func.sum(case((per_respondent.c.version == v, 1), else_=0)) for v in versions],
    )).one()
    end = 1 + 3 * size + len(pairs)
    return (*_parsed(row[:end], size, pairs),
            {v: int(c or 0) for v, c in zip(versions, row[end:], strict=True)})


def _parsed(row, size: int, pairs: list[tuple[int, int]]):
    totals = np.array([float(v or 0) for v in row[1:1 + 2 * size]])
    cross = np.zeros((2 * size, 2 * size))
    for (i, j), value in zip(pairs, row[1 + 2 * size:1 + 2 * size + len(pairs)], strict=True):
        cross[i, j] = cross[j, i] = float(value or 0)
    return int(row[0]), totals, cross, [int(v or 0) for v in row[1 + 2 * size + len(pairs):]]


def _tally(kind: str, by_version: dict[int, int], versions: list[int]):
    """A factor's satisfied or scored answers in a response: its slot's column, or (when
    versions place it differently or lack it) the column its response's version uses."""
    by_slot: dict[int, list[int]] = {}
    for version, slot in by_version.items():
        by_slot.setdefault(slot, []).append(version)
    if len(by_slot) == 1 and len(by_version) == len(versions):
        return response_factors.c[f"{kind}_{next(iter(by_slot))}"]
    return case(*[(Response.questionnaire_version_id.in_(sorted(vs)),
                   response_factors.c[f"{kind}_{slot}"]) for slot, vs in sorted(by_slot.items())],
                else_=0)
