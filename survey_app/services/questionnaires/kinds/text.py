"""text: free text, stored as a comment (personal data), never as an answer row."""

from __future__ import annotations

from wtforms import TextAreaField

from survey_app.i18n import pick
from survey_app.services.questionnaires.kinds.base import Invalid, Kind, marks
from survey_app.text_input import ControlCharacter, clean

TEXT_MAX_LENGTH = 2000


def normalise_text(value):
    # A browser counts a line break as one character against maxlength but sends
    # CRLF; normalising first keeps its limit and ours the same.
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


class Text(Kind):
    name = "text"
    keys = frozenset({"max_length", "personal"})
    comment = True

    def limit(self, item: dict) -> int:
        return min(item.get("max_length", TEXT_MAX_LENGTH), TEXT_MAX_LENGTH)

    def field(self, item, definition, lang):
        return TextAreaField(
            pick(item["label"], lang), filters=[normalise_text],
            render_kw={"maxlength": self.limit(item), "rows": 4}, validators=marks(item),
        )

    def parse(self, item, values):
        try:
            value = normalise_text(clean(values[0], multiline=True))
        except ControlCharacter:
            raise Invalid("control_character") from None
        limit = self.limit(item)
        if len(value) > limit:
            raise Invalid("too_long", limit=limit)
        return value

    def rows(self, value):
        return []

    def allowed(self, item, words):
        return words["text"].format(limit=self.limit(item))


KIND = Text()
