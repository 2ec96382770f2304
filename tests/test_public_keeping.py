"""A citizen's answers are never lost: a stale page, a browser refusing cookies, a
language switch each show the form again with the answers in it (JavaScript off:
the Flask test client runs none)."""

import re

import pytest

from support import Citizen, hidden_fields_from, stored_responses

SINGLE = "ttphc-dat-dai"
ANSWERS = {"q_overall": "2", "q_comment": "Phải chờ lâu ở quầy số 3."}


@pytest.fixture
def citizen(client, survey_data):
    return Citizen(client)


def checked(page: str, name: str) -> list[str]:
    return re.findall(rf'<input[^>]*checked[^>]*name="{name}"[^>]*value="([^"]+)"'
                      rf'|<input[^>]*name="{name}"[^>]*value="([^"]+)"[^>]*checked', page)


def test_a_stale_page_is_shown_again_with_its_answers_and_then_sent(app, citizen, monkeypatch):
    citizen.open(f"/c/{SINGLE}")
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", -1)  # every token is too old now
    response = citizen.send(f"/c/{SINGLE}", ANSWERS)
    assert response.status_code == 400
    assert stored_responses(app) == []
    assert "Trang này đã mở quá lâu nên chưa gửi được" in citizen.page
    assert "Phải chờ lâu ở quầy số 3." in citizen.page
    assert checked(citizen.page, "q_overall") in ([("", "2")], [("2", "")])
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 3600)
    # The page shown again carries a fresh token and the same submission id: sent once.
    again = citizen.send(f"/c/{SINGLE}", ANSWERS)  # what the browser sends of that page
    assert again.status_code == 302, citizen.page
    [stored] = stored_responses(app)
    assert stored["overall"] == 2
    assert stored["comments"][0][0] == "Phải chờ lâu ở quầy số 3."


def test_a_token_of_another_page_or_none_is_stale_not_a_loss(app, citizen, client):
    citizen.open(f"/c/{SINGLE}")
    other = hidden_fields_from(Citizen(client).open(f"/c/{SINGLE}").get_data(as_text=True))
    for token in (other["csrf_token"], "", "x" * 600):
        response = citizen.send(f"/c/{SINGLE}", {**ANSWERS, "csrf_token": token})
        assert response.status_code == 400
        assert "Phải chờ lâu ở quầy số 3." in citizen.page
    assert stored_responses(app) == []


def test_a_browser_refusing_cookies_can_send(app, survey_data):
    phone = Citizen(app.test_client(use_cookies=False))
    response = phone.answer(f"/c/{SINGLE}", ANSWERS)
    assert response.status_code == 302
    assert "Set-Cookie" not in phone.client.get(f"/c/{SINGLE}").headers
    [stored] = stored_responses(app)
    assert stored["overall"] == 2


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Origin": "https://elsewhere.example"},  # an older browser: no Sec-Fetch-Site
])
def test_a_post_from_another_site_is_refused(app, citizen, headers):
    citizen.open(f"/c/{SINGLE}")
    assert citizen.send(f"/c/{SINGLE}", ANSWERS, **headers).status_code == 403
    assert stored_responses(app) == []


def test_our_own_pages_post_with_the_headers_browsers_send(app, citizen):
    citizen.open(f"/c/{SINGLE}")
    # Referrer-Policy: no-referrer makes a browser send "Origin: null" with a form.
    response = citizen.send(f"/c/{SINGLE}", ANSWERS, **{"Sec-Fetch-Site": "same-origin",
                                                        "Origin": "null"})
    assert response.status_code == 302


def test_switching_language_keeps_every_answer_and_stores_nothing(app, citizen):
    citizen.open(f"/c/{SINGLE}")
    contact = {"contact_consent": "y", "contact_name": "Nguyễn Văn An",
               "contact_phone": "0901 234 567"}
    response = citizen.send(f"/c/{SINGLE}?lang=en", {**ANSWERS, **contact, "switch_lang": "en"})
    assert response.status_code == 200
    page = citizen.page
    assert '<html lang="en">' in page
    assert "Overall, how satisfied are you" in page
    assert "Please check these answers" not in page  # a switch is not a send: no errors
    assert "Phải chờ lâu ở quầy số 3." in page
    assert checked(page, "q_overall") in ([("", "2")], [("2", "")])
    assert 'value="Nguyễn Văn An"' in page
    assert 'value="0901 234 567"' in page
    assert stored_responses(app) == []
    # The English form posts in English, even from a browser that keeps no cookie.
    assert 'action="/c/ttphc-dat-dai?lang=en"' in page
    response = citizen.send(f"/c/{SINGLE}?lang=en", {**ANSWERS, **contact})
    assert response.status_code == 302
    assert "lang=en" in response.headers["Location"]
    [stored] = stored_responses(app)
    assert (stored["language"], stored["overall"]) == ("en", 2)
    assert stored["comments"][0][3] == "0901 234 567"


def test_switching_language_on_the_second_page_keeps_its_answers(app, citizen):
    more = citizen.answer(f"/c/{SINGLE}", {"q_overall": "4"}).headers["Location"]
    citizen.open(more)
    more_url = citizen.page.split('href="/more/')[1].split('"')[0]
    citizen.open(f"/more/{more_url}")
    response = citizen.send(f"/more/{more_url}?lang=en", {"c15": "3", "switch_lang": "en"})
    assert response.status_code == 200
    assert checked(citizen.page, "c15") in ([("", "3")], [("3", "")])
    assert citizen.send(f"/more/{more_url}?lang=en", {"c15": "3"}).status_code == 302
    [stored] = stored_responses(app)
    assert ("c15", 3, None, None) in stored["answers"]


def test_a_stale_kiosk_page_asks_for_the_face_again(app, client, survey_data, monkeypatch):
    tablet = Citizen(client)
    tablet.open(f"/k/{SINGLE}")
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", -1)
    response = tablet.send(f"/k/{SINGLE}", {"q_overall": "5"})
    assert response.status_code == 400
    assert "Xin chạm lại vào một khuôn mặt" in tablet.page
    assert stored_responses(app) == []
