"""The vocabulary: codes, the glossary of Vietnamese labels, and what is derived from it."""

import json

import pytest
from flask_babel import force_locale

from support import PROJECT
from survey_app import models, vocabulary
from survey_app.services.questionnaires.files import SCHEMA_PATH, schema
from survey_app.vocabulary import (
    Channel,
    CommentStatus,
    CommentTag,
    Labelled,
    QuestionnaireKind,
    Role,
    Term,
    Verdict,
)

ENUMS = [value for value in vars(vocabulary).values()
         if isinstance(value, type) and issubclass(value, Labelled) and value is not Labelled]
INITIAL_SCHEMA = PROJECT / "migrations" / "versions" / "3bcb467eb731_initial_schema.py"


def test_a_member_is_its_code():
    assert Channel.KIOSK == "kiosk"
    assert Channel("paper") is Channel.PAPER
    assert json.dumps({"channel": Channel.TOKEN}) == '{"channel": "token"}'
    assert f"{Role.ADMIN}" == "admin"


@pytest.mark.parametrize(("constraint", "sql"), [
    (Channel.check("channel"), "channel IN ('token', 'counter', 'kiosk', 'paper', 'link')"),
    (Role.check("role"), "role IN ('admin', 'analyst', 'agency', 'viewer')"),
    (CommentStatus.check("status"), "status IN ('new', 'assigned', 'handled')"),
])
def test_check_constraints_keep_the_sql_of_the_migration(constraint, sql):
    assert constraint == sql
    assert f'"{sql}"' in INITIAL_SCHEMA.read_text(encoding="utf-8")


def test_models_take_their_check_constraints_from_the_vocabulary():
    checks = {c.name: str(c.sqltext) for table in models.Response.metadata.tables.values()
              for c in table.constraints if c.__class__.__name__ == "CheckConstraint"}
    assert checks["ck_responses_channel"] == Channel.check("channel")
    assert checks["ck_staff_users_role"] == Role.check("role")
    assert checks["ck_comments_status"] == CommentStatus.check("status")


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_label_has_its_own_vietnamese_words(app_context, enum):
    for member in enum:
        with force_locale("en"):
            english = str(member.label)
        assert member.vi, member
        assert member.vi != english, member
    assert len({member.vi for member in enum}) == len(enum), "two members share a label"


def test_the_glossary(app_context):
    assert Channel.KIOSK.vi == "Máy khảo sát tại chỗ"
    assert Channel.COUNTER.vi == "Mã QR tại quầy"
    assert [v.vi for v in Verdict] == ["Đạt", "Chưa đạt", "Chưa đủ căn cứ kết luận"]
    assert Term.QUOTA.vi == "Chỉ tiêu số phiếu"
    assert Term.QUOTA.vi != Term.RESPONSES.vi


def test_labels_follow_the_request_language(app):
    for lang, word in [("vi", "Máy khảo sát tại chỗ"), ("en", "Kiosk")]:
        with app.test_request_context(), force_locale(lang):
            assert str(Channel.labels()["kiosk"]) == word
            assert [str(choice.label) for choice in Channel.choices()][2] == word


def test_an_unknown_code_is_shown_as_it_is(app_context):
    assert CommentTag.label_of("mot-nhan-khac") == "mot-nhan-khac"
    with force_locale("vi"):
        assert str(CommentTag.label_of("thoi-gian-cho")) == "Thời gian chờ"


def test_the_questionnaire_schema_file_lists_the_vocabulary_kinds():
    on_disk = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert on_disk["properties"]["kind"]["enum"] == list(QuestionnaireKind.values())
    assert on_disk == schema(), "questionnaire.schema.json differs from files.schema()"
