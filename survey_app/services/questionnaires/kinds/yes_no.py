"""yes_no: a yes-or-no question, stored as the choice "yes" or "no"."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import SelectChoice

from survey_app.i18n import pick
from survey_app.services.questionnaires.kinds.base import Kind, fold, radio

YES = {"co", "yes", "y", "c", "1"}
NO = {"khong", "no", "n", "k", "0"}


class YesNo(Kind):
    name = "yes_no"
    grouped = True

    def field(self, item, definition, lang):
        choices = [SelectChoice("yes", _("Yes")), SelectChoice("no", _("No"))]
        return radio(pick(item["label"], lang), choices, item)

    def choices(self, item):
        return ["yes", "no"]

    def from_cell(self, item, text):
        folded = fold(text)
        return "yes" if folded in YES else "no" if folded in NO else text

    def allowed(self, item, words):
        return words["yes_no"]

    def demo(self, rng, item):
        return ("yes" if rng.random() < 0.8 else "no"), None


KIND = YesNo()
