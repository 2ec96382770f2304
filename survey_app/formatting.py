"""Numbers, dates and name order in the reader's language, through Babel and ICU.

One place decides how a figure is written: pages (as Jinja filters), charts (as the
formatter passed to `analysis.charts`), PDF/XLSX labels and CLI output. In `vi` a
rate reads "90,3 %" and a count "25.445", dates dd/mm/yyyy; in `en` "90.3%",
"25,445". Names are sorted by the language's collation ("Đất đai" before "Giáo dục",
"Y tế" last), not by code point, which puts every "Đ…" after "Y…".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import cache
from typing import TypeVar

import icu
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from flask import Flask, has_request_context
from flask_babel import get_locale

from survey_app.i18n import local_time

T = TypeVar("T")
DEFAULT_LOCALE = "vi"
# Vietnamese offices write a space before the percent sign (the house style of the
# province's reports); CLDR's vi pattern has none.
SPACED_PERCENT = {"vi"}
DATE_FORMATS = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
TIME_FORMATS = {"vi": "HH:mm", "en": "HH:mm"}
EMPTY = "—"


def current_locale() -> str:
    """The request's language; "vi" outside a request (CLI, reports for Home Affairs)."""
    if has_request_context():
        return str(get_locale() or DEFAULT_LOCALE)
    return DEFAULT_LOCALE


def percent(value: float | None, decimals: int = 1, locale: str | None = None) -> str:
    """A fraction (0.903) as a percentage with `decimals` places: "90,3 %" / "90.3%"."""
    if value is None:
        return EMPTY
    locale = locale or current_locale()
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    pattern += " %" if locale in SPACED_PERCENT else "%"
    return format_percent(value, pattern, locale=locale, decimal_quantization=True)


def threshold(value: float | None, locale: str | None = None) -> str:
    """A target (0.9, 0.975) with only the places it needs: "90 %", "97,5 %"."""
    if value is None:
        return EMPTY
    return percent(value, _places(100 * value), locale)


def number(value: float | None, decimals: int = 0, locale: str | None = None) -> str:
    """A count with the locale's thousands separator: "25.445" / "25,445"."""
    if value is None:
        return EMPTY
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, pattern, locale=locale or current_locale())


def interval(low: float | None, high: float | None, decimals: int = 1,
             locale: str | None = None) -> str:
    """A confidence interval as "88,1–92,3 %" (the sign once, after the upper end)."""
    if low is None or high is None:
        return EMPTY
    locale = locale or current_locale()
    lower = number(100 * low, decimals, locale)
    return f"{lower}–{percent(high, decimals, locale)}"


def change(value: float | None, decimals: int = 1, locale: str | None = None) -> str:
    """A difference of two rates in percentage points, always signed: "+1,2" / "−0,4"."""
    if value is None:
        return EMPTY
    places = "." + "0" * decimals if decimals > 0 else ""
    return format_decimal(100 * value, f"+#,##0{places};-#,##0{places}",
                          locale=locale or current_locale())


def day(value: date | datetime | None, locale: str | None = None) -> str:
    """A date: "01/12/2026" in vi, "1 Dec 2026" in en. Datetimes are shown local."""
    if value is None:
        return EMPTY
    locale = locale or current_locale()
    if isinstance(value, datetime):
        value = local_time(value).date()
    return format_date(value, DATE_FORMATS.get(locale, "medium"), locale=locale)


def moment(value: datetime | None, locale: str | None = None) -> str:
    """A stored UTC time as the province's local date and time: "01/12/2026 14:05"."""
    if value is None:
        return EMPTY
    locale = locale or current_locale()
    local = local_time(value)
    return f"{day(local.date(), locale)} {local:%H:%M}"


@cache
def _collator(locale: str) -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale(locale))


def name_key(text: str | None, locale: str | None = None) -> bytes:
    """The collation key of a name, for `sorted(..., key=...)`."""
    return _collator(locale or current_locale()).getSortKey(text or "")


def sort_by_name(items: Iterable[T], name: Callable[[T], str | None],
                 locale: str | None = None) -> list[T]:
    """`items` in the language's alphabetical order of `name(item)`."""
    locale = locale or current_locale()
    return sorted(items, key=lambda item: name_key(name(item), locale))


def local_name(row, locale: str | None = None) -> str:
    """A row's `name_en` on English pages (when it has one), else its `name_vi`."""
    english = (locale or current_locale()) == "en"
    return (row.name_en if english and row.name_en else row.name_vi) or ""


def sort_by_local_name(rows: Iterable[T], locale: str | None = None) -> list[T]:
    """Agencies, sectors …: by the name the page shows, in the page language's order."""
    locale = locale or current_locale()
    return sort_by_name(rows, lambda row: local_name(row, locale), locale)


def person_key(name: str | None, locale: str | None = None) -> tuple[bytes, bytes]:
    """The sort key of a person's name written the Vietnamese way (family, middle, given).

    A Vietnamese list of people is ordered by the given name, the last word, then by the
    whole name (Vietnamese collation); an English one by the family name, which is the
    first word, so by the name as written (English collation: "Đ" with "D")."""
    locale = locale or current_locale()
    words = (name or "").split()
    first = words[-1] if words and locale == "vi" else " ".join(words)
    return name_key(first, locale), name_key(" ".join(words), locale)


def sort_people(items: Iterable[T], name: Callable[[T], str | None],
                locale: str | None = None) -> list[T]:
    """`items` in the order a list of people takes in the page's language (`person_key`)."""
    locale = locale or current_locale()
    return sorted(items, key=lambda item: person_key(name(item), locale))


def chart_percent(locale: str | None = None) -> Callable[[float, int], str]:
    """The (fraction, decimals) -> text function `analysis.charts` writes rates with."""
    locale = locale or current_locale()
    return lambda value, decimals: percent(value, decimals, locale)


def register(app: Flask) -> None:
    """Template filters `pct`, `threshold`, `num`, `change`, `day`, `moment`; `interval_text`."""
    app.add_template_filter(percent, "pct")
    app.add_template_filter(threshold, "threshold")
    app.add_template_filter(number, "num")
    app.add_template_filter(change, "change")
    app.add_template_filter(day, "day")
    app.add_template_filter(moment, "moment")
    app.add_template_global(interval, "interval_text")


def _places(points: float) -> int:
    """The fewest decimal places (at most 2) that write `points` exactly."""
    for places in range(2):
        if abs(round(points, places) - points) < 1e-9:
            return places
    return 2
