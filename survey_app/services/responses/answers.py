"""Checking a response's answers: raw values in, answers and their rows out, or problems.

`validate(definition, raw)` is the one check of answers that every channel makes: the
citizen's, kiosk and campaign web forms, staff paper entry and the paper file import.
`raw` maps a field name (an item id) to what was sent for it, a string or a list of
strings, as an HTML form posts them or a spreadsheet cell turns into them
(`Kind.from_cell`). Each item is parsed and checked by its kind
(`services/questionnaires/kinds/`); names that are not items are not answers and are
ignored (the caller decides whether they are an error).

It needs no request, no form and no language: a problem is located (`field`) and
coded (`code`, `params`), and the edge that shows it writes the sentence (the web
form in the reader's language, the paper import in its report).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as attribute

from survey_app.services.questionnaires import kinds
from survey_app.services.questionnaires.files import items_of
from survey_app.services.questionnaires.kinds.base import Invalid

REQUIRED = "required"  # an item the questionnaire requires was not answered
Raw = Mapping[str, str | Sequence[str] | None]


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field: `code` is `required` or a kind's `Invalid` code."""

    field: str
    code: str
    params: dict = attribute(default_factory=dict)


@dataclass(frozen=True)
class Checked:
    """The answers of the answered items (item id -> value as its kind parsed it:
    int 1-5 | "not_used" | choice | [choices] | "yes"/"no" | float | str), or problems."""

    items: dict[str, dict]
    values: dict
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def rows(self) -> list[dict]:
        """The answer rows these answers write (comments are not rows)."""
        return rows_and_comments(self.items, self.values)[0]


def validate(definition: dict, raw: Raw) -> Checked:
    """Parse and check every item of `definition` against `raw` (see the module doc)."""
    items = items_of(definition)
    values: dict = {}
    problems: list[Problem] = []
    for item_id, item in items.items():
        kind = kinds.get(item["type"])
        sent = _strings(raw.get(item_id))
        if not any(value.strip() for value in sent):
            if item.get("required"):
                problems.append(Problem(item_id, REQUIRED))
            continue
        try:
            value = kind.parse(item, sent)
        except Invalid as invalid:
            problems.append(Problem(item_id, invalid.code, invalid.params))
            continue
        if value != "":  # a second copy of a field carried the text, not the first
            values[item_id] = value
    return Checked(items, values, problems)


def _strings(sent) -> list[str]:
    if sent is None:
        return []
    if isinstance(sent, str):
        return [sent]
    return [value if isinstance(value, str) else str(value) for value in sent]


def rows_and_comments(items: dict, answers: dict) -> tuple[list[dict], list[dict]]:
    """Answer rows and comments of the answered items, as their kinds write them."""
    rows: list[dict] = []
    comments: list[dict] = []
    for item_id, value in answers.items():
        kind = kinds.get(items[item_id]["type"])
        if value is None or value == "" or value == []:
            continue
        if kind.comment:
            comments.append({"item_code": item_id, "text": value.strip()})
        else:
            rows.extend({"item_code": item_id, **row} for row in kind.rows(value))
    return rows, comments
