"""Answers of synthetic respondents: the overall score, factor items, background items.

Scores follow a respondent's "satisfied" draw: 4 or 5 when satisfied, mostly 3
(then 2, rarely 1) when not. Each factor item keeps its own level on average
and half follows the overall answer, so items correlate as real answers do.
Rows are tuples in the order of `ANSWER_COLUMNS`.
"""

from __future__ import annotations

import numpy as np

from survey_app.services.questionnaires import kinds

ANSWER_COLUMNS = ("response_id", "item_code", "score", "choice", "number")
ITEM_SKIPPED, ITEM_NOT_USED = 0.06, 0.04
FEEDBACK_NOT_USED = 0.14  # most citizens never tried to complain


def scores(rng, satisfied: np.ndarray) -> np.ndarray:
    """A 1–5 answer: 4 or 5 when satisfied, mostly 3 (then 2, rarely 1) when not."""
    u = rng.random(len(satisfied))
    return np.where(satisfied, np.where(u < 0.42, 5, 4),
                    np.where(u < 0.62, 3, np.where(u < 0.9, 2, 1)))


def item_answers(rng, form, ids, rate, satisfied, overall) -> list[tuple]:
    """Factor items: each follows the respondent's overall mood, around its own level."""
    if not form.scale_items:
        return []
    count, items = len(ids), len(form.scale_items)
    level = np.clip(rate[:, None] + form.item_offsets[None, :], 0.02, 0.99)
    # Half of each item's answer follows the overall answer: the item keeps its own
    # rate on average and correlates with the overall item, as real answers do.
    chance = np.clip(level + 0.5 * (satisfied[:, None] - rate[:, None]), 0.0, 1.0)
    item_satisfied = rng.random((count, items)) < chance
    values = scores(rng, item_satisfied.ravel()).reshape(count, items)
    u = rng.random((count, items))
    not_used_rate = np.array([FEEDBACK_NOT_USED if code.startswith("gy") else ITEM_NOT_USED
                              for code in form.scale_items])
    skipped = u < ITEM_SKIPPED
    not_used = ~skipped & (u < ITEM_SKIPPED + not_used_rate[None, :])
    rows: list[tuple[int, str, int | None, str | None, None]] = []
    codes = form.scale_items
    for r, c in zip(*np.nonzero(~skipped), strict=True):
        if not_used[r, c]:
            rows.append((int(ids[r]), codes[c], None, "not_used", None))
        else:
            rows.append((int(ids[r]), codes[c], int(values[r, c]), None, None))
    rows += [(int(i), form.overall, int(s), None, None) for i, s in zip(ids, overall, strict=True)]
    return rows


def other_answers(rng, form, ids) -> list[tuple]:
    """Background items (sex, age, level of schooling …): plausible values, some left blank."""
    rows = []
    for item in form.other_items:
        answered = rng.random(len(ids)) < 0.85
        kind = kinds.get(item["type"])
        for response_id in ids[answered].tolist():
            value = kind.demo(rng, item)
            if value is not None:
                rows.append((response_id, item["id"], None, *value))
    return rows
