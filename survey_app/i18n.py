"""Language and time zone: Vietnamese by default, English by a visible switch.

Times are stored in UTC and shown in the DISPLAY_TIMEZONE setting (Asia/Ho_Chi_Minh
unless configured otherwise); a local date is turned into UTC bounds here too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context, request, session

from survey_app.config import DEFAULT_TIMEZONE

LANGUAGES = ("vi", "en")  # the catalogues in survey_app/translations, Vietnamese first


def select_locale() -> str:
    """?lang= switches and is remembered in the session; otherwise Vietnamese."""
    requested = request.args.get("lang")
    if requested in LANGUAGES:
        session["lang"] = requested
        return requested
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["DISPLAY_TIMEZONE"]


def display_zone() -> ZoneInfo:
    """The app's DISPLAY_TIMEZONE (the default outside an app, e.g. in pure unit tests)."""
    name = current_app.config["DISPLAY_TIMEZONE"] if has_app_context() else DEFAULT_TIMEZONE
    return ZoneInfo(name)  # ZoneInfo caches its instances by name


def utc_offset_hours() -> int:
    """Hours from UTC to local time: one number all year (config.py refuses other zones)."""
    offset = display_zone().utcoffset(datetime(2026, 1, 1))
    return int(offset / timedelta(hours=1)) if offset is not None else 0


def zone_name(lang: str = "vi") -> str:
    """The zone as documents name it ("giờ Việt Nam"): the province's, else its key."""
    key = display_zone().key
    if key == DEFAULT_TIMEZONE:
        return "Việt Nam" if lang == "vi" else "Vietnam"
    return key


def local_time(moment: datetime) -> datetime:
    """A stored UTC time as the local time, for display."""
    return moment.astimezone(display_zone())


def local_date(moment: datetime) -> date:
    return moment.astimezone(display_zone()).date()


def local_today(now: datetime | None = None) -> date:
    return local_date(now or datetime.now(UTC))


def local_midnight(day: date) -> datetime:
    """The UTC instant at which the local `day` begins (a bound of a period or window)."""
    return local_at(day, time(0))


def local_at(day: date, clock: time) -> datetime:
    """The UTC instant of a local date and clock time."""
    return datetime.combine(day, clock, tzinfo=display_zone()).astimezone(UTC)


def pick(texts: dict, lang: str) -> str:
    """The text of a {vi, en} mapping in `lang`, falling back to Vietnamese."""
    return texts.get(lang) or texts.get("vi") or ""
