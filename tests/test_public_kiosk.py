"""Kiosk mode (/k/…): a face is one response; "tell us more" replaces it, never adds one."""

import re

import pytest

from support import Citizen, stored_responses
from survey_app.services.responses import kiosk

SINGLE = "ttphc-dat-dai"
SEVERAL = "ttphc-tu-phap"


@pytest.fixture
def tablet(client, survey_data):
    return Citizen(client, address="10.0.0.20")


def tap(tablet, face: str, url=f"/k/{SINGLE}"):
    return tablet.answer(url, {"q_overall": face})


def test_the_kiosk_shows_five_faces_that_each_submit(tablet):
    response = tablet.open(f"/k/{SINGLE}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    buttons = re.findall(r'<button type="submit" name="q_overall" value="(\d)"', tablet.page)
    assert sorted(buttons) == ["1", "2", "3", "4", "5"]
    assert "Rất hài lòng" in tablet.page
    assert "<svg" in tablet.page
    assert "<script>" not in tablet.page  # no inline script: the CSP forbids it
    assert "style=" not in tablet.page
    # reloads itself now and then, so its CSRF token never goes stale overnight
    assert 'data-reset-seconds="1800"' in tablet.page
    assert '<script src="/static/kiosk.js" defer></script>' in tablet.page
    assert '<noscript><meta http-equiv="refresh" content="1800"></noscript>' in tablet.page


def test_a_tap_stores_one_kiosk_response_and_thanks_with_a_reset(app, tablet):
    response = tap(tablet, "4")
    assert response.status_code == 302
    thanks = tablet.open(response.headers["Location"])
    assert thanks.status_code == 200
    assert f'data-reset-url="/k/{SINGLE}" data-reset-seconds="10"' in tablet.page
    assert f'<meta http-equiv="refresh" content="10;url=/k/{SINGLE}">' in tablet.page  # no JS
    assert '<span id="countdown">10</span>' in tablet.page
    assert "Góp ý thêm" in tablet.page
    [stored] = stored_responses(app)
    assert stored["channel"] == "kiosk"
    assert stored["overall"] == 4
    assert stored["sector"] == "dat-dai"
    assert stored["answers"] == {("q_overall", 4, None, None)}


def more_link(page: str) -> str:
    return re.search(r'href="(/k/more/[^"]+)"', page).group(1)


def test_tell_us_more_replaces_the_face_with_the_full_answer(app, tablet):
    tablet.open(tap(tablet, "2").headers["Location"])
    more = more_link(tablet.page)
    form = tablet.open(more)
    assert form.status_code == 200
    assert form.headers["Cache-Control"] == "no-store"  # the back button of a shared tablet
    phone_field = re.search(r'<input[^>]*name="contact_phone"[^>]*>', tablet.page).group(0)
    assert 'autocomplete="off"' in phone_field  # nor its autofill
    assert re.search(r'<input checked[^>]*name="q_overall"[^>]*value="2"', tablet.page)
    response = tablet.send(more, {"q_overall": "2", "cc1": "1", "q_comment": "Chờ lâu."})
    assert response.status_code == 302
    done = tablet.open(response.headers["Location"])
    assert done.status_code == 200
    assert "Góp ý thêm" not in tablet.page  # nothing more to add
    [stored] = stored_responses(app)
    assert stored["channel"] == "kiosk"
    assert stored["answers"] == {("q_overall", 2, None, None), ("cc1", 1, None, None)}
    assert stored["comments"][0][0] == "Chờ lâu."


def test_the_full_form_may_change_the_face(app, tablet):
    tablet.open(tap(tablet, "5").headers["Location"])
    more = more_link(tablet.page)
    tablet.open(more)
    tablet.send(more, {"q_overall": "3"})
    assert [r["overall"] for r in stored_responses(app)] == [3]


def test_a_resent_full_form_stores_nothing_more(app, tablet):
    tablet.open(tap(tablet, "4").headers["Location"])
    more = more_link(tablet.page)
    tablet.open(more)
    page = tablet.page
    assert tablet.send(more, {"q_overall": "4", "tc1": "5"}).status_code == 302
    tablet.page = page
    again = tablet.send(more, {"q_overall": "4", "tc1": "5"})
    assert again.status_code == 302
    assert len(stored_responses(app)) == 1


def test_a_second_full_form_for_the_same_face_is_refused(app, tablet, client):
    tablet.open(tap(tablet, "4").headers["Location"])
    more = more_link(tablet.page)
    tablet.answer(more, {"q_overall": "4"})
    response = tablet.answer(more, {"q_overall": "1"})  # a new form: a new submission id
    assert response.status_code == 409
    assert [r["overall"] for r in stored_responses(app)] == [4]


def test_a_forged_or_old_ticket_gets_a_friendly_page(app, tablet, monkeypatch):
    tablet.open(tap(tablet, "4").headers["Location"])
    more = more_link(tablet.page)
    assert tablet.open(more[:-3] + "abc").status_code == 410
    assert "Trang này đã hết hạn" in tablet.page
    monkeypatch.setattr(kiosk, "FOLLOW_UP_SECONDS", -1)
    assert tablet.open(more).status_code == 410
    assert len(stored_responses(app)) == 1


def test_a_forged_thanks_ticket_falls_back_to_the_plain_thank_you(client, survey_data):
    response = client.get("/k/thanks/not-a-ticket")
    assert response.status_code == 302
    assert response.headers["Location"] == "/thanks"


def test_a_kiosk_at_a_counter_of_several_sectors_asks_which_once(app, tablet):
    tablet.open(f"/k/{SEVERAL}")
    assert f'href="/k/{SEVERAL}/ho-tich"' in tablet.page
    response = tap(tablet, "5", url=f"/k/{SEVERAL}/ho-tich")
    tablet.open(response.headers["Location"])
    assert f'data-reset-url="/k/{SEVERAL}/ho-tich"' in tablet.page
    assert [r["sector"] for r in stored_responses(app)] == ["ho-tich"]


@pytest.mark.parametrize("face", ["0", "6", "x", ""])
def test_a_face_that_does_not_exist_is_refused(app, tablet, face):
    response = tap(tablet, face)
    assert response.status_code == 422
    assert stored_responses(app) == []


def test_a_filled_honeypot_on_the_kiosk_stores_nothing(app, tablet):
    response = tablet.answer(f"/k/{SINGLE}", {"q_overall": "5", "website": "x"})
    assert response.status_code == 302
    tablet.open(response.headers["Location"])
    assert "Góp ý thêm" not in tablet.page
    assert stored_responses(app) == []
