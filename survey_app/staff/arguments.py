"""Numbers from staff addresses and forms, read one way: an id, a page, or a clear 400.

`str.isdigit()` is true for "²" and "٣", which `int()` then refuses, and a
twenty-digit id overflows PostgreSQL's integer: both were 500s. Every staff view
reads its numbers here; a value that is not a plain id raises `BadQuery`, which
the staff blueprint turns into a 400 page with the message.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

# The largest value of the integer columns ids live in (PostgreSQL `integer`).
MAX_ID = 2**31 - 1
# ASCII digits only: `\d` and `isdigit()` also take other scripts' digits.
_DIGITS = re.compile(r"[0-9]{1,10}")


class BadQuery(ValueError):
    """A query-string or form value that cannot be used; the message is shown with a 400."""


def whole_number(text: str | None, maximum: int = MAX_ID) -> int | None:
    """`text` as a whole number from 0 to `maximum`, or None when it is not one."""
    text = (text or "").strip()
    if not _DIGITS.fullmatch(text) or int(text) > maximum:
        return None
    return int(text)


def optional_id(values, name: str) -> int | None:
    """The id in the query string's `name`: None when absent or empty, BadQuery when
    it is not an id."""
    return _id(values, name, lambda: _("A filter in the address is not valid."))


def form_id(values, name: str) -> int | None:
    """The id chosen in a posted form's `name`, as `optional_id` reads the address."""
    return _id(values, name, lambda: _("A choice in the form is not valid."))


def _id(values, name: str, message) -> int | None:
    text = values.get(name) or ""
    if not text.strip():
        return None
    value = whole_number(text)
    if value is None:
        raise BadQuery(message())
    return value


def page_number(values) -> int:
    """The page asked for (1 when none), BadQuery when it is not a page number."""
    text = values.get("page") or "1"
    value = whole_number(text)
    if value is None or value < 1:
        raise BadQuery(_("The page number in the address is not valid."))
    return value
