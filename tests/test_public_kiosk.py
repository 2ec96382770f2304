"""Kiosk mode (/k/…): a face is one response; "tell us more" adds to it, never a second one;
the next person at the tablet reaches nothing of the previous one's."""

import base64
import json
import re

import pytest
from sqlalchemy import select

from support import Citizen, stored_responses
from survey_app.extensions import db
from survey_app.models import Response
from survey_app.public import follow_up

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
    # reloads itself now and then (in Vietnamese), so its CSRF token never goes stale
    assert f'data-reset-url="/k/{SINGLE}?lang=vi" data-reset-seconds="1800"' in tablet.page
    assert re.search(r'<script src="/static/kiosk\.[0-9a-f]{12}\.js" defer></script>', tablet.page)
    assert (f'<noscript><meta http-equiv="refresh" content="1800;url=/k/{SINGLE}?lang=vi">'
            '</noscript>') in tablet.page


def test_a_tap_stores_one_kiosk_response_and_thanks_with_a_reset(app, tablet):
    response = tap(tablet, "4")
    assert response.status_code == 302
    thanks = tablet.open(response.headers["Location"])
    assert thanks.status_code == 200
    assert thanks.headers["Cache-Control"] == "no-store"
    assert f'data-reset-url="/k/{SINGLE}?lang=vi" data-reset-seconds="10"' in tablet.page
    assert f'<meta http-equiv="refresh" content="10;url=/k/{SINGLE}?lang=vi">' in tablet.page
    assert '<span id="countdown">10</span>' in tablet.page
    assert "Góp ý thêm" in tablet.page
    [stored] = stored_responses(app)
    assert stored["channel"] == "kiosk"
    assert stored["overall"] == 4
    assert stored["sector"] == "dat-dai"
    assert stored["answers"] == {("q_overall", 4, None, None)}


def test_the_thanks_address_carries_nothing_of_the_answer(app, tablet):
    location = tap(tablet, "1").headers["Location"]
    payload = location.rsplit("/", 1)[1].split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    with app.app_context():
        [submission_id] = db.session.execute(select(Response.submission_id)).scalars()
    assert submission_id not in decoded
    assert json.loads(decoded)[:2] == [SINGLE, None]  # where, and an opaque nonce


def more_link(page: str) -> str:
    return re.search(r'href="(/k/more/[^"]+)"', page).group(1)


def test_tell_us_more_adds_the_other_items_to_the_face(app, tablet):
    tablet.open(tap(tablet, "2").headers["Location"])
    more = more_link(tablet.page)
    form = tablet.open(more)
    assert form.status_code == 200
    assert form.headers["Cache-Control"] == "no-store"  # the back button of a shared tablet
    assert (f'<form method="post" id="survey" action="{more}" novalidate autocomplete="off">'
            in tablet.page)
    phone_field = re.search(r'<input[^>]*name="contact_phone"[^>]*>', tablet.page).group(0)
    assert 'autocomplete="off"' in phone_field  # nor its autofill
    assert 'name="q_overall"' not in tablet.page  # the face was the answer
    assert tablet.page.count('<fieldset class="item scale') == 19
    response = tablet.send(more, {"c23": "1", "q_comment": "Chờ lâu."})
    assert response.status_code == 302
    done = tablet.open(response.headers["Location"])
    assert done.status_code == 200
    assert "Góp ý thêm" not in tablet.page  # nothing more to add
    [stored] = stored_responses(app)
    assert stored["channel"] == "kiosk"
    assert stored["answers"] == {("q_overall", 2, None, None), ("c23", 1, None, None)}
    assert stored["comments"][0][0] == "Chờ lâu."


def test_a_resent_second_page_stores_nothing_more(app, tablet):
    tablet.open(tap(tablet, "4").headers["Location"])
    more = more_link(tablet.page)
    tablet.open(more)
    page = tablet.page
    assert tablet.send(more, {"c15": "5"}).status_code == 302
    tablet.page = page
    again = tablet.send(more, {"c15": "5"})
    assert again.status_code == 302
    [stored] = stored_responses(app)
    assert stored["answers"] == {("q_overall", 4, None, None), ("c15", 5, None, None)}


