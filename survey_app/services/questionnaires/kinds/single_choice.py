"""single_choice: one of the item's options (by value, or by its number on paper)."""

from __future__ import annotations

from wtforms import SelectChoice

from survey_app.i18n import pick
from survey_app.services.questionnaires.kinds.base import Kind, fold, radio


def option_choices(item: dict, lang: str) -> list[SelectChoice]:
    return [SelectChoice(o["value"], pick(o["label"], lang)) for o in item["options"]]


def option_of(item: dict, text: str) -> str:
    """A cell's option: its value, or its number in the list (1 = the first)."""
    values = [option["value"] for option in item["options"]]
    text = text.strip()
    if text.isdigit() and 1 <= int(text) <= len(values):
        return values[int(text) - 1]
    folded = fold(text)
    return next((value for value in values if value == folded), text)


def listed(item: dict) -> str:
    return ", ".join(f"{i} = {o['value']}" for i, o in enumerate(item["options"], 1))


class SingleChoice(Kind):
    name = "single_choice"
    keys = frozenset({"options"})
    grouped = True

    def declaration_problems(self, item):
        options = item.get("options")
        if not options:
            return [f"a {self.name} item needs options"]
        values = [o.get("value") for o in options if isinstance(o, dict)
                  and isinstance(o.get("value"), str)]
        return ["option values are not unique"] if len(values) != len(set(values)) else []

    def field(self, item, definition, lang):
        return radio(pick(item["label"], lang), option_choices(item, lang), item)

    def choices(self, item):
        return [option["value"] for option in item["options"]]

    def from_cell(self, item, text):
        return option_of(item, text)

    def allowed(self, item, words):
        return listed(item)

    def demo(self, rng, item):
        options = item["options"]
        return options[int(rng.integers(len(options)))]["value"], None


KIND = SingleChoice()
