"""number: a number, within the item's min/max when it gives them."""

from __future__ import annotations

from survey_app.i18n import pick
from survey_app.services.questionnaires.fields import NumberField
from survey_app.services.questionnaires.kinds.base import NO_ROW, Invalid, Kind, marks


def parse_number(text) -> float | None:
    """A number as people type it ("3,5" is 3.5, as written in Vietnam); None if not one."""
    text = ("" if text is None else str(text)).strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


class Number(Kind):
    name = "number"
    keys = frozenset({"min", "max"})
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
        return NumberField(pick(item["label"], lang), render_kw=attributes,
                           validators=marks(item))

    def parse(self, item, values):
        value = parse_number(values[0])
        if value is None:
            raise Invalid("not_number")
        low, high = self.bounds(item)
        if (low is not None and value < low) or (high is not None and value > high):
            raise Invalid("out_of_range", low=low, high=high)
        return value

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
