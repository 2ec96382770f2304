"""Abuse of the open QR: device marks for repeat answers, and volume alerts."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from seeding import add_responses, by_code
from sqlalchemy import func, select

from support import csrf_token_from, hidden_fields_from
from survey_app import create_app
from survey_app.config import ConfigurationError
from survey_app.extensions import db
from survey_app.models import Agency, Response, Sector, TransactionVolume
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import alerts
from survey_app.services.responses import device_marks

SECRET = "test-secret-key-that-is-long-enough"
TODAY = date(2025, 8, 1)


def test_device_mark_round_trip():
    value = device_marks.write({"c1", "c7"}, SECRET, TODAY)
    assert device_marks.read(value, SECRET, TODAY) == {"c1", "c7"}
    assert not value.startswith("{")  # signed and encoded, not a JSON list of places


@pytest.mark.parametrize("tamper", [
    lambda v: v[:-2] + ("AA" if not v.endswith("AA") else "BB"),  # broken signature
    lambda v: device_marks.write({"c1"}, "another-secret-key-of-some-length", TODAY),
    lambda v: device_marks.write({"c1"}, SECRET, date(2025, 7, 31)),  # yesterday's
    lambda v: "x" * 5000,
    lambda v: "",
    lambda v: None,
])
def test_forged_or_stale_marks_are_ignored(tamper):
    value = device_marks.write({"c1"}, SECRET, TODAY)
    assert device_marks.read(tamper(value), SECRET, TODAY) == set()


def test_marks_are_bounded():
    many = {f"c{i}" for i in range(100)}
    value = device_marks.write(many, SECRET, TODAY)
    assert len(device_marks.read(value, SECRET, TODAY)) == device_marks.MAX_COUNTERS


def _volume(agency: str, sector: str, transactions: int, first=date(2025, 8, 1),
            last=date(2025, 8, 31)):
    db.session.add(TransactionVolume(
        agency_id=by_code(Agency, agency).id, sector_id=by_code(Sector, sector).id,
        period_start=first, period_end=last, transactions=transactions))
    db.session.commit()


@pytest.fixture
def stuffed(reference_data):
    _volume("ttphc-tinh", "dat-dai", 10)
    add_responses(30, scores=5, agency="ttphc-tinh", sector="dat-dai", counter="ttphc-dat-dai",
                  at=datetime(2025, 8, 10, 2, tzinfo=UTC))
    add_responses(10, scores=5, agency="ttphc-tinh", sector="dat-dai", counter="ttphc-dat-dai",
                  at=datetime(2025, 8, 10, 3, tzinfo=UTC), repeat_device=True)
    # Local 23:00 on 31/8 counts; local 00:00 on 1/9 (17:00 UTC) does not.
    add_responses(1, scores=5, agency="ttphc-tinh", sector="dat-dai", counter="ttphc-dat-dai",
                  at=datetime(2025, 8, 31, 16, tzinfo=UTC))
    add_responses(50, scores=5, agency="ttphc-tinh", sector="dat-dai", counter="ttphc-dat-dai",
                  at=datetime(2025, 8, 31, 17, tzinfo=UTC))
    # Paper entries are typed by staff: never counted against the transactions.
    add_responses(50, scores=5, agency="ttphc-tinh", sector="dat-dai", channel="paper",
                  at=datetime(2025, 8, 10, 2, tzinfo=UTC))
    # A normal place: fewer answers than transactions.
    _volume("ttphc-tinh", "xay-dung", 100)
    add_responses(30, scores=4, agency="ttphc-tinh", sector="xay-dung",
                  counter="ttphc-xay-dung", at=datetime(2025, 8, 12, 2, tzinfo=UTC))
    return reference_data


def test_alert_flags_answers_far_above_transactions(stuffed):
    found = alerts.volume_alerts(date(2025, 7, 1), date(2025, 9, 30), Scope.all_data())
    assert len(found) == 1
    alert = found[0]
    assert (alert.agency_code, alert.sector_code) == ("ttphc-tinh", "dat-dai")
    assert (alert.transactions, alert.responses, alert.repeats) == (10, 41, 10)
    assert alert.ratio == pytest.approx(4.1)
    assert alert.repeat_share == pytest.approx(10 / 41)
    assert [(c.code, c.responses) for c in alert.counters] == [("ttphc-dat-dai", 41)]


def test_small_numbers_and_other_windows_raise_no_alert(stuffed):
    assert alerts.volume_alerts(date(2025, 9, 1), date(2025, 9, 30), Scope.all_data()) == []
    assert alerts.volume_alerts(date(2025, 8, 1), date(2025, 8, 31), Scope.all_data(),
                                minimum=42) == []


def test_alerts_respect_the_readers_scope(stuffed):
    other = Scope(agency_ids=frozenset({by_code(Agency, "vp-ubnd-tinh").id}))
    assert alerts.volume_alerts(date(2025, 8, 1), date(2025, 8, 31), other) == []
    land = Scope(sector_ids=frozenset({by_code(Sector, "dat-dai").id}))
    assert len(alerts.volume_alerts(date(2025, 8, 1), date(2025, 8, 31), land)) == 1


SUBMISSION_ID = re.compile(
    r'name="submission_id"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="submission_id"')


def _answer(client, path="/c/ttphc-dat-dai", **more):
    html = client.get(path).get_data(as_text=True)
    match = SUBMISSION_ID.search(html)
    data = {"csrf_token": csrf_token_from(html), "submission_id": match.group(1) or match.group(2),
            "q_overall": "4", **more}
    return client.post(path, data=data)


def _repeat_flags() -> list[bool]:
    db.session.rollback()
    return db.session.execute(select(Response.repeat_device).order_by(Response.id)).scalars().all()


def test_repeat_answers_from_one_browser_are_marked_not_refused(reference_data, extra_app):
    # A second app object: its requests get their own app context (and CSRF token),
    # not the one the reference_data fixture holds.
    web = extra_app()
    phone, other_phone = web.test_client(), web.test_client()
    assert _answer(phone).status_code == 302
    response = _answer(phone)
    assert response.status_code == 302  # stored, not refused
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith(device_marks.COOKIE + "="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Max-Age=86400" in cookie
    _answer(other_phone)
    _answer(phone, "/c/ttphc-xay-dung")  # another counter: a first answer there
    assert _repeat_flags() == [False, True, False, False]


def test_a_forged_mark_counts_as_a_first_answer(reference_data, extra_app):
    phone = extra_app().test_client()
    phone.set_cookie(device_marks.COOKIE, "eyJkIjoiMjAyNS0wOC0wMSJ9.forged.signature")
    _answer(phone)
    assert _repeat_flags() == [False]


def test_one_counter_takes_a_bounded_number_of_answers_from_many_addresses(
        reference_data, extra_app):
    minute_limit = 12  # PLACE_RATE_LIMIT, set lower than its default to keep the test short
    limited = extra_app(RATELIMIT_ENABLED=True, PLACE_RATE_LIMIT=f"{minute_limit} per minute")
    statuses = []
    for i in range(minute_limit + 1):
        client = limited.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.1.{i // 250}.{i % 250}"
        statuses.append(_answer(client).status_code)
    assert statuses[:minute_limit] == [302] * minute_limit
    assert statuses[-1] == 429
    # Another counter is not held up by the first one's limit.
    client = limited.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    assert _answer(client, "/c/ttphc-xay-dung").status_code == 302
    with limited.app_context():
        assert db.session.execute(select(func.count()).select_from(Response)).scalar_one() == (
            minute_limit + 1)


def test_one_cap_per_counter_across_every_anonymous_path(reference_data, extra_app):
    """Issue 15 rows 3 and 6: the counter's form with and without a sector in the path
    and its kiosk share one bucket (each had a cap of its own, or none)."""
    minute_limit = 12
    limited = extra_app(RATELIMIT_ENABLED=True, PLACE_RATE_LIMIT=f"{minute_limit} per minute")
    paths = ["/c/ttphc-dat-dai", "/c/ttphc-dat-dai/dat-dai", "/k/ttphc-dat-dai",
             "/k/ttphc-dat-dai/dat-dai"]
    statuses = []
    for i in range(minute_limit + len(paths)):
        client = limited.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.2.{i // 250}.{i % 250}"
        statuses.append(_answer(client, paths[i % len(paths)]).status_code)
    assert statuses[:minute_limit] == [302] * minute_limit
    assert statuses[minute_limit:] == [429] * len(paths)  # every path, once the cap is hit
    with limited.app_context():
        assert db.session.execute(select(func.count()).select_from(Response)).scalar_one() == (
            minute_limit)


def test_a_kiosk_marks_a_second_answer_sent_without_a_fresh_faces_page(reference_data,
                                                                        extra_app):
    tablet = extra_app().test_client()
    page = tablet.get("/k/ttphc-dat-dai").get_data(as_text=True)
    assert _answer(tablet, "/k/ttphc-dat-dai").status_code == 302  # a person
    assert _answer(tablet, "/k/ttphc-dat-dai").status_code == 302  # the next (faces afresh)
    # A replayed POST of a faces page loaded earlier (its own token and submission id),
    # without loading the faces page for a new person.
    replay = {**hidden_fields_from(page), "q_overall": "1"}
    assert tablet.post("/k/ttphc-dat-dai", data=replay).status_code == 302
    assert _repeat_flags() == [False, False, True]


def test_the_dashboard_shows_the_alert(stuffed, staff):
    staff.create("ba.admin")
    staff.login("ba.admin")
    html = staff.client.get("/staff/?period=2025-Q3").get_data(as_text=True)
    assert "Số phiếu vượt xa số giao dịch" in html
    assert "ttphc-dat-dai: 41" in html
    quiet = staff.client.get("/staff/?period=2025-Q1").get_data(as_text=True)
    assert "Số phiếu vượt xa số giao dịch" not in quiet


def test_the_default_place_limit_is_thirty_a_minute(reference_data, extra_app):
    limited = extra_app(RATELIMIT_ENABLED=True)
    assert limited.config["PLACE_RATE_LIMIT"] == "30 per minute;300 per hour"
    statuses = []
    for i in range(31):
        client = limited.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.2.0.{i + 1}"
        statuses.append(_answer(client).status_code)
    assert statuses == [302] * 30 + [429]


def test_a_bad_place_limit_stops_the_start():
    with pytest.raises(ConfigurationError, match="PLACE_RATE_LIMIT 'lots' is not a rate limit"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "PLACE_RATE_LIMIT": "lots"})
