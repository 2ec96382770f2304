"""Helpers for tests: app construction, CSRF tokens, staff accounts, missing parts."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

from survey_app import create_app
from survey_app.extensions import db

PROJECT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
PUBLIC_BASE_URL = "https://khaosat.vinhlong.example"
# The task queue's store for this test run (never the developer's instance/jobs.sqlite3).
JOBS_DIR = Path(tempfile.mkdtemp(prefix="survey-jobs-"))


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
        "JOBS_URL": f"sqlite:///{JOBS_DIR / 'jobs.sqlite3'}",
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
        from survey_app.services.access import accounts

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


HIDDEN_INPUT = re.compile(r"<input\b[^>]*\btype=\"hidden\"[^>]*>")
HTML_ATTRIBUTE = re.compile(r"([\w-]+)=\"([^\"]*)\"")


def hidden_fields_from(html: str) -> dict[str, str]:
    """The hidden inputs of a page's forms (CSRF token, submission id), to send back as a
    browser would."""
    from html import unescape

    fields = {}
    for tag in HIDDEN_INPUT.findall(html):
        attributes = dict(HTML_ATTRIBUTE.findall(tag))
        if "name" in attributes:
            fields[attributes["name"]] = unescape(attributes.get("value", ""))
    return fields


class Citizen:
    """A citizen's phone on the Flask test client: opens a survey page and sends its form
    back with the hidden fields it was given (CSRF token, submission id)."""

    def __init__(self, client, address: str = "198.51.100.7"):
        self.client = client
        self.environ = {"REMOTE_ADDR": address}
        self.page = ""

    def open(self, url: str):
        response = self.client.get(url, environ_base=self.environ)
        self.page = response.get_data(as_text=True)
        return response

    def send(self, url: str, answers: dict, **headers):
        """Post `answers` with the hidden fields of the page opened last."""
        data = {**hidden_fields_from(self.page), **answers}
        response = self.client.post(url, data=data, environ_base=self.environ,
                                    headers=headers)
        self.page = response.get_data(as_text=True)
        return response

    def answer(self, url: str, answers: dict, **headers):
        """Open the form at `url` and send it: what a citizen does."""
        self.open(url)
        return self.send(url, answers, **headers)


def stored_responses(app) -> list[dict]:
    """Every stored response as plain data (read in a context of its own)."""
    from sqlalchemy import select

    from survey_app.models import Response

    with app.app_context():
        rows = db.session.execute(select(Response).order_by(Response.id)).scalars()
        return [{
            "channel": r.channel, "language": r.language, "overall": r.overall_score,
            "counter": r.counter.code if r.counter else None,
            "counter_id": r.counter_id, "agency_id": r.agency_id,
            "sector": r.sector.code if r.sector else None,
            "procedure": r.procedure.code if r.procedure else None,
            "version_id": r.questionnaire_version_id, "hour": r.submitted_hour,
            "submission_id": r.submission_id,
            "answers": {(a.item_code, a.score, a.choice, a.number) for a in r.answers},
            "comments": [(c.text, c.contact_consent, c.contact_name, c.contact_phone,
                          c.contact_email) for c in r.comments],
        } for r in rows]


def cell_differences(engine) -> list:
    """What `flask rollups verify` reports on the database's data now (its Difference
    records), read as that command reads them; nothing to count, no query, when there is
    no response and no cell."""
    from sqlalchemy import select

    from survey_app.models import Response, response_cells
    from survey_app.services.rollups import check

    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
        left = any(connection.execute(select(column).limit(1)).first() is not None
                   for column in (Response.id, response_cells.c.month))
        found = check.differences(connection) if left else []
        connection.rollback()
    return found
