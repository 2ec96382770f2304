"""Abuse and privacy on the open survey: rate limits, nothing about the sender stored or logged."""

import logging

import pytest
from sqlalchemy import text

from support import Citizen, make_app, stored_responses
from survey_app.extensions import db
from survey_app.public import limits

COUNTER = "ttphc-dat-dai"


@pytest.fixture
def limited(survey_data, database_url):
    """The same database, served by an app with its rate limits on (as in production)."""
    limited_app = make_app(database_url, RATELIMIT_ENABLED=True)
    yield limited_app
    with limited_app.app_context():
        db.engine.dispose()  # close its pooled connections now, not at garbage collection


def per_minute(limit: str) -> int:
    return int(limit.split(";")[0].split()[0])


def test_sending_forms_is_limited_per_address_with_a_friendly_page(limited):
    client = limited.test_client()
    busy, neighbour = Citizen(client, "203.0.113.9"), Citizen(client, "203.0.113.10")
    allowed = per_minute(limits.FORM_POST)
    for _ in range(allowed):
        assert busy.answer(f"/c/{COUNTER}", {"q_overall": "5"}).status_code == 302
    refused = busy.answer(f"/c/{COUNTER}", {"q_overall": "5"})
    assert refused.status_code == 429
    assert "Có quá nhiều yêu cầu từ kết nối của Ông/Bà" in busy.page
    # Another address is not affected, and reading pages is not limited as tightly.
    assert neighbour.answer(f"/c/{COUNTER}", {"q_overall": "4"}).status_code == 302
    assert busy.open(f"/c/{COUNTER}").status_code == 200
    assert len(stored_responses(limited)) == allowed + 1


def test_a_kiosk_tablet_takes_more_answers_than_one_phone(limited):
    tablet = Citizen(limited.test_client(), "10.0.0.21")
    for _ in range(per_minute(limits.FORM_POST) + 1):
        response = tablet.answer(f"/k/{COUNTER}", {"q_overall": "4"})
        assert response.status_code == 302


def test_no_address_or_browser_is_stored_or_logged(app, client, survey_data, caplog):
    address, agent = "203.0.113.77", "Marker-Browser/9.9 (secret-device)"
    comment, phone = "Cán bộ tên Nguyễn Văn C rất tốt", "0912 345 678"
    citizen = Citizen(client, address)
    caplog.set_level(logging.DEBUG)
    citizen.open(f"/c/{COUNTER}")
    response = citizen.send(f"/c/{COUNTER}", {
        "q_overall": "5", "q_comment": comment, "contact_consent": "y",
        "contact_phone": phone}, **{"User-Agent": agent})
    assert response.status_code == 302
    with app.app_context():
        dump = []
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(text(f'SELECT * FROM "{table.name}"')):  # noqa: S608
                dump.append(" ".join(str(value) for value in row))
    everything = "\n".join(dump)
    assert comment in everything  # the dump does see what was stored
    assert address not in everything
    assert "Marker-Browser" not in everything
    assert "secret-device" not in everything
    for secret in (comment, phone, address, agent):
        assert secret not in caplog.text
