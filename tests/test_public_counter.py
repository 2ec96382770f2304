"""The counter's open survey (/c/…): picking a sector, the form, storing, validation, language."""

import re

import pytest
from sqlalchemy import select

from support import Citizen, hidden_fields_from, stored_responses
from survey_app.extensions import db
from survey_app.models import Counter, Procedure, Sector
from survey_app.services.questionnaires import versions as questionnaires

SINGLE = "ttphc-dat-dai"  # serves land only
SEVERAL = "ttphc-tu-phap"  # serves justice, notarisation and civil status


@pytest.fixture
def citizen(client, survey_data):
    return Citizen(client)


def test_a_single_sector_counter_opens_its_form_in_vietnamese(citizen):
    response = citizen.open(f"/c/{SINGLE}")
    assert response.status_code == 200
    page = citizen.page
    assert "Phiếu khảo sát sự hài lòng" in page
    assert "Nhìn chung, Ông/Bà hài lòng thế nào" in page
    assert "Lĩnh vực: Đất đai" in page
    # The first page: the overall item and the (folded) contact block, each a fieldset
    # with a legend; the comment; no criterion (they are the optional second page).
    assert page.count("<fieldset") == page.count("<legend") == 2
    assert 'name="q_comment"' in page
    assert 'name="c15"' not in page
    assert 'name="tc1"' not in page
    hidden = hidden_fields_from(page)
    assert {"csrf_token", "submission_id"} <= set(hidden)
    honeypot = re.search(r'<input[^>]*name="website"[^>]*>', page).group(0)
    assert 'tabindex="-1"' in honeypot
    assert 'autocomplete="off"' in honeypot


def test_no_shared_cache_may_keep_the_form_and_its_submission_id(citizen):
    response = citizen.open(f"/c/{SINGLE}")
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_the_page_has_no_inline_style_or_script(citizen):
    citizen.open(f"/c/{SINGLE}")
    assert "style=" not in citizen.page
    assert "<script" not in citizen.page
    assert "<style" not in citizen.page


def test_an_answer_is_stored_with_where_it_came_from(app, citizen):
    response = citizen.answer(f"/c/{SINGLE}", {"q_overall": "4", "q_comment": "Nhanh."})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/thanks?more=")
    [stored] = stored_responses(app)
    with app.app_context():
        counter = db.session.execute(select(Counter).where(Counter.code == SINGLE)).scalar_one()
        version_id = questionnaires.current_version("administrative").id
        assert stored["counter_id"] == counter.id
        assert stored["agency_id"] == counter.agency_id
    assert stored["channel"] == "counter"
    assert stored["sector"] == "dat-dai"
    assert stored["procedure"] is None
    assert stored["language"] == "vi"
    assert stored["version_id"] == version_id
    assert stored["overall"] == 4
    assert (stored["hour"].minute, stored["hour"].second) == (0, 0)
    assert stored["answers"] == {("q_overall", 4, None, None)}
    assert stored["comments"] == [("Nhanh.", False, None, None, None)]


def test_the_thank_you_page_carries_nothing_to_track(client, citizen):
    citizen.answer(f"/c/{SINGLE}", {"q_overall": "5"})
    page = client.get("/thanks")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Cảm ơn Ông/Bà!" in text
    assert "<img" not in text
    assert "<script" not in text
    assert "http" not in text


def test_a_counter_with_several_sectors_asks_which_first(citizen):
    response = citizen.open(f"/c/{SEVERAL}")
    assert response.status_code == 200
    assert "Ông/Bà đã sử dụng dịch vụ nào?" in citizen.page
    # One link per sector, straight to its form; each sector's own procedures under it.
    sectors = re.findall(rf'<a class="button" id="sector-\d" href="/c/{SEVERAL}/([a-z-]+)">',
                         citizen.page)
    assert len(sectors) == 3
    assert "<form" not in citizen.page
    assert re.search(rf'href="/c/{SEVERAL}/[a-z-]+/[a-z0-9-]+"', citizen.page)
    for sector in sectors:
        listed = re.findall(rf'href="/c/{SEVERAL}/{sector}/([a-z0-9-]+)"', citizen.page)
        assert all(f"/c/{SEVERAL}/{other}/{p}" not in citizen.page
                   for other in sectors if other != sector for p in listed)


