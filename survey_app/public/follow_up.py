"""Who may add a second page to a response: the browser that sent the first, for a while.

Sending a first page (a counter's or a link's form, a kiosk's face) sets the cookie
`sv_more`: signed (its own salt), HttpOnly, SameSite=Lax, holding a random nonce and
the first page's submission id, and valid for a short time. The thank-you page's
link names the nonce only; the second page opens when the link's nonce is the
cookie's. So the link works in that browser alone, once (the cookie is dropped when
the second page is stored), and not after the window; on a kiosk the faces page
drops it too, so the next person at the tablet cannot reach the previous one's
second page through Back or the history. Nothing of the answer is in the address.
"""

from __future__ import annotations

import hmac
import secrets

from flask import after_this_request, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "sv_more"
SALT = "follow-up-v1"
# Time to read the thank-you page and answer the criteria: on a phone, and at a
# kiosk where the next person is waiting.
WINDOW_SECONDS = {"web": 30 * 60, "kiosk": 10 * 60}


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def grant(submission_id: str, where: str = "web") -> str:
    """Let this browser add to the response `submission_id`; returns the link's nonce."""
    nonce = secrets.token_urlsafe(12)
    value = _serializer().dumps([nonce, submission_id, where])
    _on_reply(lambda reply: reply.set_cookie(
        COOKIE, value, max_age=WINDOW_SECONDS[where], httponly=True, samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")), path="/"))
    return nonce


def granted(nonce: str | None) -> str | None:
    """The submission id this browser may add to through the link `nonce`, if any."""
    value = request.cookies.get(COOKIE)
    if not nonce or not value or len(value) > 512:
        return None
    try:
        held, submission_id, where = _serializer().loads(value)
        _serializer().loads(value, max_age=WINDOW_SECONDS[where])
    except (BadSignature, ValueError, TypeError, KeyError):
        return None
    if not isinstance(held, str) or not hmac.compare_digest(held, nonce):
        return None
    return submission_id if isinstance(submission_id, str) else None


def revoke() -> None:
    """Drop the grant (second page stored, or the next person at a kiosk)."""
    if COOKIE in request.cookies:
        _on_reply(lambda reply: reply.delete_cookie(COOKIE, path="/"))


def _on_reply(change) -> None:
    @after_this_request
    def _apply(reply):
        change(reply)
        return reply
