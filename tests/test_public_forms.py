"""The form builder: one field per questionnaire item, validated in the citizen's language."""

import uuid

import pytest
from werkzeug.datastructures import MultiDict

from support import PROJECT
from survey_app.services.questionnaires import files as questionnaire_files
from survey_app.services.questionnaires.forms import build_form_class
from survey_app.services.responses.submissions import Contact

SIPAS = questionnaire_files.read(PROJECT / "questionnaires" / "one-stop-sipas.v1.yaml").definition
OUTPATIENT = questionnaire_files.read(
    PROJECT / "questionnaires" / "health-outpatient.v1.yaml"
).definition

# A small definition with the one type the real files do not use yet.
CHOICES = {
    "overall_item": "q",
    "sections": [{"id": "s", "title": {"vi": "Phần", "en": "Part"}, "items": [
        {"id": "q", "type": "scale5", "required": True, "label": {"vi": "Chung", "en": "All"}},
        {"id": "kenh", "type": "multiple_choice", "label": {"vi": "Kênh", "en": "Channels"},
         "options": [{"value": "web", "label": {"vi": "Mạng", "en": "Web"}},
                     {"value": "quay", "label": {"vi": "Quầy", "en": "Counter"}}]},
    ]}],
}


@pytest.fixture
def request_ctx(app):
    with app.test_request_context("/"):
        yield


def form_for(definition, data, lang="vi", **options):
    # CSRF is the web views' business (tested there); here only the items are checked.
    form_class = build_form_class(definition, lang, **options)
    return form_class(formdata=MultiDict(data))


def valid_sipas(**more):
    return {"q_overall": "4", "submission_id": str(uuid.uuid4()), **more}


@pytest.mark.usefixtures("request_ctx")
@pytest.mark.parametrize("path", sorted((PROJECT / "questionnaires").glob("*.yaml")))
def test_every_questionnaire_file_builds_a_form_with_a_field_per_item(path):
    definition = questionnaire_files.read(path).definition
    form = build_form_class(definition, "vi")()
    items = questionnaire_files.items_of(definition)
    for item_id, item in items.items():
        field = form[item_id]
        expected = {"scale5": "RadioField", "single_choice": "RadioField",
                    "yes_no": "RadioField", "multiple_choice": "CheckboxesField",
                    "number": "NumberField", "percentage": "NumberField",
                    "text": "TextAreaField"}[item["type"]]
        assert field.type == expected, item_id
    laid_out = [i.name for s in form.layout for i in s.items]
    assert laid_out == list(items)


@pytest.mark.usefixtures("request_ctx")
def test_labels_follow_the_language():
    vi = build_form_class(SIPAS, "vi")()
    en = build_form_class(SIPAS, "en")()
    assert vi.q_overall.label.text.startswith("Nhìn chung")
    assert en.q_overall.label.text.startswith("Overall")
    assert en.tc1.choices[-1].label == "Not used / No opinion"
    assert (en.tc1.choices[3].value, en.tc1.choices[3].label) == ("4", "4 – Satisfied")
    assert vi.layout[0].title == "Tiếp cận dịch vụ hành chính công"


@pytest.mark.usefixtures("request_ctx")
def test_valid_answers_become_the_submission_dict():
    form = form_for(OUTPATIENT, {
        "q_overall": "5", "a1": "not_used", "a2": "3", "gioi_tinh": "nu", "bhyt": "yes",
        "tuoi": "42", "khoang_cach": "3,5", "g1": "95",
        "submission_id": str(uuid.uuid4()),
    })
    assert form.validate(), form.errors
    answers = form.answers()
    assert answers["q_overall"] == 5
    assert answers["a1"] == "not_used"
    assert answers["a2"] == 3
    assert answers["gioi_tinh"] == "nu"
    assert answers["bhyt"] == "yes"
    assert answers["tuoi"] == 42.0
    assert answers["khoang_cach"] == 3.5
    assert "a3" not in answers  # unanswered optional items are left out


