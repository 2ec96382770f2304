"""Row 17: control characters are normalised where text comes in (text_input.clean).

NUL and lone surrogates are refused with a message; ESC, the other C0/C1 controls, DEL
and U+2028/U+2029 are removed; comments keep their line feeds and tabs. Checked on
each edge: citizen and kiosk forms, the staff comment and case forms, paper imports,
the API (tests/test_odd_inputs.py) and the reference and questionnaire loaders.
"""

from __future__ import annotations

import re

import pytest
from campaign_support import analyst, csv_file, health_input, paper_row, today
from sqlalchemy import func, select
from test_staff_access import _client, _seed

from support import PROJECT, Citizen, csrf_token_from, stored_responses
from survey_app.extensions import db
from survey_app.models import Agency, CaseEvent, Comment, Response
from survey_app.services.campaigns import setup as campaigns
from survey_app.services.paper import imports as paper_import
from survey_app.services.paper.files import read_table
from survey_app.services.reference import files as reference_files
from survey_app.text_input import ControlCharacter, clean

DIRTY = "Chờ lâu\x1b[31m quá\u2028\x07 ở\x85 quầy\x7f\r\nlần\tsau"
MULTI_LINE = "Chờ lâu[31m quá ở quầy\nlần\tsau"


@pytest.mark.parametrize(("text", "multiline", "expected"), [
    (DIRTY, True, MULTI_LINE),
    (DIRTY, False, "Chờ lâu[31m quá ở quầy lần sau"),
    ("a\rb\u2029c", True, "a\nbc"),
    ("Nguyễn Thị Ánh ‎‍", False, "Nguyễn Thị Ánh ‎‍"),  # format characters stay
    ("", False, ""),
])
def test_clean_removes_controls_and_keeps_text(text, multiline, expected):
    assert clean(text, multiline=multiline) == expected


@pytest.mark.parametrize("text", ["a\x00b", "\ud800", "x\udfff"])
def test_clean_refuses_nul_and_lone_surrogates(text):
    with pytest.raises(ControlCharacter):
        clean(text, multiline=True)


def _answers(comment=DIRTY, name="Bà\u2028 Lan\x1b"):
    return {"q_overall": "4", "q_comment": comment, "contact_consent": "y",
            "contact_name": name, "contact_phone": "0901 234 567"}


def test_the_citizen_form_stores_the_text_cleaned(app, survey_data):
    citizen = Citizen(app.test_client())
    response = citizen.answer("/c/ttphc-dat-dai", _answers())
    assert response.status_code == 302, citizen.page[:2000]
    [stored] = stored_responses(app)
    [(text, _consent, name, _phone, _email)] = stored["comments"]
    assert (text, name) == (MULTI_LINE, "Bà Lan")


def test_the_kiosk_second_page_stores_the_text_cleaned(app, survey_data):
    tablet = Citizen(app.test_client(), address="10.0.0.20")
    tapped = tablet.answer("/k/ttphc-dat-dai", {"q_overall": "2"})
    tablet.open(tapped.headers["Location"])
    more = re.search(r'href="(/k/more/[^"]+)"', tablet.page).group(1)
    tablet.open(more)
    assert tablet.send(more, {"q_comment": DIRTY}).status_code == 302
    [stored] = stored_responses(app)
    assert stored["comments"][0][0] == MULTI_LINE


@pytest.fixture
def world(app, runner):
    from seeding import load_reference

    load_reference(app, runner)
    with app.app_context():
        return _seed(app)


def test_the_staff_comment_form_cleans_its_note_and_refuses_nul(app, world):
    admin = _client(app, "admin")
    url = f"/staff/comments/{world['land_comment']}"
    token = csrf_token_from(admin.get(url).get_data(as_text=True))
    refused = admin.post(url, data={"csrf_token": token, "reply_note": "đã\x00 gọi"})
    assert "ký tự không thể lưu" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Comment, world["land_comment"]).reply_note is None
    admin.post(url, data={"csrf_token": token, "reply_note": DIRTY, "tags": "trễ\x1b hạn"})
    with app.app_context():
        comment = db.session.get(Comment, world["land_comment"])
        assert comment.reply_note == MULTI_LINE
        assert comment.tags == ["trễ hạn"]


def _notes(app, case_id):
    with app.app_context():
        return [e.text for e in db.session.execute(select(CaseEvent).where(
            CaseEvent.case_id == case_id)).scalars() if e.action == "note"]


def test_a_case_note_is_cleaned_and_nul_is_a_400(app, world):
    admin = _client(app, "admin")
    case_id = world["cases"][0]
    url = f"/staff/cases/{case_id}"
    token = csrf_token_from(admin.get(url).get_data(as_text=True))
    refused = admin.post(url, data={"csrf_token": token, "action": "note", "text": "a\x00b"})
    assert refused.status_code == 400
    assert "ký tự" in refused.get_data(as_text=True)
    assert _notes(app, case_id) == []
    admin.post(url, data={"csrf_token": token, "action": "note", "text": DIRTY})
    assert _notes(app, case_id) == [MULTI_LINE]


@pytest.fixture
def campaign(reference_data):
    return campaigns.create(health_input(), analyst("yte", "y-te"))


def test_a_paper_import_cleans_comments_and_refuses_nul(campaign):
    def table(comment):
        row = paper_row(campaign, "bv-da-khoa-vinh-long", today(), 4, q_comment=comment)
        return read_table("a.csv", csv_file(campaign, [row]))

    with pytest.raises(paper_import.InvalidFile) as refused:
        paper_import.import_table(campaign, "a.csv", table("xấu\x00"), None)
    assert "null character" in "\n".join(e.text() for e in refused.value.errors)
    assert db.session.execute(select(func.count()).select_from(Response)).scalar() == 0
    paper_import.import_table(campaign, "a.csv", table(DIRTY), None)
    assert db.session.execute(select(Comment.text)).scalar_one() == MULTI_LINE


def _reference_copy(tmp_path, change):
    for name in reference_files.FILES:
        text = (PROJECT / "reference" / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(change(name, text), encoding="utf-8")
    return reference_files.find_files([tmp_path])


def _rename_first_agency(new_name):
    def change(name, text):
        if name != "agencies.yaml":
            return text
        old = '{vi: "Ủy ban nhân dân tỉnh Vĩnh Long",'
        assert old in text
        return text.replace(old, f'{{vi: "{new_name}",', 1)
    return change


def test_the_reference_loader_cleans_escaped_controls(app_context, tmp_path):
    reference_files.load(_reference_copy(tmp_path, _rename_first_agency(
        "Ủy ban\\x1b[2J nhân dân\\u2028 tỉnh")))
    names = set(db.session.execute(select(Agency.name_vi)).scalars())
    assert "Ủy ban[2J nhân dân tỉnh" in names


def test_the_reference_loader_refuses_an_escaped_nul_with_its_file_and_line(app_context,
                                                                             tmp_path):
    with pytest.raises(reference_files.InvalidReferenceData) as refused:
        reference_files.load(_reference_copy(tmp_path, _rename_first_agency("Ủy ban\\0")))
    assert "agencies.yaml" in str(refused.value)
    assert "null character" in str(refused.value)
    assert db.session.execute(select(func.count()).select_from(Agency)).scalar() == 0
