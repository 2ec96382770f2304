"""What every question kind says about itself; `Kind` gives the common defaults.

A kind is one object (`KIND` in its module) with:

- `keys`: the optional item keys only this kind may carry (checked in questionnaire files);
- `declaration_problems(item)`: what else a file must say for such an item;
- `field(item, definition, lang)`: the WTForms field of the web and paper-entry forms;
- `value(data)`: the field's data as the answer value (`None` when unanswered);
- `rows(value)`: the answer rows it writes (`score` / `choice` / `number`), none for text;
- `from_cell(item, text)`: a spreadsheet cell as the form would have posted it;
- `allowed(item, words)`: what a cell may hold, in words (paper template, error reports);
- `cell_error`: the paper-import error code when a cell does not fit;
- `demo(rng, item)`: a plausible `(choice, number)` for the demo data, or None.
"""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _
from wtforms import Field, RadioField

from survey_app.services.questionnaires.fields import OneOf, Optional, Required

NOT_USED = "not_used"  # the stored choice of "not used / no opinion" on a scale5 item
NO_ROW = {"score": None, "choice": None, "number": None}


class Kind:
    name = ""
    keys: frozenset[str] = frozenset()
    grouped = False  # a radio group or checkboxes: a fieldset with a legend
    comment = False  # its answers are comments (personal data), not answer rows
    cell_error = "not_one_of"

    def declaration_problems(self, item: dict) -> list[str]:
        return []

    def field(self, item: dict, definition: dict, lang: str) -> Field:
        raise NotImplementedError(self.name)

    def value(self, data):
        return None if data is None or data == "" or data == [] else data

    def rows(self, value) -> list[dict]:
        return [{**NO_ROW, "choice": str(value)}]

    def from_cell(self, item: dict, text: str):
        return text

    def allowed(self, item: dict, words: dict) -> str:
        raise NotImplementedError(self.name)

    def demo(self, rng, item: dict) -> tuple[str | None, float | None] | None:
        return None


def fold(text: str) -> str:
    """Lower case without diacritics, for codes people type by hand (KSD, có, không)."""
    decomposed = unicodedata.normalize("NFD", text.strip().lower().replace("đ", "d"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def presence(item: dict) -> list:
    if item.get("required"):
        return [Required(_("Please answer this question."))]
    return [Optional()]


def radio(label: str, choices: list, item: dict) -> RadioField:
    invalid = _("Please choose one of the answers shown.")
    return RadioField(
        label, choices=choices, validate_choice=False,
        validators=[*presence(item), OneOf([c.value for c in choices], invalid)],
    )
