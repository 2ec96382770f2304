"""Security headers on every route, and the cookie and HTTPS settings.

The walk goes over `app.url_map` as it is when the test runs, so a route added
later is covered without touching this file. URL arguments are filled from seeded
rows when their name says what they are, otherwise with a dummy (a 404 is fine:
error pages need the headers too). Each route is visited anonymously, as a
logged-in admin and, for the API, with a valid key.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from seeding import add_responses
from sqlalchemy import select

from survey_app.config import from_environment
from survey_app.extensions import db
from survey_app.models import Agency, Campaign, Comment, Counter, Sector, StaffUser
from survey_app.services.access import api_keys
from survey_app.services.responses import invitations

WALKED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _seeded_values(app: Flask) -> dict:
    """Real values for URL arguments, by the argument's name."""
    with app.app_context():
        key, _ = api_keys.create("ttphc-tinh", "header walk")
        token = invitations.issue(api_keys.authenticate(key), "ttphc-dat-dai").token
        response = add_responses(1, scores=5, agency="ttphc-tinh", sector="dat-dai",
                                 counter="ttphc-dat-dai")[0]
        response.comments.append(Comment(item_code="q_comment", text="Cán bộ tận tình."))
        db.session.commit()
        first = lambda model: db.session.execute(select(model).limit(1)).scalar_one_or_none()  # noqa: E731
        counter, agency, sector = first(Counter), first(Agency), first(Sector)
        comment, user, campaign = first(Comment), first(StaffUser), first(Campaign)
        return {
            "key": key, "token": token, "counter": counter.code, "agency": agency.code,
            "sector": sector.code, "comment": comment.id, "user": user.id,
            "response": comment.response_id,
            "campaign": campaign.id if campaign else 1,
            "filename": "app.css",
        }


def _argument(name: str, converter: str, values: dict):
    for word, value in values.items():
        if word in name and word not in {"key"}:
            if converter == "IntegerConverter" and not isinstance(value, int):
                continue
            return value
    return 1 if converter == "IntegerConverter" else "x"


def _urls(app: Flask, values: dict):
    """(method, url) for every rule: GET where allowed, else each method it accepts."""
    for rule in app.url_map.iter_rules():
        arguments = {
            name: _argument(name, type(rule._converters[name]).__name__, values)
            for name in rule.arguments
        }
        path = rule.build(arguments, append_unknown=False)[1]
        methods = ["GET"] if "GET" in rule.methods else [
            m for m in WALKED_METHODS if m in rule.methods
        ]
        for method in methods:
            yield rule.endpoint, method, path


def _assert_headers(response, where: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip()
    )
    assert "script-src" in directives, where
    assert "unsafe-inline" not in directives["script-src"], where
    assert "unsafe-eval" not in directives["script-src"], where
    assert directives.get("frame-ancestors") == "'none'", where
    assert directives.get("object-src") == "'none'", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") == "no-referrer", where
    # The test app's public address is HTTPS, so HSTS is always sent.
    assert "max-age=" in headers.get("Strict-Transport-Security", ""), where
    assert not re.search(r"\d", headers.get("Server", "")), where
    assert response.status_code < 500, where


def test_every_route_sends_the_security_headers(app, staff, reference_data):
    staff.create("walker", "admin")
    values = _seeded_values(app)
    anonymous = app.test_client()
    staff.login("walker")
    visits = 0
    for endpoint, method, path in _urls(app, values):
        for client, headers in (
            (anonymous, {}),
            (staff.client, {}),
            (anonymous, {"Authorization": f"Bearer {values['key']}"}),
        ):
            response = client.open(path, method=method, headers=headers)
            response.close()  # static files are streamed from an open file
            _assert_headers(response, f"{method} {path} ({endpoint}) -> {response.status_code}")
            visits += 1
    assert visits >= 3 * 8  # the walk did reach the app's routes


def test_pages_with_personal_data_or_tokens_are_not_cached(app, staff, reference_data):
    staff.create("walker", "admin")
    staff.login("walker")
    assert staff.client.get("/staff/").headers["Cache-Control"] == "no-store"
    assert "no-store" in app.test_client().get("/t/AAAAAAAAAAAAAAAAAAAAAA").headers[
        "Cache-Control"]


def test_session_cookie_is_httponly_samesite_and_secure_in_production(extra_app):
    app = extra_app(SESSION_COOKIE_SECURE=True)
    response = app.test_client().get("/staff/login")
    cookie = response.headers.get("Set-Cookie", "")
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie


@pytest.mark.parametrize(("env", "secure"), [
    ({"PUBLIC_BASE_URL": "https://khaosat.vinhlong.gov.vn"}, True),
    ({"PUBLIC_BASE_URL": "http://127.0.0.1:5000"}, False),
    ({}, False),
    ({"PUBLIC_BASE_URL": "https://khaosat.vinhlong.gov.vn", "SESSION_COOKIE_SECURE": "0"}, False),
    ({"PUBLIC_BASE_URL": "http://10.0.0.5", "SESSION_COOKIE_SECURE": "true"}, True),
])
def test_secure_cookies_follow_the_public_address(env, secure):
    assert from_environment(env)["SESSION_COOKIE_SECURE"] is secure


def test_no_hsts_on_plain_http_development(extra_app):
    app = extra_app(PUBLIC_BASE_URL="http://127.0.0.1:5000")
    assert "Strict-Transport-Security" not in app.test_client().get("/").headers
    secure = app.test_client().get("/", base_url="https://localhost")
    assert "Strict-Transport-Security" in secure.headers


def test_trusted_proxy_gives_the_client_address_and_scheme(extra_app):
    app = extra_app(PUBLIC_BASE_URL="http://127.0.0.1:5000", TRUSTED_PROXIES=1)
    seen = {}

    @app.get("/_probe")
    def probe():
        from flask import request

        seen.update(addr=request.remote_addr, secure=request.is_secure)
        return "ok"

    response = app.test_client().get("/_probe", headers={
        "X-Forwarded-For": "203.0.113.9, 198.51.100.7", "X-Forwarded-Proto": "https"})
    # Only the last hop (the trusted proxy's view of the client) counts.
    assert seen == {"addr": "198.51.100.7", "secure": True}
    assert "Strict-Transport-Security" in response.headers


def test_untrusted_forwarded_headers_are_ignored(extra_app):
    app = extra_app(PUBLIC_BASE_URL="http://127.0.0.1:5000")
    seen = {}

    @app.get("/_probe")
    def probe():
        from flask import request

        seen.update(addr=request.remote_addr)
        return "ok"

    app.test_client().get("/_probe", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen == {"addr": "127.0.0.1"}
