"""What every question kind says about itself; `Kind` gives the common defaults.

A kind is one object (`KIND` in its module) with:

- `keys`: the optional item keys only this kind may carry (checked in questionnaire files);
- `declaration_problems(item)`: what else a file must say for such an item;
- `parse(item, values)`: an answered item's raw values (strings, as a form posts them)
  as its answer value, or `Invalid(code, **params)` when they do not fit the item;
- `field(item, definition, lang)`: the WTForms field that renders it on the web and
  paper-entry forms (rendering only: `services.responses.answers` does the checking);
- `rows(value)`: the answer rows it writes (`score` / `choice` / `number`), none for text;
- `from_cell(item, text)`: a spreadsheet cell as the raw values a form would post;
- `allowed(item, words)`: what a cell may hold, in words (paper template, error reports);
- `demo(rng, item)`: a plausible `(choice, number)` for the demo data, or None.
"""

from __future__ import annotations

import unicodedata

from wtforms import Field, RadioField

from survey_app.services.questionnaires.fields import RequiredMark

NOT_USED = "not_used"  # the stored choice of "not used / no opinion" on a scale5 item
NO_ROW = {"score": None, "choice": None, "number": None}


class Invalid(ValueError):
    """Raw values an item cannot take: `code` says why, `params` what the message needs.

    Codes: not_one_of, not_number, out_of_range (low, high), too_long (limit),
    control_character (NUL or a lone surrogate in text); the
    edges (web form, paper import) turn them into sentences.
    """

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


class Kind:
    name = ""
    keys: frozenset[str] = frozenset()
    grouped = False  # a radio group or checkboxes: a fieldset with a legend
    comment = False  # its answers are comments (personal data), not answer rows

    def declaration_problems(self, item: dict) -> list[str]:
        return []

    def field(self, item: dict, definition: dict, lang: str) -> Field:
        raise NotImplementedError(self.name)

    def parse(self, item: dict, values: list[str]):
        """One of the item's choices (the first value: a radio group posts one)."""
        value = values[0]
        if value not in self.choices(item):
            raise Invalid("not_one_of")
        return value

    def choices(self, item: dict) -> list[str]:
        raise NotImplementedError(self.name)

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


def marks(item: dict) -> list:
    """The flags a field renders with (`required`); no validator checks an answer here."""
    return [RequiredMark()] if item.get("required") else []


def radio(label: str, choices: list, item: dict) -> RadioField:
    return RadioField(label, choices=choices, validate_choice=False, validators=marks(item))
