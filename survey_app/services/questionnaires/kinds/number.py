"""number: a number, within the item's min/max when it gives them."""

from __future__ import annotations

from flask_babel import gettext as _

from survey_app.i18n import pick
from survey_app.services.questionnaires.fields import NumberField, NumberRange, parse_number
from survey_app.services.questionnaires.kinds.base import NO_ROW, Kind, presence


def _message(low, high) -> str:
    if low is not None and high is not None:
        return _("Please enter a number from %(low)s to %(high)s.", low=low, high=high)
    if low is not None:
        return _("Please enter a number of at least %(low)s.", low=low)
    if high is not None:
        return _("Please enter a number of at most %(high)s.", high=high)
    return _("Please enter a number.")


class Number(Kind):
    name = "number"
    keys = frozenset({"min", "max"})
    cell_error = "not_number"
    default_range: tuple[float | None, float | None] = (None, None)

    def bounds(self, item: dict) -> tuple[float | None, float | None]:
        return item.get("min", self.default_range[0]), item.get("max", self.default_range[1])

    def declaration_problems(self, item):
        low, high = item.get("min"), item.get("max")
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (low, high))
        return ["min is greater than max"] if numbers and low > high else []

    def field(self, item, definition, lang):
        low, high = self.bounds(item)
        attributes = {"inputmode": "decimal"}
        if low is not None:
            attributes["min"] = low
        if high is not None:
            attributes["max"] = high
        return NumberField(
            pick(item["label"], lang), render_kw=attributes,
            validators=[*presence(item),
                        NumberRange(low, high, _message(low, high), _("Please enter a number."))],
        )

    def value(self, data):
        data = super().value(data)
        return None if data is None else parse_number(data)

    def rows(self, value):
        return [{**NO_ROW, "number": float(value)}]

    def allowed(self, item, words):
        low, high = self.bounds(item)
        if low is not None and high is not None:
            return words["range"].format(low=f"{low:g}", high=f"{high:g}")
        return words["number"]

    def demo(self, rng, item):
        low = item.get("min", 0)
        high = min(item.get("max", low + 100), low + 70)
        return None, float(rng.integers(low, high + 1))


KIND = Number()
