"""Each response's factor tallies (table `response_factors`), counted when it is written.

A factor's tally is its satisfied answers (score 4–5) and its scored answers ("not
used" has no score), over the factor's items in the response's questionnaire version;
slot k holds the version's k-th factor. `factor_indices.service_index` sums these over
responses, one row each, instead of grouping ~23 answer rows per response.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert

from survey_app.extensions import db
from survey_app.models import FACTOR_SLOTS, response_factors

INSERT = insert(response_factors)
COLUMNS = tuple(column.name for column in response_factors.columns)


def tally(definition: dict, answers: dict) -> dict | None:
    """The row of a response answering `definition` with `answers` (item id -> value),
    without its response_id; None when no factor item has a score."""
    row, scored_any = {}, False
    factors = definition.get("factors") or []
    for slot in range(1, FACTOR_SLOTS + 1):
        items = factors[slot - 1]["items"] if slot <= len(factors) else ()
        scores: list[int] = [s for s in (answers.get(item) for item in items)
                             if isinstance(s, int) and not isinstance(s, bool)]
        row[f"satisfied_{slot}"] = sum(1 for s in scores if s >= 4)
        row[f"scored_{slot}"] = len(scores)
        scored_any = scored_any or bool(scores)
    return row if scored_any else None


def record(key: tuple[int, datetime], definition: dict, answers: dict,
           connection=None) -> None:
    """Write the tally of the response `key` (its id and submitted_hour; nothing when it
    has no tally), in the caller's transaction."""
    row = tally(definition, answers)
    if row is not None:
        (connection or db.session.connection()).execute(
            INSERT, {"response_id": key[0], **row, "submitted_hour": key[1]})


def rows_from_answers(definition: dict, answer_rows: list[tuple], hours: dict) -> list[tuple]:
    """Tallies, as tuples in COLUMNS order, of the responses whose answers to
    `definition` are `answer_rows` ((response_id, item_code, score, …) tuples), each
    response's submitted_hour from `hours` (id -> hour): for the bulk writers that
    skip add_response."""
    scores: dict[int, dict] = {}
    for response_id, item_code, score, *_rest in answer_rows:
        if score is not None:
            scores.setdefault(response_id, {})[item_code] = score
    rows = []
    for response_id, answers in scores.items():
        row = tally(definition, answers)
        if row is not None:
            rows.append((response_id, *row.values(), hours[response_id]))
    return rows