@pytest.mark.usefixtures("request_ctx")
def test_multiple_choice_takes_a_list_of_known_values():
    form = form_for(CHOICES, [("q", "2"), ("kenh", "web"), ("kenh", "quay")], web=False)
    assert form.validate(), form.errors
    assert form.answers() == {"q": 2, "kenh": ["web", "quay"]}
    forged = form_for(CHOICES, [("q", "2"), ("kenh", "web"), ("kenh", "fax")], web=False)
    assert not forged.validate()
    assert forged.errors["kenh"] == ["Vui lòng chọn một trong các câu trả lời có sẵn."]


@pytest.mark.usefixtures("request_ctx")
@pytest.mark.parametrize(("lang", "message"), [
    ("vi", "Vui lòng trả lời câu hỏi này."),
    ("en", "Please answer this question."),
])
def test_the_overall_item_is_required_in_the_citizens_language(lang, message):
    form = form_for(SIPAS, {"tc1": "5", "submission_id": str(uuid.uuid4())}, lang=lang)
    assert not form.validate()
    assert form.errors == {"q_overall": [message]}
    [(anchor, question, said)] = form.error_links()
    assert (anchor, said) == ("q_overall-0", message)
    assert question == form.q_overall.label.text


@pytest.mark.usefixtures("request_ctx")
@pytest.mark.parametrize(("data", "field", "message"), [
    ({"q_overall": "6"}, "q_overall", "Vui lòng chọn một trong các câu trả lời có sẵn."),
    ({"q_overall": "0"}, "q_overall", "Vui lòng chọn một trong các câu trả lời có sẵn."),
    ({"tc1": "not_sure"}, "tc1", "Vui lòng chọn một trong các câu trả lời có sẵn."),
    ({"q_overall": "not_used"}, "q_overall", "Vui lòng chọn một trong các câu trả lời có sẵn."),
    ({"q_comment": "x" * 2001}, "q_comment", "Vui lòng viết không quá 2000 ký tự."),
])
def test_out_of_range_and_unknown_answers_are_refused(data, field, message):
    form = form_for(SIPAS, valid_sipas(**data))
    assert not form.validate()
    assert form.errors[field] == [message]


@pytest.mark.usefixtures("request_ctx")
@pytest.mark.parametrize(("data", "field", "message"), [
    ({"gioi_tinh": "khac"}, "gioi_tinh", "Vui lòng chọn một trong các câu trả lời có sẵn."),
    ({"bhyt": "maybe"}, "bhyt", "Vui lòng chọn một trong các câu trả lời có sẵn."),
    ({"tuoi": "121"}, "tuoi", "Vui lòng nhập một số từ 0 đến 120."),
    ({"tuoi": "bốn mươi"}, "tuoi", "Vui lòng nhập một số."),
    ({"tuoi": "nan"}, "tuoi", "Vui lòng nhập một số."),
    ({"g1": "-1"}, "g1", "Vui lòng nhập một số từ 0 đến 200."),
])
def test_choices_and_numbers_are_checked(data, field, message):
    form = form_for(OUTPATIENT, valid_sipas(**data))
    assert not form.validate()
    assert form.errors[field] == [message]


@pytest.mark.usefixtures("request_ctx")
def test_line_breaks_count_once_against_the_comment_limit():
    # 1000 lines: 1999 characters in the browser, 2998 bytes of CRLF on the wire.
    comment = "\r\n".join(["x"] * 1000)
    form = form_for(SIPAS, valid_sipas(q_comment=comment))
    assert form.validate(), form.errors
    assert form.answers()["q_comment"] == "\n".join(["x"] * 1000)


