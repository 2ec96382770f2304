"""One error base: services raise a code with parameters, the edges translate it.

The web gives the 4xx with the sentence in the reader's language, the command line
one English line and exit 2; no module reads flask_babel's private `_args` or makes a
fake request context to translate; every error class has a name of its own.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest
from flask import Flask

import survey_app
from support import PROJECT
from survey_app import errors
from survey_app.errors import DomainError, describe
from survey_app.services.access.accounts import AccountError
from survey_app.services.campaigns.setup import CampaignError
from survey_app.services.paper.files import UnreadableFile


def _modules():
    for info in pkgutil.walk_packages(survey_app.__path__, "survey_app."):
        if info.name != "survey_app.wsgi":  # builds the production app on import
            yield importlib.import_module(info.name)


def test_every_code_has_its_sentence_and_a_code_without_one_fails_at_once():
    with pytest.raises(KeyError, match="no_such_code"):
        AccountError("no_such_code")
    error = CampaignError("facility_overlap", field="facilities", facility="BV Đa khoa",
                          campaign="Đợt 1")
    assert error.field == "facilities"
    assert str(error) == ("BV Đa khoa is already in the campaign “Đợt 1” at the same time "
                          "with this kind of questionnaire.")


def test_the_sentence_is_translated_at_the_edge(app_context):
    error = AccountError("password_short", length=12)
    assert describe(error, "vi") == "mật khẩu phải có ít nhất 12 ký tự"
    assert describe(error, "en") == "the password must have at least 12 characters"
    assert describe(UnreadableFile("too_many_rows", rows=5), "vi") == (
        "nhiều hơn 5 phiếu: hãy chia nhỏ tệp")


def test_every_sentence_is_in_the_vietnamese_catalogue(app_context):
    # file_problems carries the file checkers' own English lines, nothing to translate.
    untranslated = [code for code, msgid in errors.MESSAGES.items()
                    if describe(DomainError(code, **_params(msgid)), "vi")
                    == msgid % _params(msgid) and code != "file_problems"]
    assert untranslated == []


def _params(msgid: str) -> dict:
    return {name: 7 for name in re.findall(r"%\((\w+)\)s", msgid)}


def test_no_private_args_and_no_fake_request_context():
    sources = {path: path.read_text(encoding="utf-8")
               for path in (PROJECT / "survey_app").rglob("*.py")}
    assert [str(p) for p, text in sources.items() if "test_request_context" in text] == []
    assert [str(p) for p, text in sources.items() if re.search(r"\._args\b", text)] == []


def test_every_error_class_has_a_name_of_its_own():
    seen: dict[str, set[str]] = {}
    for module in _modules():
        for name, value in vars(module).items():
            if (inspect.isclass(value) and issubclass(value, Exception)
                    and value.__module__ == module.__name__):
                seen.setdefault(name, set()).add(module.__name__)
    twice = {name: places for name, places in seen.items() if len(places) > 1}
    assert twice == {}
    assert "UnknownCounter" not in seen
    assert "UnknownAgency" not in seen


# Not refusals of a service: a kind's parse result (answers.validate turns it into a
# located Problem, whose sentence each edge writes).
NOT_REFUSALS = {"survey_app.services.questionnaires.kinds.base.Invalid"}


def test_every_error_a_service_raises_is_a_domain_error():
    others = sorted(
        f"{module.__name__}.{name}" for module in _modules()
        if module.__name__.startswith("survey_app.services.")
        for name, value in vars(module).items()
        if inspect.isclass(value) and issubclass(value, Exception)
        and value.__module__ == module.__name__ and not issubclass(value, DomainError))
    assert [name for name in others if name not in NOT_REFUSALS] == []


def test_the_command_line_prints_one_english_line_and_exits_2(app_context, runner):
    result = runner.invoke(args=["users", "create", "hoa", "--role", "admin",
                                 "--password-stdin"], input="short\n")
    assert result.exit_code == 2
    assert result.output == "error: the password must have at least 12 characters\n"
    unknown = runner.invoke(args=["users", "create", "hoa", "--role", "analyst",
                                  "--sector", "khong-co"], input="")
    assert unknown.exit_code == 2
    assert unknown.output == "error: unknown sector code(s): khong-co\n"


def test_a_domain_error_no_command_handles_is_one_line_too(app_context, runner):
    from survey_app.commands.refusal import refuse_missing_schema

    @survey_app.commands.users.users.command("refuse-for-test")
    def refuse_for_test():
        raise CampaignError("campaign_closed")

    try:
        refuse_missing_schema(refuse_for_test)
        result = runner.invoke(args=["users", "refuse-for-test"])
    finally:
        survey_app.commands.users.users.commands.pop("refuse-for-test")
    assert result.exit_code == 2
    assert result.output == "error: This campaign is closed: it can no longer be changed.\n"


@pytest.fixture
def refusing_app(other_app) -> Flask:
    """The app with one page and one API route that raise a DomainError no view handles."""
    app = other_app()

    def page():
        raise CampaignError("campaign_closed")

    def api():
        raise UnreadableFile("file_empty")

    app.add_url_rule("/refused-for-test", view_func=page)
    app.add_url_rule("/api/v1/refused-for-test", view_func=api)
    return app


def test_the_web_gives_the_4xx_with_the_sentence(refusing_app):
    client = refusing_app.test_client()
    page = client.get("/refused-for-test")
    assert page.status_code == 400
    assert "Đợt khảo sát này đã kết thúc: không thể thay đổi nữa." in page.get_data(as_text=True)
    english = client.get("/refused-for-test?lang=en")
    assert english.status_code == 400
    assert ("This campaign is closed: it can no longer be changed."
            in english.get_data(as_text=True))
    api = client.get("/api/v1/refused-for-test?lang=vi")
    assert api.status_code == 422
    assert api.get_json() == {"error": "file_empty", "message": "tệp không có nội dung"}
