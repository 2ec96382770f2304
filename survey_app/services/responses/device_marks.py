"""Marking repeat answers from one device to one counter on one local day.

The open QR of a counter (/c/…) can be answered by anyone, any number of times.
Blocking repeats would also block a family sharing a phone, so repeats are
*recorded*, not refused: a response sent from a browser that already answered the
same counter today gets `responses.repeat_device = true`, and analysis can show
their share, or leave them out.

The mark is a signed cookie (itsdangerous, its own salt, independent of the
Flask session) holding only the local date and the counters answered that day:

- it identifies nobody: no random id, nothing the server keeps; two responses of
  one device cannot be linked to each other in the database (each only carries
  its own true/false);
- it is HttpOnly, SameSite=Lax, Secure when the site is HTTPS, and lives one day;
- a forged or stale cookie is ignored (the answer then counts as a first one);
- clearing cookies or a private window escapes it: this measures casual repeats,
  the rate limits per address and per counter cap scripted stuffing.

`mark(…)` is the only function that touches the request; the rest is plain data.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import after_this_request, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from survey_app.i18n import local_time
from survey_app.models import utcnow
from survey_app.vocabulary import Channel

COOKIE = "sv_mark"
SALT = "device-marks-v1"
MAX_AGE = 24 * 3600
MAX_COUNTERS = 30  # a phone answering more counters than this in a day is no citizen
# Channels open to anyone (a transaction link is single-use already). A kiosk is one
# tablet shared by everyone at the counter: its faces page, shown afresh for each
# person, forgets the counter (`forget`), so only a second answer sent without it (a
# script replaying its POST, Back and send again) is marked.
OPEN_CHANNELS = frozenset({Channel.COUNTER, Channel.LINK, Channel.KIOSK})


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def read(value: str | None, secret_key: str, today: date) -> set[str]:
    """The places this device answered today, from its cookie (empty if absent/forged/old)."""
    if not value or len(value) > 4096:
        return set()
    try:
        data = _serializer(secret_key).loads(value, max_age=MAX_AGE)
    except BadSignature:
        return set()
    if not isinstance(data, dict) or data.get("d") != today.isoformat():
        return set()
    places = data.get("p")
    if not isinstance(places, list):
        return set()
    return {p for p in places if isinstance(p, str)}


def write(places: set[str], secret_key: str, today: date) -> str:
    kept = sorted(places)[:MAX_COUNTERS]
    return _serializer(secret_key).dumps({"d": today.isoformat(), "p": kept})


def place_key(counter_id: int | None, agency_id: int, campaign_id: int | None) -> str:
    """What 'the same counter' means: the counter, or a campaign's facility (agency)."""
    if counter_id is not None:
        return f"c{counter_id}"
    return f"a{agency_id}-{campaign_id or 0}"


def local_day(now: datetime | None = None) -> date:
    return local_time(now or utcnow()).date()


def mark(channel: str, counter_id: int | None, agency_id: int,
         campaign_id: int | None = None) -> bool:
    """Whether this answer repeats one from this browser today; remembers it in the reply.

    Called by the public submit view just before storing a response. The cookie is
    set on whatever reply this request sends (after_this_request).
    """
    if channel not in OPEN_CHANNELS:
        return False
    secret, today = current_app.config["SECRET_KEY"], local_day()
    places = read(request.cookies.get(COOKIE), secret, today)
    key = place_key(counter_id, agency_id, campaign_id)
    repeat = key in places
    _remember(write(places | {key}, secret, today))
    return repeat


def forget(counter_id: int | None, agency_id: int, campaign_id: int | None = None) -> None:
    """A new person at a shared kiosk: this browser's next answer there is a first one."""
    secret, today = current_app.config["SECRET_KEY"], local_day()
    places = read(request.cookies.get(COOKIE), secret, today)
    key = place_key(counter_id, agency_id, campaign_id)
    if key in places:
        _remember(write(places - {key}, secret, today))


def _remember(value: str) -> None:
    """Set the cookie on whatever reply this request sends."""
    @after_this_request
    def _set_cookie(response):
        response.set_cookie(
            COOKIE, value, max_age=MAX_AGE, httponly=True, samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")), path="/",
        )
        return response
