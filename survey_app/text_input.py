"""Text from outside, normalised once at the edge, before anything stores it.

Every path that takes text in calls `clean` (web and staff forms through `InputForm`,
the API, paper imports, the reference and questionnaire loaders):

- NUL and lone surrogates are refused with `ControlCharacter`: PostgreSQL cannot
  store NUL, UTF-8 cannot encode a lone surrogate, and nobody types either;
- other C0 and C1 controls, DEL and U+2028/U+2029 are removed: they hide or reorder
  text on screen, break exports and terminals, and carry nothing a reader needs;
- multi-line text (comments, notes) keeps its line feeds and tabs, a carriage return
  becoming a line feed; in one-line text (names, codes) they become a space.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

_REFUSED = re.compile("[\x00\ud800-\udfff]")
_REMOVED = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAK = re.compile("\r\n?")
_ONE_LINE = re.compile("\r\n?|[\t\n]")
REFUSAL = _l("This text contains a character that cannot be stored (a null character "
             "or a broken one); remove it and send again.")


class ControlCharacter(ValueError):
    """The text holds NUL or a lone surrogate; the message is for the person who sent it."""

    def __init__(self) -> None:
        super().__init__(REFUSAL)  # lazy: translated where it is shown


def clean(text: str, *, multiline: bool = False) -> str:
    """`text` without control characters; ControlCharacter when it holds NUL or a lone
    surrogate."""
    if _REFUSED.search(text):
        raise ControlCharacter
    text = _REMOVED.sub("", text)
    if multiline:
        return _LINE_BREAK.sub("\n", text)
    return _ONE_LINE.sub(" ", text)


class InputForm(FlaskForm):
    """Base of every form: each text field's submitted value goes through `clean`.

    The value is cleaned before the field reads it, so a refused one leaves the field
    at its empty default (and a message among its errors), never holding a NUL or a
    file part that later code would take for text.
    """

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            field = unbound_field.bind(form=form, **options)
            if isinstance(field, StringField) and not isinstance(field, PasswordField):
                _clean_on_input(field, multiline=isinstance(field, TextAreaField))
            return field


def _clean_on_input(field, *, multiline: bool) -> None:
    read = field.process_formdata

    def process_formdata(valuelist):
        texts = [v for v in valuelist if isinstance(v, str)]
        # What the page shows again, and what the answer check reads (raw_data).
        field.raw_data = [clean(_REFUSED.sub("", v), multiline=multiline) for v in texts]
        # A file part where text is expected is refused like a NUL: it is not text.
        if len(texts) < len(valuelist) or any(_REFUSED.search(v) for v in texts):
            raise ControlCharacter
        read(field.raw_data)

    field.process_formdata = process_formdata
