"""text: free text, stored as a comment (personal data), never as an answer row."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import TextAreaField
from wtforms.validators import Length

from survey_app.i18n import pick
from survey_app.services.questionnaires.kinds.base import Kind, presence

TEXT_MAX_LENGTH = 2000


def _normalise_text(value):
    # A browser counts a line break as one character against maxlength but sends
    # CRLF; normalising first keeps its limit and ours the same.
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


class Text(Kind):
    name = "text"
    keys = frozenset({"max_length", "personal"})
    comment = True
    cell_error = "too_long"

    def limit(self, item: dict) -> int:
        return min(item.get("max_length", TEXT_MAX_LENGTH), TEXT_MAX_LENGTH)

    def field(self, item, definition, lang):
        limit = self.limit(item)
        message = _("Please keep this to at most %(limit)s characters.", limit=limit)
        return TextAreaField(
            pick(item["label"], lang), filters=[_normalise_text],
            render_kw={"maxlength": limit, "rows": 4},
            validators=[*presence(item), Length(max=limit, message=message)],
        )

    def rows(self, value):
        return []

    def allowed(self, item, words):
        return words["text"].format(limit=self.limit(item))


KIND = Text()
