"""The transaction link (/t/<token>): one answer per link, clear pages for the others."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from support import Citizen, stored_responses
from survey_app.extensions import db
from survey_app.models import Counter, Invitation, Procedure, utcnow
from survey_app.services.responses import tokens

COUNTER = "ttphc-tu-phap"


@pytest.fixture
def citizen(client, survey_data):
    return Citizen(client)


def invite(app, *, expires_in=timedelta(days=30)):
    """An invitation for a birth registration at the justice counter; returns the token."""
    token = tokens.new_token()
    with app.app_context():
        counter = db.session.execute(select(Counter).where(Counter.code == COUNTER)).scalar_one()
        chosen = db.session.execute(
            select(Procedure).where(Procedure.code == "dang-ky-khai-sinh")).scalar_one()
        db.session.add(Invitation(
            token_sha256=tokens.sha256_hex(token), counter_id=counter.id,
            sector_id=chosen.sector_id, procedure_id=chosen.id,
            expires_at=utcnow() + expires_in,
        ))
        db.session.commit()
    return token


def used(app):
    with app.app_context():
        return db.session.execute(select(Invitation.used)).scalar_one()


def test_the_link_opens_the_form_of_its_transaction(app, citizen):
    token = invite(app)
    response = citizen.open(f"/t/{token}")
    assert response.status_code == 200
    assert "Lĩnh vực: Hộ tịch" in citizen.page
    assert "Thủ tục: Đăng ký khai sinh" in citizen.page
    assert response.headers["Cache-Control"] == "no-store"


def test_an_answer_uses_the_link_and_records_the_transaction(app, citizen):
    token = invite(app)
    response = citizen.answer(f"/t/{token}", {"q_overall": "5"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/thanks?more=")
    [stored] = stored_responses(app)
    assert stored["channel"] == "token"
    assert stored["counter"] == COUNTER
    assert stored["sector"] == "ho-tich"
    assert stored["procedure"] is not None
    assert used(app)


def test_a_used_link_says_already_answered_and_takes_no_second_answer(app, citizen, client):
    token = invite(app)
    citizen.answer(f"/t/{token}", {"q_overall": "5"})
    again = client.get(f"/t/{token}")
    assert again.status_code == 410
    assert "Phiếu khảo sát này đã được trả lời" in again.get_data(as_text=True)
    # Someone else sends a form to the used link: refused, not stored.
    late = Citizen(client)
    late.open("/c/ttphc-dat-dai")  # any page, for a fresh CSRF token and submission id
    response = late.send(f"/t/{token}", {"q_overall": "1"})
    assert response.status_code == 410
    assert len(stored_responses(app)) == 1


def test_a_form_opened_before_its_link_was_used_is_refused_when_sent(app, client, survey_data):
    token = invite(app)
    first, second = Citizen(client), Citizen(client, address="198.51.100.8")
    first.open(f"/t/{token}")
    second.open(f"/t/{token}")
    assert first.send(f"/t/{token}", {"q_overall": "5"}).status_code == 302
    response = second.send(f"/t/{token}", {"q_overall": "1"})
    assert response.status_code == 410
    assert "đã được trả lời" in second.page
    assert [r["overall"] for r in stored_responses(app)] == [5]


def test_the_same_form_sent_again_after_success_is_a_success(app, citizen):
    token = invite(app)
    citizen.open(f"/t/{token}")
    page = citizen.page
    assert citizen.send(f"/t/{token}", {"q_overall": "4"}).status_code == 302
    citizen.page = page
    again = citizen.send(f"/t/{token}", {"q_overall": "4"})
    assert again.status_code == 302
    assert again.headers["Location"] == "/thanks"
    assert len(stored_responses(app)) == 1


def test_an_expired_link_says_so(app, client, survey_data):
    token = invite(app, expires_in=timedelta(seconds=-1))
    response = client.get(f"/t/{token}")
    assert response.status_code == 410
    assert "Đường dẫn khảo sát này đã hết hạn" in response.get_data(as_text=True)


def test_a_link_that_expires_while_the_form_is_open_stores_nothing(app, citizen):
    token = invite(app)
    citizen.open(f"/t/{token}")
    with app.app_context():
        db.session.execute(Invitation.__table__.update().values(expires_at=utcnow()))
        db.session.commit()
    response = citizen.send(f"/t/{token}", {"q_overall": "3"})
    assert response.status_code == 410
    assert stored_responses(app) == []


@pytest.mark.parametrize("token", ["A" * 22, "short", "x" * 200, "not%20a%20token"])
def test_an_unknown_link_gets_a_404_page(client, survey_data, token):
    response = client.get(f"/t/{token}")
    assert response.status_code == 404
    assert "Đường dẫn khảo sát này không hợp lệ" in response.get_data(as_text=True)


def test_the_link_pages_speak_english_too(app, client, survey_data):
    token = invite(app, expires_in=timedelta(seconds=-1))
    response = client.get(f"/t/{token}?lang=en")
    assert "This survey link has expired" in response.get_data(as_text=True)


def test_a_used_or_expired_link_leads_to_the_counters_open_survey(app, citizen, client):
    token = invite(app)
    citizen.answer(f"/t/{token}", {"q_overall": "5"})
    expired = invite(app, expires_in=timedelta(seconds=-1))
    for link in (token, expired):
        page = client.get(f"/t/{link}").get_data(as_text=True)
        assert f'href="/c/{COUNTER}"' in page
        assert "Mở phiếu khảo sát của quầy" in page
    # A link we never issued names no counter: the poster's QR code is the way.
    unknown = client.get(f"/t/{tokens.new_token()}").get_data(as_text=True)
    assert 'href="/c/' not in unknown
    assert "mã QR trên áp phích" in unknown


def test_a_link_replaced_by_a_newer_one_says_so(app, client, survey_data):
    from survey_app.services.access import api_keys
    from survey_app.services.responses import invitations

    with app.app_context():
        key, _ = api_keys.create("ttphc-tinh", "one-stop")
        centre = api_keys.authenticate(key)
        first = invitations.issue(centre, COUNTER, "ho-tich", dossier="HS-7").token
        invitations.issue(centre, COUNTER, "ho-tich", dossier="HS-7")
    response = client.get(f"/t/{first}")
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "Đường dẫn khảo sát này đã được thay bằng đường dẫn mới hơn" in page
    assert "hết hạn" not in page  # it did not run out of time
    assert f'href="/c/{COUNTER}"' in page
