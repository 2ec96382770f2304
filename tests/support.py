"""Helpers for tests: app construction, CSRF tokens, staff accounts, missing parts."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from survey_app import create_app
from survey_app.extensions import db

PROJECT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
PUBLIC_BASE_URL = "https://khaosat.vinhlong.example"


def missing_part(reason: str):
    """Fail in CI, skip (visibly) elsewhere."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def make_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
    }
    config.update(overrides)
    return create_app(config)


CSRF_FIELD = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


def csrf_token_from(html: str) -> str:
    """The CSRF token rendered into a page's form."""
    match = CSRF_FIELD.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


class StaffActions:
    """Create staff accounts and log in through the real login form.

    Requests run outside any app context the test holds, as in production (Flask
    would otherwise reuse it, and cached objects such as the logged-in user with it).
    """

    PASSWORD = "correct horse battery staple"

    def __init__(self, app, client):
        self.app = app
        self.client = client

    def create(self, username="admin", role="admin", scopes=()) -> int:
        """Create an account; `scopes` are StaffScope(sector_id=…, agency_id=…) rows."""
        from survey_app.services import accounts

        with self.app.app_context():
            user = accounts.create_user(username, self.PASSWORD, role)
            for scope in scopes:
                user.scopes.append(scope)
            db.session.commit()
            return user.id

    def login(self, username="admin", password=PASSWORD):
        page = self.client.get("/staff/login")
        return self.client.post(
            "/staff/login",
            data={"username": username, "password": password,
                  "csrf_token": csrf_token_from(page.get_data(as_text=True))},
        )
