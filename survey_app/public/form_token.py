"""Forged posts refused on the anonymous survey forms, without a session cookie.

Staff forms carry Flask-WTF's CSRF token, which lives in the session cookie. A
citizen's browser may refuse cookies, and a survey left open past the token's
lifetime would then be refused with the answers gone. So the survey forms (/c, /t,
/more, /k, /s) carry a token of their own in the same `csrf_token` field: signed
with the app's key (its own salt), naming the page's submission id and path, valid
for WTF_CSRF_TIME_LIMIT. It needs no cookie, and one token is worth one response
(a submission id is stored once).

What the session-bound token also did, tie a post to a page of our own site, is
the browser's `Sec-Fetch-Site` header: a post from another site (a page making its
visitors' browsers answer for it) is refused with 403. Browsers too old to send it
fall back to `Origin` when they send one.

`intent(form)` says what a POST asks: send the answers, switch the language (the
form is shown again in the other language with its answers), or the token is
stale or damaged (the form is shown again with its answers and a fresh token).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from survey_app.i18n import LANGUAGES

FIELD = "csrf_token"
SWITCH = "switch_lang"
SALT = "survey-form-v1"
# Sec-Fetch-Site values of a post from one of our own pages (or typed by hand).
OWN_SITE = {"same-origin", "none"}


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def issue(submission_id: str) -> str:
    """The token of the form with `submission_id` on this page (its path)."""
    return _serializer().dumps([submission_id, request.path])


def template_helpers() -> dict:
    """`survey_token(form)` for the survey templates (the public blueprint's)."""
    return {"survey_token": lambda form: issue(form.submission_id.data)}


def intent(form) -> str:
    """'send', 'switch' (a language button) or 'stale' (token too old or not ours).

    A post from another site ends here with 403.
    """
    refuse_other_sites()
    if request.form.get(SWITCH) in LANGUAGES:
        return "switch"
    return "send" if _valid(request.form.get(FIELD, ""), form) else "stale"


def refuse_other_sites() -> None:
    """403 for a post from another site: the survey forms' check, and the whole check of
    the reply form, whose single-use link is its own secret."""
    if not _from_our_site():
        abort(403)


def _valid(token: str, form) -> bool:
    if not token or len(token) > 512:
        return False
    try:
        signed = _serializer().loads(token, max_age=current_app.config["WTF_CSRF_TIME_LIMIT"])
    except (SignatureExpired, BadSignature):
        return False
    submission_id = form.submission_id.data if "submission_id" in form else None
    return signed == [submission_id, request.path]


def _from_our_site() -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in OWN_SITE
    origin = request.headers.get("Origin")
    if not origin or origin == "null":  # Referrer-Policy no-referrer sends "null"
        return True
    return urlsplit(origin).netloc == request.host
