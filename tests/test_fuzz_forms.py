"""Fuzzing the citizen's form posts: random, oversized, wrongly typed and wrongly encoded
values, unknown fields, a missing form token or submission id, a language switch.

Posts go to the counter's open survey and to a transaction link. What must hold:
never a 5xx; a refused post (4xx) writes nothing; an accepted one (302 to the
thank-you page) writes exactly one response, and a transaction link at most one.
"""

from __future__ import annotations

import os
import re
import uuid

import pytest
from hypothesis import HealthCheck, Phase, example, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from support import PROJECT, csrf_token_from
from survey_app.extensions import db
from survey_app.models import Answer, Comment, Invitation, Response
from survey_app.services.access import api_keys
from survey_app.services.questionnaires import files
from survey_app.services.responses import invitations

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
# Reproducible or exploring by the profile loaded in conftest.py (FUZZ_EXPLORE=1).
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                phases=[Phase.explicit, Phase.reuse, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SUBMISSION_ID = re.compile(
    r'name="submission_id"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="submission_id"')


def _default_instrument_items() -> list[str]:
    """The item ids of the questionnaire new counter answers use (the newest published
    administrative version), so that the posts name the fields the form has."""
    read = [files.read(path) for path in files.find_files([PROJECT / "questionnaires"])]
    newest = max((f.definition for f in read
                  if f.definition["kind"] == "administrative"
                  and f.definition["status"] == "published"),
                 key=lambda data: data["version"])
    return list(files.items_of(newest))


FIELDS = [*_default_instrument_items(), "contact_consent", "contact_name", "contact_phone",
          "contact_email", "website", "submission_id", "csrf_token", "switch_lang",
          "answers", "q_overall[]", "__proto__", "id"]
VALUES = (
    st.sampled_from(["1", "2", "3", "4", "5", "0", "6", "-1", "4.0", " 4", "not_used", "y",
                     "on", "", "null", "[]", "{}", "%00", "\x00", "５", "٤", "4\x00"])
    | st.text(max_size=40) | st.text(min_size=2001, max_size=2100)
    | st.just("x" * 70_000) | st.just(str(uuid.uuid4()))
)


@pytest.fixture
def web(reference_data, extra_app):
    """A separate app object: each request gets its own app context and CSRF token."""
    key, _ = api_keys.create("ttphc-tinh", "fuzz")
    token = invitations.issue(api_keys.authenticate(key), "ttphc-dat-dai").token
    return extra_app(), token


def _counts() -> tuple[int, int, int, int]:
    db.session.rollback()
    used = select(func.count()).select_from(Invitation).where(Invitation.used.is_(True))
    return (*(db.session.execute(select(func.count()).select_from(m)).scalar_one()
              for m in (Response, Answer, Comment)), db.session.execute(used).scalar_one())


def _page_fields(client, path) -> dict:
    html = client.get(path).get_data(as_text=True)
    match = SUBMISSION_ID.search(html)
    if match is None:  # a used link shows no form
        return {}
    return {"csrf_token": csrf_token_from(html),
            "submission_id": match.group(1) or match.group(2)}


@st.composite
def posts(draw):
    keep_csrf = draw(st.booleans() | st.just(True))
    keep_id = draw(st.booleans() | st.just(True))
    fields = draw(st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10),
                                  st.lists(VALUES, min_size=1, max_size=3), max_size=8))
    return keep_csrf, keep_id, fields


def _post(app, path, keep_csrf, keep_id, fields):
    client = app.test_client()
    real = _page_fields(client, path)
    data = {name: values for name, values in fields.items()}
    for name in ("csrf_token", "submission_id"):
        keep = keep_csrf if name == "csrf_token" else keep_id
        if keep and name in real:
            data[name] = real[name]
        elif not keep:
            data.pop(name, None)
    return client.post(path, data=data)


VALID = (True, True, {"q_overall": ["4"], "q_comment": ["Tốt"]})


def _check(app, path, post, single_use: bool) -> int:
    note(f"{path}: {post!r}"[:600])
    before = _counts()
    response = _post(app, path, *post)
    after = _counts()
    assert response.status_code < 500
    if response.status_code == 302:
        added = after[0] - before[0]
        assert added in (0, 1)  # 0: a re-sent submission id, or the honeypot
        if single_use:
            assert after[3] - before[3] == added
    else:
        assert 400 <= response.status_code < 500 or response.status_code == 200
        assert after == before, "a refused post wrote something"
    return response.status_code


def test_counter_form_posts(web):
    app, _token = web
    statuses = set()

    @FUZZ
    @given(post=posts())
    @example(post=VALID)
    def run(post):
        statuses.add(_check(app, "/c/ttphc-dat-dai", post, single_use=False))

    run()
    assert 302 in statuses  # the valid example was stored: the checks ran on real paths
    assert statuses - {302}


def test_transaction_link_posts(web):
    app, token = web

    @FUZZ
    @given(post=posts())
    @example(post=VALID)
    @example(post=VALID)
    # found on PostgreSQL: a used link's page has no form, so the posted id stays, NUL
    # and all, and the "re-sent form?" lookup reached the database with it
    @example(post=(True, True, {"submission_id": ["\x00"], "q_overall": ["4"]}))
    def run(post):
        _check(app, f"/t/{token}", post, single_use=True)

    run()
    assert _counts()[0] == 1  # the link took one response, never a second


@pytest.mark.parametrize(("body", "content_type"), [
    (b"q_overall=4&q_comment=%FF%FE%FD", "application/x-www-form-urlencoded"),
    ("q_overall=4&q_comment=Ch\u1edd".encode("utf-16"), "application/x-www-form-urlencoded"),
    (b"\x00" * 1000, "application/x-www-form-urlencoded"),
    (b'{"q_overall": 4}', "application/json"),
    (b"--x\r\nContent-Disposition: form-data; name=\"q_overall\"\r\n\r\n4\r\n--x--",
     "multipart/form-data; boundary=x"),
    (b"a=" + b"b" * (9 * 1024 * 1024), "application/x-www-form-urlencoded"),
])
def test_wrongly_encoded_bodies_write_nothing(web, body, content_type):
    app, _token = web
    before = _counts()
    response = app.test_client().post("/c/ttphc-dat-dai", data=body, content_type=content_type)
    assert 400 <= response.status_code < 500 or response.status_code == 200
    assert _counts() == before