@pytest.mark.usefixtures("request_ctx")
def test_the_submission_id_is_new_for_a_blank_form_and_kept_from_a_post():
    first, second = build_form_class(SIPAS, "vi")(), build_form_class(SIPAS, "vi")()
    assert uuid.UUID(first.submission_id.data).version == 4
    assert first.submission_id.data != second.submission_id.data
    sent = str(uuid.uuid4())
    assert form_for(SIPAS, valid_sipas(submission_id=sent)).submission_id.data == sent
    damaged = form_for(SIPAS, valid_sipas(submission_id="1; DROP TABLE"))
    assert not damaged.validate()
    assert "submission_id" in damaged.errors


@pytest.mark.usefixtures("request_ctx")
def test_the_honeypot_is_hidden_from_people_and_marks_bots():
    form = build_form_class(SIPAS, "vi")()
    html = form.website()
    assert 'tabindex="-1"' in html
    assert 'autocomplete="off"' in html
    assert form.website.label.text == "Hãy để trống ô này"
    assert not form_for(SIPAS, valid_sipas()).is_bot()
    assert form_for(SIPAS, valid_sipas(website="http://spam.example")).is_bot()


@pytest.mark.usefixtures("request_ctx")
def test_contact_details_are_ignored_without_consent():
    form = form_for(SIPAS, valid_sipas(contact_phone="not a phone", contact_name="A"))
    assert form.validate(), form.errors
    assert form.contact() is None


@pytest.mark.usefixtures("request_ctx")
@pytest.mark.parametrize(("data", "field", "message"), [
    ({"contact_phone": "0901234567"}, "contact_consent",
     "Vui lòng viết góp ý ở trên để chúng tôi biết cần liên hệ với Ông/Bà về việc gì."),
    ({"q_comment": "Chờ lâu."}, "contact_consent",
     "Vui lòng cho biết số điện thoại hoặc địa chỉ e-mail."),
    ({"q_comment": "Chờ lâu.", "contact_phone": "12"}, "contact_phone",
     "Vui lòng nhập số điện thoại bằng chữ số, ví dụ 0901 234 567."),
    ({"q_comment": "Chờ lâu.", "contact_email": "an.example.com"}, "contact_email",
     "Vui lòng nhập địa chỉ e-mail dạng ten@example.com."),
])
def test_consent_needs_a_comment_and_a_valid_way_to_reach(data, field, message):
    form = form_for(SIPAS, valid_sipas(contact_consent="y", **data))
    assert not form.validate()
    assert form.errors[field] == [message]


@pytest.mark.usefixtures("request_ctx")
def test_consented_contact_details_are_returned_trimmed():
    form = form_for(SIPAS, valid_sipas(
        contact_consent="y", q_comment="Chờ quá lâu.", contact_name=" Nguyễn Văn A ",
        contact_phone="+84 90-123-4567", contact_email="a@example.vn"))
    assert form.validate(), form.errors
    assert form.contact() == Contact(name="Nguyễn Văn A", phone="+84 90-123-4567",
                                     email="a@example.vn")


@pytest.mark.usefixtures("request_ctx")
def test_paper_rows_validate_without_csrf_or_web_fields():
    form_class = build_form_class(SIPAS, "vi", web=False)
    form = form_class(formdata=MultiDict({"q_overall": "2", "cc1": "5"}))
    assert form.validate(), form.errors
    assert form.answers() == {"q_overall": 2, "cc1": 5}
    assert "csrf_token" not in form
    assert "submission_id" not in form
    assert "website" not in form


@pytest.mark.usefixtures("request_ctx")
@pytest.mark.parametrize("reserved", ["submission_id", "website", "answers"])
def test_an_item_id_that_the_form_itself_uses_is_refused(reserved):
    definition = {**CHOICES, "sections": [{**CHOICES["sections"][0], "items": [
        *CHOICES["sections"][0]["items"],
        {"id": reserved, "type": "text", "label": {"vi": "x", "en": "x"}}]}]}
    with pytest.raises(ValueError, match="reserved"):
        build_form_class(definition, "vi")