def test_a_second_page_is_taken_once(app, tablet):
    tablet.open(tap(tablet, "4").headers["Location"])
    more = more_link(tablet.page)
    tablet.answer(more, {"c15": "4"})
    response = tablet.open(more)
    assert response.status_code == 410
    assert "Không thể trả lời thêm" in tablet.page
    assert 'name="c15"' not in tablet.page
    [stored] = stored_responses(app)
    assert stored["answers"] == {("q_overall", 4, None, None), ("c15", 4, None, None)}


def test_the_next_person_cannot_reach_the_previous_second_page(app, tablet):
    thanks = tap(tablet, "4").headers["Location"]
    tablet.open(thanks)
    more = more_link(tablet.page)
    tablet.open(more)
    left_open = tablet.page  # the previous person's form, as a cache could bring it back
    tablet.open(f"/k/{SINGLE}?lang=vi")  # the reset: a new person at the tablet
    assert tablet.open(more).status_code == 410  # Back, or the history
    assert 'name="c15"' not in tablet.page
    tablet.page = left_open
    response = tablet.send(more, {"c15": "1", "q_comment": "Ghi đè"})
    assert response.status_code == 410
    tablet.open(thanks)
    assert "Góp ý thêm" not in tablet.page
    [stored] = stored_responses(app)
    assert stored["answers"] == {("q_overall", 4, None, None)}
    assert stored["comments"] == []


def test_another_browser_cannot_use_the_second_page(app, tablet, client):
    tablet.open(tap(tablet, "4").headers["Location"])
    more = more_link(tablet.page)
    with app.test_client() as other:
        assert other.get(more).status_code == 410


def test_a_forged_or_old_ticket_gets_a_friendly_page(app, tablet, monkeypatch):
    tablet.open(tap(tablet, "4").headers["Location"])
    more = more_link(tablet.page)
    assert tablet.open(more[:-3] + "abc").status_code == 410
    assert "Không thể trả lời thêm" in tablet.page
    monkeypatch.setitem(follow_up.WINDOW_SECONDS, "kiosk", -1)
    assert tablet.open(more).status_code == 410
    assert len(stored_responses(app)) == 1


def test_a_forged_thanks_ticket_falls_back_to_the_plain_thank_you(client, survey_data):
    response = client.get("/k/thanks/not-a-ticket")
    assert response.status_code == 302
    assert response.headers["Location"] == "/thanks"


def test_the_kiosk_returns_to_vietnamese_for_the_next_person(tablet):
    tablet.open(f"/k/{SINGLE}?lang=en")
    assert 'lang="en"' in tablet.page
    tablet.open(tablet.send(f"/k/{SINGLE}", {"q_overall": "5"}).headers["Location"])
    assert 'lang="en"' in tablet.page  # the thank-you is still in the person's language
    tablet.open(f"/k/{SINGLE}?lang=vi")  # where the reset leads
    assert '<html lang="vi">' in tablet.page
    tablet.open(f"/k/{SINGLE}")
    assert '<html lang="vi">' in tablet.page


def test_a_kiosk_at_a_counter_of_several_sectors_asks_which_once(app, tablet):
    tablet.open(f"/k/{SEVERAL}")
    assert f'href="/k/{SEVERAL}/ho-tich"' in tablet.page
    response = tap(tablet, "5", url=f"/k/{SEVERAL}/ho-tich")
    tablet.open(response.headers["Location"])
    assert f'data-reset-url="/k/{SEVERAL}/ho-tich?lang=vi"' in tablet.page
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


def test_the_faces_form_is_built_once_per_questionnaire(survey_data):
    from survey_app.public import kiosk as views
    from survey_app.public.kiosk import faces_form
    from survey_app.services.questionnaires import versions

    with survey_data.test_request_context():
        served = versions.serving_version("administrative").definition
        first = faces_form(served, "vi")
        copy = views._faces[id(served)][1]
        again = faces_form(served, "vi")
        assert type(first) is type(again)  # the same class: the form-class cache is hit
        # One overall-only copy of the served definition, made once (not on every tap).
        assert views._faces[id(served)][1] is copy
        assert list(first.data) == ["q_overall", "submission_id", "website"]
