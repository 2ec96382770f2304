"""Questionnaire files: validation (schema + meaning), the CLI, and versioned loading."""

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from support import PROJECT
from survey_app.extensions import db
from survey_app.models import Questionnaire, QuestionnaireVersion
from survey_app.services.questionnaires import files as questionnaire_files

QUESTIONNAIRES = PROJECT / "questionnaires"
MINIMAL = {
    "id": "mini",
    "version": 1,
    "kind": "administrative",
    "instrument": {"issuer": {"vi": "Bộ Nội vụ", "en": "Ministry of Home Affairs"},
                   "reference": "QĐ 2640/QĐ-BNV", "edition": "2017"},
    "title": {"vi": "Phiếu thử", "en": "Test form"},
    "sections": [{
        "id": "chung",
        "title": {"vi": "Chung", "en": "General"},
        "items": [
            {"id": "a1", "type": "scale5", "label": {"vi": "Tiếp cận", "en": "Access"},
             "allow_not_used": True},
            {"id": "q_overall", "type": "scale5", "required": True,
             "label": {"vi": "Nhìn chung", "en": "Overall"}},
        ],
    }],
    "overall_item": "q_overall",
    "factors": [{"id": "tiep-can", "label": {"vi": "Tiếp cận", "en": "Access"}, "items": ["a1"]}],
}


def write(tmp_path: Path, data: dict, name="mini.v1.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def variant(**changes) -> dict:
    data = yaml.safe_load(yaml.safe_dump(MINIMAL))
    data.update(changes)
    return data


def test_the_four_standard_questionnaires_are_valid(runner):
    result = runner.invoke(args=["questionnaires", "validate", str(QUESTIONNAIRES)])
    assert result.exit_code == 0, result.output
    kinds = {yaml.safe_load(p.read_text())["kind"] for p in QUESTIONNAIRES.glob("*.yaml")}
    assert kinds == {"administrative", "health_inpatient", "health_outpatient", "education_parent"}


def test_duplicate_id_and_missing_english_are_both_reported(runner, tmp_path):
    data = variant()
    items = data["sections"][0]["items"]
    items.append({"id": "a1", "type": "scale5", "label": {"vi": "Lặp lại", "en": "Again"}})
    del items[0]["label"]["en"]
    result = runner.invoke(args=["questionnaires", "validate", str(write(tmp_path, data))])
    assert result.exit_code == 2
    assert "item a1: duplicate item id" in result.output
    assert "item a1.label: 'en' is a required property" in result.output


@pytest.mark.parametrize(("change", "message"), [
    ({"overall_item": "nope"}, "overall_item: no item with id 'nope'"),
    ({"overall_item": "txt"}, "overall_item: 'txt' is not a scale5 item"),
    ({"factors": [{"id": "f", "label": {"vi": "F", "en": "F"}, "items": []}]},
     "factor f: has no items"),
    ({"factors": [{"id": "f", "label": {"vi": "F", "en": "F"}, "items": ["zz"]}]},
     "factor f: no item with id 'zz'"),
    ({"kind": "weather"}, "kind: 'weather' is not one of"),
    ({"title": {"vi": "", "en": "Test"}}, "title.vi: '' should be non-empty"),
    ({"version": 0}, "version: 0 is less than the minimum of 1"),
    ({"first_page": ["q_overall", "zz"]}, "first_page: no item with id 'zz'"),
    ({"first_page": ["txt"]}, "first_page: must include the overall item"),
    ({"first_page": []}, "first_page: [] should be non-empty"),
])
def test_meaningful_problems(tmp_path, change, message):
    data = variant(**change)
    data["sections"][0]["items"].append(
        {"id": "txt", "type": "text", "label": {"vi": "Góp ý", "en": "Comment"}})
    with pytest.raises(questionnaire_files.InvalidQuestionnaire) as raised:
        questionnaire_files.read(write(tmp_path, data))
    assert message in str(raised.value)


def test_choice_items_need_options_and_scales_take_no_options(tmp_path):
    data = variant()
    data["sections"][0]["items"] += [
        {"id": "sex", "type": "single_choice", "label": {"vi": "Giới tính", "en": "Sex"}},
        {"id": "b1", "type": "scale5", "label": {"vi": "B", "en": "B"},
         "options": [{"value": "x", "label": {"vi": "x", "en": "x"}},
                     {"value": "y", "label": {"vi": "y", "en": "y"}}]},
    ]
    with pytest.raises(questionnaire_files.InvalidQuestionnaire) as raised:
        questionnaire_files.read(write(tmp_path, data))
    problems = [str(p) for p in raised.value.problems]
    assert any("item sex: a single_choice item needs options" in p for p in problems)
    assert any("item b1: options are only for choice items" in p for p in problems)


@pytest.mark.parametrize(("content", "message"), [
    (b"id: [unclosed\n", "line 2: YAML"),
    (b"\xff\xfe not utf-8", "not UTF-8"),
    (b"- just\n- a list\n", "expected a mapping"),
    (b"id: one\nversion: 1\nid: two\n", "duplicate key 'id'"),
])
def test_malformed_files(runner, tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    result = runner.invoke(args=["questionnaires", "validate", str(path)])
    assert result.exit_code == 2
    assert message in result.output


def test_loading_creates_versions_once(app_context, runner, tmp_path):
    path = write(tmp_path, variant())
    first = runner.invoke(args=["questionnaires", "load", str(path)])
    assert first.exit_code == 0, first.output
    assert "mini v1: created" in first.output
    again = runner.invoke(args=["questionnaires", "load", str(path)])
    assert "mini v1: unchanged" in again.output
    write(tmp_path, variant(version=2, title={"vi": "Phiếu mới", "en": "New form"}),
          name="mini.v2.yaml")
    third = runner.invoke(args=["questionnaires", "load", str(tmp_path)])
    assert "mini v2: created" in third.output
    versions = db.session.execute(select(QuestionnaireVersion.version)).scalars().all()
    assert sorted(versions) == [1, 2]


def test_a_published_version_is_never_changed_in_place(app_context, runner, tmp_path):
    path = write(tmp_path, variant())
    runner.invoke(args=["questionnaires", "load", str(path)])
    write(tmp_path, variant(title={"vi": "Đổi tên", "en": "Renamed"}))
    result = runner.invoke(args=["questionnaires", "load", str(path)])
    assert result.exit_code == 2
    assert "published and cannot change" in result.output
    title = db.session.execute(select(QuestionnaireVersion.title_vi)).scalar_one()
    assert title == "Phiếu thử"


def test_a_draft_may_be_replaced(app_context, runner, tmp_path):
    path = write(tmp_path, variant(status="draft"))
    runner.invoke(args=["questionnaires", "load", str(path)])
    write(tmp_path, variant(status="draft", title={"vi": "Bản nháp 2", "en": "Draft 2"}))
    result = runner.invoke(args=["questionnaires", "load", str(path)])
    assert "mini v1: replaced draft" in result.output
    assert db.session.execute(select(QuestionnaireVersion.title_vi)).scalar_one() == "Bản nháp 2"


def test_one_bad_file_loads_nothing(app_context, runner, tmp_path):
    write(tmp_path, variant())
    write(tmp_path, variant(id="other", overall_item="missing"), name="other.v1.yaml")
    result = runner.invoke(args=["questionnaires", "load", str(tmp_path)])
    assert result.exit_code == 2
    assert db.session.execute(select(func.count()).select_from(Questionnaire)).scalar() == 0
