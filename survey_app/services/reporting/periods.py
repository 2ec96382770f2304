"""Reporting periods: quarters, halves, years and custom date ranges.

The province reports quarterly, six-monthly and yearly. A period is a range of
*local* days (DISPLAY_TIMEZONE, Asia/Ho_Chi_Minh); `start` and `end` are the UTC
instants of the local midnights that bound it (`end` exclusive), which is what
queries on the UTC `submitted_hour` column need. The zone's offsets are whole
hours (config.py refuses others), so every local midnight falls on a whole UTC
hour and hour-truncated times split cleanly at the boundary.

    >>> parse_period("2025-Q3").label("vi")
    'Quý III/2025'
    >>> parse_period("2025-01-01..2025-03-31").previous().code
    '2024-10-03..2024-12-31'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from survey_app.errors import DomainError
from survey_app.i18n import local_midnight, local_today

KINDS = ("quarter", "half", "year", "custom")
MIN_YEAR, MAX_YEAR = 2000, 2100
# A custom range longer than this is almost surely a typo (and a slow report).
MAX_CUSTOM_DAYS = 10 * 366
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_HALF = re.compile(r"^(\d{4})-[Hh]([12])$")
_YEAR = re.compile(r"^(\d{4})$")
_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


class PeriodError(DomainError):
    """A period string that cannot be read; the message says what is expected."""


@dataclass(frozen=True)
class Period:
    """Local days `first_day`..`last_day` (inclusive) of one kind; see module docstring."""

    kind: str
    first_day: date
    last_day: date

    @property
    def code(self) -> str:
        """The string `parse_period` reads back: 2025-Q3, 2025-H1, 2025 or a..b."""
        year = self.first_day.year
        if self.kind == "quarter":
            return f"{year}-Q{(self.first_day.month - 1) // 3 + 1}"
        if self.kind == "half":
            return f"{year}-H{1 if self.first_day.month == 1 else 2}"
        if self.kind == "year":
            return str(year)
        return f"{self.first_day.isoformat()}..{self.last_day.isoformat()}"

    @property
    def start(self) -> datetime:
        """UTC instant of local midnight at the start of `first_day` (inclusive)."""
        return local_midnight(self.first_day)

    @property
    def end(self) -> datetime:
        """UTC instant of local midnight after `last_day` (exclusive)."""
        return local_midnight(self.last_day + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def label(self, lang: str = "vi") -> str:
        """How the province writes the period: 'Quý III/2025', '6 tháng đầu năm 2025' …"""
        year = self.first_day.year
        first_half = self.first_day.month == 1
        if lang == "en":
            if self.kind == "quarter":
                return f"Q{(self.first_day.month - 1) // 3 + 1} {year}"
            if self.kind == "half":
                return f"{'First' if first_half else 'Second'} half of {year}"
            if self.kind == "year":
                return f"Year {year}"
            return f"{self.first_day:%d/%m/%Y} – {self.last_day:%d/%m/%Y}"
        if self.kind == "quarter":
            return f"Quý {ROMAN[(self.first_day.month - 1) // 3 + 1]}/{year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if first_half else 'cuối'} năm {year}"
        if self.kind == "year":
            return f"Năm {year}"
        return f"{self.first_day:%d/%m/%Y} – {self.last_day:%d/%m/%Y}"

    def previous(self) -> Period:
        """The period of the same kind just before (a custom range: same length before)."""
        if self.kind == "custom":
            last = self.first_day - timedelta(days=1)
            return Period("custom", last - timedelta(days=self.days - 1), last)
        months = {"quarter": 3, "half": 6, "year": 12}[self.kind]
        year, month = self.first_day.year, self.first_day.month - months
        if month < 1:
            year, month = year - 1, month + 12
        return _months(self.kind, year, month, months)

    def year_earlier(self) -> Period:
        """The same period one year earlier (29 February becomes the 28th)."""
        if self.kind != "custom":
            months = {"quarter": 3, "half": 6, "year": 12}[self.kind]
            return _months(self.kind, self.first_day.year - 1, self.first_day.month, months)
        return Period("custom", _a_year_before(self.first_day), _a_year_before(self.last_day))

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def _a_year_before(day: date) -> date:
    return day.replace(year=day.year - 1, day=min(day.day, 28 if day.month == 2 else 31))


def _months(kind: str, year: int, month: int, months: int) -> Period:
    first = date(year, month, 1)
    next_month = month + months
    after = date(year + (next_month - 1) // 12, (next_month - 1) % 12 + 1, 1)
    return Period(kind, first, after - timedelta(days=1))


def quarter(year: int, number: int) -> Period:
    return _months("quarter", year, 3 * (number - 1) + 1, 3)


def half(year: int, number: int) -> Period:
    return _months("half", year, 6 * (number - 1) + 1, 6)


def year_period(year: int) -> Period:
    return _months("year", year, 1, 12)


def quarters_of(year: int) -> list[Period]:
    """The four quarters of a year, in order."""
    return [quarter(year, number) for number in range(1, 5)]


def _check_year(year: int, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError("year_outside", value=text, low=MIN_YEAR, high=MAX_YEAR)


def parse_period(text: str) -> Period:
    """Read `2025-Q3`, `2025-H1`, `2025` or `2025-01-01..2025-03-31` (inclusive days).

    Raises PeriodError with a message that names the accepted forms.
    """
    value = (text or "").strip()
    if match := _QUARTER.match(value):
        _check_year(int(match[1]), value)
        return quarter(int(match[1]), int(match[2]))
    if match := _HALF.match(value):
        _check_year(int(match[1]), value)
        return half(int(match[1]), int(match[2]))
    if match := _YEAR.match(value):
        _check_year(int(match[1]), value)
        return year_period(int(match[1]))
    if match := _CUSTOM.match(value):
        try:
            first, last = date.fromisoformat(match[1]), date.fromisoformat(match[2])
        except ValueError:
            raise PeriodError("date_missing", value=value) from None
        _check_year(first.year, value)
        _check_year(last.year, value)
        if last < first:
            raise PeriodError("period_reversed", value=value)
        if (last - first).days + 1 > MAX_CUSTOM_DAYS:
            raise PeriodError("period_too_long", value=value)
        return Period("custom", first, last)
    raise PeriodError("period_unknown", value=value)


def current_quarter(now: datetime | None = None) -> Period:
    today = local_today(now)
    return quarter(today.year, (today.month - 1) // 3 + 1)


def last_closed_quarter(now: datetime | None = None) -> Period:
    """The most recent quarter that has ended (what public results show)."""
    return current_quarter(now).previous()


def trailing(period: Period, count: int) -> list[Period]:
    """`count` periods ending with `period`, oldest first (for trends)."""
    chain = [period]
    while len(chain) < count:
        chain.append(chain[-1].previous())
    return list(reversed(chain))


def trend_chain(period: Period) -> list[Period]:
    """The periods a trend of `period` shows: a year's or half-year's own quarters, a
    quarter's (or a custom range's) last four periods, oldest first."""
    if period.kind not in ("year", "half"):
        return trailing(period, 4)
    first = (period.first_day.month - 1) // 3 + 1
    count = 4 if period.kind == "year" else 2
    return [quarter(period.first_day.year, number) for number in range(first, first + count)]