def test_a_sector_without_a_procedure_opens_the_form(app, citizen):
    response = citizen.answer(f"/c/{SEVERAL}/ho-tich", {"q_overall": "5"})
    assert response.status_code == 302
    [stored] = stored_responses(app)
    assert (stored["sector"], stored["procedure"]) == ("ho-tich", None)


def test_a_sector_with_another_sectors_procedure_keeps_the_sector(client, survey_data):
    response = client.get(f"/c/{SEVERAL}?sector=ho-tich&procedure=cap-gcn-lan-dau")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/c/{SEVERAL}/ho-tich"


def test_the_picker_moves_the_choice_into_the_path(app, client, citizen):
    response = client.get(f"/c/{SEVERAL}?sector=ho-tich&procedure=")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/c/{SEVERAL}/ho-tich"
    with app.app_context():
        procedure = db.session.execute(
            select(Procedure.code).join(Sector).where(Sector.code == "ho-tich")
        ).scalars().first()
    response = client.get(f"/c/{SEVERAL}?sector=&procedure={procedure}")
    assert response.headers["Location"] == f"/c/{SEVERAL}/ho-tich/{procedure}"
    citizen.answer(f"/c/{SEVERAL}/ho-tich/{procedure}", {"q_overall": "3"})
    [stored] = stored_responses(app)
    assert (stored["sector"], stored["procedure"]) == ("ho-tich", procedure)


@pytest.mark.parametrize("query", ["sector=&procedure=", "sector=dat-dai", "procedure=nope"])
def test_the_picker_asks_again_for_a_missing_or_foreign_choice(client, survey_data, query):
    response = client.get(f"/c/{SEVERAL}?{query}")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Vui lòng chọn lĩnh vực của thủ tục." in text
    assert 'href="#sector-0"' in text


def test_a_sector_the_counter_does_not_serve_goes_back_to_the_picker(client, survey_data):
    response = client.get(f"/c/{SEVERAL}/dat-dai")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/c/{SEVERAL}"


@pytest.mark.parametrize("url", ["/c/no-such-counter", "/c/no-such-counter/dat-dai",
                                 "/k/no-such-counter"])
