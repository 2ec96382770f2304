"""multiple_choice: any of the item's options, one answer row per option chosen."""

from __future__ import annotations

import re

from survey_app.i18n import pick
from survey_app.services.questionnaires.fields import CheckboxesField
from survey_app.services.questionnaires.kinds.base import NO_ROW, Invalid, marks
from survey_app.services.questionnaires.kinds.single_choice import (
    SingleChoice,
    listed,
    option_choices,
    option_of,
)


class MultipleChoice(SingleChoice):
    name = "multiple_choice"

    def field(self, item, definition, lang):
        return CheckboxesField(pick(item["label"], lang), choices=option_choices(item, lang),
                               validate_choice=False, validators=marks(item))

    def parse(self, item, values):
        # Every value posted counts: a forged one among good ones refuses the answer.
        choices = self.choices(item)
        if any(value not in choices for value in values):
            raise Invalid("not_one_of")
        return list(values)

    def rows(self, value):
        return [{**NO_ROW, "choice": choice} for choice in value]

    def from_cell(self, item, text):
        return [option_of(item, part) for part in re.split(r"[;,]", text) if part.strip()]

    def allowed(self, item, words):
        return f"{listed(item)} ({words['several']})"


KIND = MultipleChoice()
