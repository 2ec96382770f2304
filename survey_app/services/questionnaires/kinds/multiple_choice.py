"""multiple_choice: any of the item's options, one answer row per option chosen."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from survey_app.i18n import pick
from survey_app.services.questionnaires.fields import CheckboxesField, OneOf
from survey_app.services.questionnaires.kinds.base import NO_ROW, presence
from survey_app.services.questionnaires.kinds.single_choice import (
    SingleChoice,
    listed,
    option_choices,
    option_of,
)


class MultipleChoice(SingleChoice):
    name = "multiple_choice"

    def field(self, item, definition, lang):
        choices = option_choices(item, lang)
        invalid = _("Please choose one of the answers shown.")
        return CheckboxesField(
            pick(item["label"], lang), choices=choices, validate_choice=False,
            validators=[*presence(item), OneOf([c.value for c in choices], invalid)],
        )

    def value(self, data):
        data = super().value(data)
        return None if data is None else list(data)

    def rows(self, value):
        return [{**NO_ROW, "choice": choice} for choice in value]

    def from_cell(self, item, text):
        return [option_of(item, part) for part in re.split(r"[;,]", text) if part.strip()]

    def allowed(self, item, words):
        return f"{listed(item)} ({words['several']})"


KIND = MultipleChoice()
