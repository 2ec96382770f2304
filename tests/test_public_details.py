"""The optional second page (/more/<nonce>): criteria added to the first page's response,
once, from the browser that sent it, within its window."""

import re

import pytest

from support import Citizen, stored_responses
from survey_app.public import follow_up

COUNTER = "ttphc-dat-dai"


@pytest.fixture
def citizen(client, survey_data):
    return Citizen(client)


def first_page(citizen, **answers) -> str:
    """Send the first page; return the second page's address from the thank-you page."""
    response = citizen.answer(f"/c/{COUNTER}", {"q_overall": "4", **answers})
    assert response.status_code == 302
    thanks = citizen.open(response.headers["Location"])
    assert thanks.headers["Cache-Control"] == "no-store"
    return re.search(r'href="(/more/[^"]+)"', citizen.page).group(1)


def test_the_second_page_adds_the_criteria_to_the_same_response(app, citizen):
    more = first_page(citizen, q_comment="Nhanh.")
    page = citizen.open(more)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert citizen.page.count('<fieldset class="item scale') == 19
    assert 'name="q_overall"' not in citizen.page
    response = citizen.send(more, {"c15": "5", "c20": "not_used", "c23": "2"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/thanks"
    [stored] = stored_responses(app)
    assert stored["answers"] == {("q_overall", 4, None, None), ("c15", 5, None, None),
                                 ("c20", None, "not_used", None), ("c23", 2, None, None)}
    assert stored["comments"] == [("Nhanh.", False, None, None, None)]


def test_a_second_page_sent_again_after_back_stores_nothing_more(app, citizen):
    more = first_page(citizen)
    citizen.open(more)
    page = citizen.page
    assert citizen.send(more, {"c15": "5"}).status_code == 302
    citizen.page = page  # Back, and Send again (whatever the cache kept)
    again = citizen.send(more, {"c15": "1"})
    assert again.status_code == 302
    [stored] = stored_responses(app)
    assert stored["answers"] == {("q_overall", 4, None, None), ("c15", 5, None, None)}


def test_a_new_second_page_after_the_first_is_closed(app, citizen):
    more = first_page(citizen)
    citizen.answer(more, {"c15": "5"})
    assert citizen.open(more).status_code == 410
    assert "Không thể trả lời thêm các câu hỏi này" in citizen.page
    assert "Trả lời thêm câu hỏi" not in citizen.open("/thanks").get_data(as_text=True)


def test_another_browser_cannot_open_or_send_it(app, citizen):
    more = first_page(citizen)
    citizen.open(more)
    form = citizen.page
    stranger = Citizen(app.test_client(), address="198.51.100.9")
    assert stranger.open(more).status_code == 410
    stranger.open(f"/c/{COUNTER}")  # a page of its own, for a CSRF token
    stranger.page = form.replace(re.search(r'name="csrf_token" value="([^"]+)"', form).group(1),
                                 re.search(r'name="csrf_token" value="([^"]+)"',
                                           stranger.page).group(1))
    assert stranger.send(more, {"c15": "1"}).status_code == 410
    [stored] = stored_responses(app)
    assert stored["answers"] == {("q_overall", 4, None, None)}


def test_the_second_page_closes_after_its_window(app, citizen, monkeypatch):
    more = first_page(citizen)
    monkeypatch.setitem(follow_up.WINDOW_SECONDS, "web", -1)
    assert citizen.open(more).status_code == 410


def test_the_thank_you_page_does_not_say_anonymous_after_contact_details(citizen):
    response = citizen.answer(f"/c/{COUNTER}", {
        "q_overall": "2", "q_comment": "Thiếu ghế.", "contact_consent": "y",
        "contact_phone": "0901 234 568"})
    assert "named=1" in response.headers["Location"]
    citizen.open(response.headers["Location"])
    assert "ẩn danh" not in citizen.page
    assert "Ông/Bà đã để lại thông tin liên hệ" in citizen.page
