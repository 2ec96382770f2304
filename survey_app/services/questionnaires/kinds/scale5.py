"""scale5: the five-point satisfaction scale, optionally with "not used / no opinion"."""

from __future__ import annotations

from wtforms import SelectChoice

from survey_app.i18n import pick
from survey_app.services.questionnaires.kinds.base import NO_ROW, NOT_USED, Kind, fold, radio

DEFAULT_SCALE = {
    "1": {"vi": "Rất không hài lòng", "en": "Very dissatisfied"},
    "2": {"vi": "Không hài lòng", "en": "Dissatisfied"},
    "3": {"vi": "Bình thường", "en": "Neutral"},
    "4": {"vi": "Hài lòng", "en": "Satisfied"},
    "5": {"vi": "Rất hài lòng", "en": "Very satisfied"},
}
DEFAULT_NOT_USED = {"vi": "Không sử dụng / Không ý kiến", "en": "Not used / No opinion"}
NOT_USED_CODES = {"ksd", "khong su dung", "not used", "not_used"}
SCORES = ["1", "2", "3", "4", "5"]


def scale_labels(definition: dict) -> dict:
    return definition.get("scale") or DEFAULT_SCALE


def not_used_label(definition: dict) -> dict:
    return definition.get("not_used_label") or DEFAULT_NOT_USED


class Scale5(Kind):
    name = "scale5"
    keys = frozenset({"allow_not_used"})
    grouped = True

    def field(self, item, definition, lang):
        scale = scale_labels(definition)
        choices = [SelectChoice(str(n), f"{n} – {pick(scale[str(n)], lang)}") for n in range(1, 6)]
        if item.get("allow_not_used"):
            choices.append(SelectChoice(NOT_USED, pick(not_used_label(definition), lang)))
        return radio(pick(item["label"], lang), choices, item)

    def choices(self, item):
        return [*SCORES, NOT_USED] if item.get("allow_not_used") else SCORES

    def parse(self, item, values):
        value = super().parse(item, values)
        return value if value == NOT_USED else int(value)

    def rows(self, value):
        if value == NOT_USED:
            return [{**NO_ROW, "choice": NOT_USED}]
        return [{**NO_ROW, "score": int(value)}]

    def from_cell(self, item, text):
        return NOT_USED if fold(text) in NOT_USED_CODES else text

    def allowed(self, item, words):
        return f"1–5 {words['or']} KSD" if item.get("allow_not_used") else "1–5"


KIND = Scale5()
