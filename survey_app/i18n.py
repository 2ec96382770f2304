"""Language and time zone: Vietnamese by default, English by a visible switch."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, request, session

LANGUAGES = ("vi", "en")  # the catalogues in survey_app/translations, Vietnamese first
DISPLAY_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


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


def local_time(moment: datetime) -> datetime:
    """A stored UTC time as the province's local time, for display."""
    return moment.astimezone(DISPLAY_TZ)


def pick(texts: dict, lang: str) -> str:
    """The text of a {vi, en} mapping in `lang`, falling back to Vietnamese."""
    return texts.get(lang) or texts.get("vi") or ""