def test_an_unknown_counter_gets_a_friendly_404(client, survey_data, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Không tìm thấy phiếu khảo sát này" in response.get_data(as_text=True)


def test_a_counter_taken_out_of_service_takes_no_more_answers(app, citizen):
    citizen.open(f"/c/{SINGLE}")
    with app.app_context():
        counter = db.session.execute(select(Counter).where(Counter.code == SINGLE)).scalar_one()
        counter.active = False
        db.session.commit()
    response = citizen.send(f"/c/{SINGLE}", {"q_overall": "5"})
    assert response.status_code == 404
    assert stored_responses(app) == []


def test_the_language_switch_keeps_the_form(app, citizen):
    citizen.open(f"/c/{SEVERAL}/ho-tich")
    # A button of the form: the same path, the other language, the answers sent along.
    assert 'name="switch_lang" value="en" formaction="/c/ttphc-tu-phap/ho-tich?lang=en"' in (
        citizen.page)
    response = citizen.send(f"/c/{SEVERAL}/ho-tich?lang=en", {"switch_lang": "en"})
    assert response.status_code == 200
    assert "Overall, how satisfied are you" in citizen.page
    assert "Sector: Civil status" in citizen.page
    assert 'lang="en"' in citizen.page
    assert stored_responses(app) == []
    citizen.send(f"/c/{SEVERAL}/ho-tich?lang=en", {"q_overall": "2"})
    [stored] = stored_responses(app)
    assert (stored["language"], stored["sector"]) == ("en", "ho-tich")


def test_a_missing_overall_answer_is_shown_beside_the_question_with_answers_kept(app, citizen):
    response = citizen.answer(f"/c/{SINGLE}", {"q_comment": "Giữ lại nhé"})
    assert response.status_code == 422
    page = citizen.page
    assert page.count("Vui lòng trả lời câu hỏi này.") == 2  # summary + beside the field
    assert re.search(r'<a href="#q_overall-0">Nhìn chung, Ông/Bà hài lòng[^<]*</a>: '
                     r"Vui lòng trả lời câu hỏi này.", page)
    assert 'id="q_overall-error"' in page
    assert 'aria-describedby="q_overall-error"' in page
    assert "Giữ lại nhé</textarea>" in page
    assert "<title>Lỗi:" in page
    assert stored_responses(app) == []


@pytest.mark.parametrize(("answers", "field"), [
    ({"q_overall": "6"}, "q_overall"),
    ({"q_overall": "rat_tot"}, "q_overall"),
    ({"q_overall": "4", "q_comment": "x" * 2001}, "q_comment"),
])
def test_bad_answers_are_refused_and_nothing_is_stored(app, citizen, answers, field):
    response = citizen.answer(f"/c/{SINGLE}", answers)
    assert response.status_code == 422
    assert f'id="{field}-error"' in citizen.page
    assert stored_responses(app) == []


def test_a_resent_form_is_a_success_without_a_second_response(app, citizen):
    citizen.open(f"/c/{SINGLE}")
    page = citizen.page
    first = citizen.send(f"/c/{SINGLE}", {"q_overall": "5"})
    citizen.page = page  # the reply was lost: the citizen presses "send" on the same page
    again = citizen.send(f"/c/{SINGLE}", {"q_overall": "5"})
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"].startswith("/thanks?more=")
    assert len(stored_responses(app)) == 1


def test_a_filled_honeypot_looks_like_success_but_stores_nothing(app, citizen):
    response = citizen.answer(f"/c/{SINGLE}", {"q_overall": "1", "website": "http://x.example"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/thanks"
    assert stored_responses(app) == []


def test_contact_details_are_kept_only_with_consent(app, citizen):
    citizen.answer(f"/c/{SINGLE}", {"q_overall": "1", "q_comment": "Chờ ba tiếng.",
                                   "contact_phone": "0901 234 567"})
    citizen.answer(f"/c/{SINGLE}", {"q_overall": "2", "q_comment": "Thiếu ghế.",
                                   "contact_consent": "y", "contact_name": "Trần Thị B",
                                   "contact_phone": "0901 234 568"})
    comments = [r["comments"][0] for r in stored_responses(app)]
    assert comments == [
        ("Chờ ba tiếng.", False, None, None, None),
        ("Thiếu ghế.", True, "Trần Thị B", "0901 234 568", None),
    ]


def test_consent_without_a_comment_is_refused_beside_the_checkbox(app, citizen):
    response = citizen.answer(f"/c/{SINGLE}", {"q_overall": "2", "contact_consent": "y",
                                              "contact_phone": "0901 234 568"})
    assert response.status_code == 422
    assert 'href="#contact_consent"' in citizen.page
    assert stored_responses(app) == []


def test_an_over_long_comment_is_refused_with_its_count_and_kept_whole(app, citizen):
    citizen.open(f"/c/{SINGLE}")
    textarea = re.search(r"<textarea[^>]*>", citizen.page).group(0)
    assert "maxlength" not in textarea  # a browser would cut a pasted text silently
    assert "Tối đa 2.000 ký tự." in citizen.page
    text = "Chờ lâu. " * 300  # 2,700 characters with the spaces, 2,699 once trimmed
    response = citizen.send(f"/c/{SINGLE}", {"q_overall": "2", "q_comment": text})
    assert response.status_code == 422
    assert "Ý kiến của Ông/Bà có 2.699 ký tự: xin rút gọn lại." in citizen.page
    assert text.strip() + "</textarea>" in citizen.page
    assert stored_responses(app) == []
