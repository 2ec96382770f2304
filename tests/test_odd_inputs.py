"""Row 9: odd values in addresses, forms and API bodies get a 4xx with a message, never a
500, and write nothing.

"²" passes `str.isdigit()` and then fails `int()`; a twenty-digit id overflows
PostgreSQL's integer; a lone surrogate cannot be encoded for the database; a file part
where text is expected is not a string. Each was a 500 in the outside test.
"""

from __future__ import annotations

import io

import pytest
from seeding import load_reference
from sqlalchemy import func, select
from test_staff_access import _client, _seed

from support import Citizen, csrf_token_from
from survey_app.extensions import db
from survey_app.models import Comment, Invitation, Response
from survey_app.services.access import api_keys

SUPERSCRIPT = "²"
HUGE = "99999999999999999999"
FILTER_MESSAGE = "A filter in the address is not valid."


@pytest.fixture
def world(app, runner):
    load_reference(app, runner)
    with app.app_context():
        return _seed(app)


@pytest.fixture
def admin(app, world):
    return _client(app, "admin")


def _en(client):
    client.get("/staff/login?lang=en")  # the language is kept in the session
    return client


FILTERED = ["/staff/", "/staff/charts/breakdown.svg", "/staff/charts/trend.svg",
            "/staff/charts/targets.svg", "/staff/charts/factors.svg", "/staff/charts/funnel.svg",
            "/staff/comments", "/staff/reports", "/staff/cases"]
ODD_FILTERS = [{"sector": SUPERSCRIPT}, {"agency": SUPERSCRIPT}, {"agency": HUGE},
               {"sector": HUGE}, {"sector": "٣"}, {"agency": "-1"}, {"agency": "1e3"}]
PAGED = ["/staff/comments", "/staff/cases", "/staff/audit"]


def test_odd_filters_are_a_400_with_a_message(admin):
    """One login for all of them: a world per case would take minutes."""
    _en(admin)
    for path in FILTERED:
        for args in ODD_FILTERS:
            response = admin.get(path, query_string={"period": "2025-Q3", **args})
            assert response.status_code == 400, (path, args, response.status_code)
            assert FILTER_MESSAGE in response.get_data(as_text=True), (path, args)
        response = admin.get(path, query_string={"period": SUPERSCRIPT})
        assert response.status_code == 400, path
        assert "This is not a period" in response.get_data(as_text=True), path


def test_odd_page_numbers_are_a_400(admin):
    _en(admin)
    for path in PAGED:
        for page in [SUPERSCRIPT, HUGE, "0", "-2", "1.5", "٣"]:
            response = admin.get(path, query_string={"page": page, "period": "2025-Q3"})
            assert response.status_code == 400, (path, page)
            assert "page number" in response.get_data(as_text=True), (path, page)
        assert admin.get(path, query_string={"page": "2", "period": "2025-Q3"}).status_code == 200


@pytest.mark.parametrize("facility", [SUPERSCRIPT, HUGE, "x"])
def test_an_odd_facility_on_the_paper_page_is_a_400(admin, world, facility):
    url = f"/staff/campaigns/{world['campaigns'][0]}/paper"
    response = _en(admin).get(url, query_string={"facility": facility})
    assert response.status_code == 400
    assert FILTER_MESSAGE in response.get_data(as_text=True)


def _comment_state(app, comment_id):
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        return comment.assigned_agency_id, list(comment.tags), comment.reply_note


@pytest.mark.parametrize("value", [SUPERSCRIPT, HUGE, "٣"])
def test_an_odd_agency_in_the_comment_form_is_refused_and_writes_nothing(app, admin, world,
                                                                         value):
    comment_id = world["land_comment"]
    url = f"/staff/comments/{comment_id}"
    page = _en(admin).get(url).get_data(as_text=True)
    before = _comment_state(app, comment_id)
    response = admin.post(url, data={"csrf_token": csrf_token_from(page), "tags": "mới",
                                     "assign_agency": value, "reply_note": "x"})
    assert 400 <= response.status_code < 500
    assert "not valid" in response.get_data(as_text=True)
    assert _comment_state(app, comment_id) == before


@pytest.mark.parametrize("value", [SUPERSCRIPT, HUGE])
def test_an_odd_agency_in_the_case_form_is_refused(app, admin, world, value):
    url = f"/staff/cases/{world['cases'][0]}"
    page = _en(admin).get(url).get_data(as_text=True)
    response = admin.post(url, data={"csrf_token": csrf_token_from(page), "action": "assign",
                                     "agency": value})
    assert 400 <= response.status_code < 500


@pytest.fixture
def api_key(reference_data):
    key, _ = api_keys.create("ttphc-tinh", "odd inputs")
    return key


def _invitations() -> int:
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(Invitation)).scalar_one()


@pytest.mark.parametrize("field", ["counter", "sector", "procedure", "dossier"])
@pytest.mark.parametrize("value", ["\ud800", "dat\udfffdai", "\x00", "a\u2028b"])
def test_the_api_refuses_lone_surrogates_and_controls_in_every_text(client, api_key, field,
                                                                    value):
    body = {"counter": "ttphc-dat-dai", "sector": "dat-dai", "dossier": "000.00.12.H62-1"}
    body[field] = value
    before = _invitations()
    response = client.post("/api/v1/invitations", json=body,
                           headers={"Authorization": f"Bearer {api_key}"})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["error"] == "invalid_field"
    assert _invitations() == before


def _stored(app) -> tuple[int, int]:
    with app.app_context():
        return tuple(db.session.execute(select(func.count()).select_from(m)).scalar_one()
                     for m in (Response, Comment))


@pytest.mark.parametrize("field", ["q_comment", "contact_name", "contact_phone"])
def test_a_file_part_where_text_is_expected_is_refused(app, survey_data, field):
    citizen = Citizen(app.test_client())
    citizen.open("/c/ttphc-dat-dai")
    answers = {"q_overall": "4", "q_comment": "Tốt", "contact_consent": "y",
               "contact_name": "Bà Lan", "contact_phone": "0901 234 567",
               field: (io.BytesIO(b"\x00\x01 file"), "x.txt")}
    before = _stored(app)
    response = citizen.send("/c/ttphc-dat-dai", answers)
    assert 400 <= response.status_code < 500
    assert _stored(app) == before


@pytest.mark.parametrize("field", ["q_comment", "contact_name"])
def test_nul_in_a_comment_or_a_name_is_refused_with_a_message(app, survey_data, field):
    citizen = Citizen(app.test_client())
    answers = {"q_overall": "4", "q_comment": "Tốt", "contact_consent": "y",
               "contact_name": "Bà Lan", "contact_phone": "0901 234 567"}
    answers[field] = answers[field] + "\x00 nữa"
    before = _stored(app)
    response = citizen.answer("/c/ttphc-dat-dai", answers)
    assert response.status_code == 422
    assert "ký tự" in response.get_data(as_text=True)
    assert _stored(app) == before
