"""One check of answers for every channel: `services.responses.answers.validate`.

The same raw values give the same answer rows, or the same problems at the same
fields, through the function itself, the campaign's web form (real HTTP), staff
paper entry (real HTTP, logged in) and the paper file import. The questionnaire has
a required and an optional item of every kind the registry knows; values are drawn
per kind, good and bad (a property test, reproducible: derandomized).
"""

from __future__ import annotations

import html
import itertools
import re
import uuid

import pytest
import yaml
from campaign_support import analyst, health_input, today
from flask_babel import force_locale
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from support import StaffActions, csrf_token_from, hidden_fields_from
from survey_app.extensions import db
from survey_app.models import Answer, Comment, Response
from survey_app.services.campaigns import setup as campaigns
from survey_app.services.paper import imports as paper_import
from survey_app.services.paper.files import read_table
from survey_app.services.questionnaires import kinds
from survey_app.services.questionnaires.files import items_of
from survey_app.services.questionnaires.forms import problem_message
from survey_app.services.responses import answers

OPTIONS = [{"value": "web", "label": {"vi": "Mạng", "en": "Web"}},
           {"value": "quay", "label": {"vi": "Quầy", "en": "Counter"}}]
# One declaration per registered kind: a new kind needs its line here (and its values).
EXAMPLE_ITEMS = {
    "scale5": {"allow_not_used": True},
    "single_choice": {"options": OPTIONS},
    "multiple_choice": {"options": OPTIONS},
    "yes_no": {},
    "number": {"min": 0, "max": 120},
    "percentage": {"max": 200},
    "text": {"max_length": 40},
}
NUMBERS = st.sampled_from(["0", "42", "120", "3,5", "45.5", "-1", "121", "abc", "nan", "1e3",
                           "200", "200,5", "1 000"]) | st.integers(-10, 250).map(str)
VALUES = {
    "scale5": st.sampled_from(["1", "2", "3", "4", "5", "not_used", "0", "6", "x"]),
    "single_choice": st.sampled_from(["web", "quay", "khac"]),
    "multiple_choice": st.lists(st.sampled_from(["web", "quay", "fax"]), min_size=1,
                                max_size=3),
    "yes_no": st.sampled_from(["yes", "no", "maybe"]),
    "number": NUMBERS,
    "percentage": NUMBERS,
    "text": st.text(alphabet="aăâbđêôơư ,;\n", max_size=60),
}
ERROR = re.compile(r'<p class="error" id="([\w-]+)-error">.*?</span>(.*?)</p>', re.S)


def _item(kind: str, required: bool) -> dict:
    suffix = "req" if required else "opt"
    return {"id": f"{kind}_{suffix}", "type": kind, "required": required,
            "label": {"vi": f"{kind} {suffix}", "en": f"{kind} {suffix}"},
            **EXAMPLE_ITEMS[kind]}


DEFINITION = {
    "id": "every-kind", "version": 1, "status": "published", "kind": "health_inpatient",
    "instrument": {"issuer": {"vi": "Thử", "en": "Test"}, "reference": "T", "edition": "1"},
    "title": {"vi": "Mọi loại câu hỏi", "en": "Every kind"},
    "sections": [{"id": "s", "title": {"vi": "Phần", "en": "Part"}, "items": [
        {"id": "q_overall", "type": "scale5", "required": True,
         "label": {"vi": "Nhìn chung", "en": "Overall"}},
        *(_item(kind, required) for kind in EXAMPLE_ITEMS for required in (True, False)),
    ]}],
    "overall_item": "q_overall",
}
ITEMS = items_of(DEFINITION)
RAW = st.fixed_dictionaries({
    item_id: st.none() | VALUES[item["type"]] for item_id, item in ITEMS.items()})
CHANNELS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


def test_every_registered_kind_is_in_the_channel_test():
    assert set(EXAMPLE_ITEMS) == set(VALUES) == set(kinds.names())


@pytest.fixture
def channels(reference_data, extra_app, runner, tmp_path):
    """The every-kind questionnaire in a health campaign, its analyst logged in on a
    separate app object (each request gets its own context, as in production)."""
    (tmp_path / "every-kind.v1.yaml").write_text(
        yaml.safe_dump(DEFINITION, allow_unicode=True), encoding="utf-8")
    loaded = runner.invoke(args=["questionnaires", "load", str(tmp_path)])
    assert loaded.exit_code == 0, loaded.output
    user = analyst("yte", "y-te")
    campaign = campaigns.create(health_input(), user)
    assert campaign.questionnaire_version.definition["id"] == "every-kind"
    web = extra_app()
    client = web.test_client()
    assert StaffActions(web, client).login("yte").status_code == 302
    return campaign, client


def _posted(raw: dict) -> MultiDict:
    data = MultiDict()
    for item_id, value in raw.items():
        for part in [] if value is None else value if isinstance(value, list) else [value]:
            data.add(item_id, part)
    return data


def _expected(checked: answers.Checked) -> tuple[set, list, dict]:
    rows = {(r["item_code"], r["score"], r["choice"], r["number"]) for r in checked.rows()}
    comments = [c["text"] for c in answers.rows_and_comments(checked.items, checked.values)[1]]
    with force_locale("vi"):
        messages = {p.field: problem_message(p) for p in checked.problems}
    return rows, comments, messages


def _stored(response_id: int) -> tuple[set, list]:
    db.session.rollback()  # see what the other app object wrote
    rows = db.session.execute(select(Answer.item_code, Answer.score, Answer.choice,
                                     Answer.number).where(Answer.response_id == response_id))
    comments = db.session.execute(select(Comment.text).where(Comment.response_id == response_id)
                                  .order_by(Comment.id)).scalars()
    return {tuple(row) for row in rows}, list(comments)


def _last_response() -> int | None:
    db.session.rollback()
    return db.session.execute(select(func.max(Response.id))).scalar()


def _through_the_form(client, url: str, data: MultiDict, expected) -> None:
    before = _last_response()
    reply = client.post(url, data=data)
    rows, comments, messages = expected
    if messages:
        assert reply.status_code == 422, reply.status_code
        page = reply.get_data(as_text=True)
        shown = {field: html.unescape(text) for field, text in ERROR.findall(page)}
        assert shown == messages
        assert _last_response() == before
    else:
        assert reply.status_code == 302, reply.get_data(as_text=True)[:2000]
        assert _stored(_last_response()) == (rows, comments)


def _cell(value) -> str:
    return "" if value is None else ";".join(value) if isinstance(value, list) else value


# The import refuses content it has seen before; each example writes the facility's
# agency code in a letter case of its own (codes are read case-blind), so that a value
# drawn twice is imported twice.
_CASES = itertools.count(1)


def _facility_cell(code: str) -> str:
    mask = next(_CASES)
    return "".join(c.upper() if mask >> i & 1 else c for i, c in enumerate(code))


def _through_the_file(campaign, raw: dict, checked: answers.Checked, expected) -> None:
    header = ["facility", "date", *ITEMS]
    cells = [_facility_cell("bv-da-khoa-vinh-long"), f"{today():%d/%m/%Y}",
             *(_cell(raw[item_id]) for item_id in ITEMS)]
    table = read_table("forms.csv", _csv([header, cells]))
    rows, comments, _ = expected
    if checked.problems:
        with pytest.raises(paper_import.InvalidFile) as refused:
            paper_import.import_table(campaign, "forms.csv", table, None)
        assert [(e.row, e.column, e.problem) for e in refused.value.errors] == [
            (2, p.field, p.code) for p in checked.problems]
    else:
        batch = paper_import.import_table(campaign, "forms.csv", table, None)
        response_id = db.session.execute(
            select(Response.id).where(Response.import_batch_id == batch.id)).scalar_one()
        assert _stored(response_id) == (rows, comments)


def _csv(lines: list[list[str]]) -> bytes:
    import csv
    import io

    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(lines)
    return buffer.getvalue().encode("utf-8")


@CHANNELS
@given(raw=RAW)
@example(raw={item_id: None for item_id in ITEMS})
@example(raw={**{item_id: None for item_id in ITEMS}, "q_overall": "4",
              "scale5_req": "not_used", "single_choice_req": "quay",
              "multiple_choice_req": ["web", "quay"], "yes_no_req": "no",
              "number_req": "3,5", "percentage_req": "150", "text_req": "Tốt\nlắm"})
def test_the_same_raw_values_give_the_same_rows_or_problems_everywhere(channels, raw):
    campaign, client = channels
    note(repr(raw))
    checked = answers.validate(DEFINITION, raw)
    expected = _expected(checked)
    facility = campaign.facilities[0]

    online = f"/s/{facility.code}"
    page = client.get(online).get_data(as_text=True)
    data = _posted(raw)
    data.update(hidden_fields_from(page))
    _through_the_form(client, online, data, expected)

    typed = f"/staff/campaigns/{campaign.id}/paper"
    page = client.get(typed).get_data(as_text=True)
    data = _posted(raw)
    data.update({"csrf_token": csrf_token_from(page), "facility": str(facility.agency_id),
                 "filled_on": today().isoformat()})
    _through_the_form(client, typed, data, expected)

    _through_the_file(campaign, raw, checked, expected)


def test_validate_needs_no_application_and_locates_every_problem():
    raw = {"q_overall": "9", "number_req": "121", "percentage_opt": "abc",
           "multiple_choice_req": ["web", "fax"], "text_req": "x" * 41, "yes_no_req": " ",
           "not_an_item": "5", "scale5_req": "4", "single_choice_req": "web",
           "percentage_req": "50"}
    checked = answers.validate(DEFINITION, raw)
    assert not checked.ok
    assert [(p.field, p.code, p.params) for p in checked.problems] == [
        ("q_overall", "not_one_of", {}),
        ("multiple_choice_req", "not_one_of", {}),
        ("yes_no_req", "required", {}),
        ("number_req", "out_of_range", {"low": 0, "high": 120}),
        ("percentage_opt", "not_number", {}),
        ("text_req", "too_long", {"limit": 40}),
    ]
    good = answers.validate(DEFINITION, {
        "q_overall": "5", "scale5_req": "not_used", "single_choice_req": "web",
        "multiple_choice_req": ["quay", "web"], "yes_no_req": "yes", "number_req": "3,5",
        "percentage_req": "200", "text_req": " Chờ lâu.\r\nCảm ơn. ", "number_opt": ""})
    assert good.ok
    assert good.values == {"q_overall": 5, "scale5_req": "not_used", "single_choice_req": "web",
                           "multiple_choice_req": ["quay", "web"], "yes_no_req": "yes",
                           "number_req": 3.5, "percentage_req": 200.0,
                           "text_req": "Chờ lâu.\nCảm ơn."}
    assert good.rows() == [
        {"item_code": "q_overall", "score": 5, "choice": None, "number": None},
        {"item_code": "scale5_req", "score": None, "choice": "not_used", "number": None},
        {"item_code": "single_choice_req", "score": None, "choice": "web", "number": None},
        {"item_code": "multiple_choice_req", "score": None, "choice": "quay", "number": None},
        {"item_code": "multiple_choice_req", "score": None, "choice": "web", "number": None},
        {"item_code": "yes_no_req", "score": None, "choice": "yes", "number": None},
        {"item_code": "number_req", "score": None, "choice": None, "number": 3.5},
        {"item_code": "percentage_req", "score": None, "choice": None, "number": 200.0},
    ]


def test_an_unknown_kind_is_refused_not_skipped():
    definition = {**DEFINITION, "sections": [{"id": "s", "title": {"vi": "P", "en": "P"},
                                              "items": [{"id": "x", "type": "scale10"}]}]}
    with pytest.raises(kinds.UnknownKind):
        answers.validate(definition, {"x": "7"})
    with pytest.raises(kinds.UnknownKind):
        answers.validate(definition, {})


def test_a_submission_id_is_not_an_answer():
    checked = answers.validate(DEFINITION, {"q_overall": "3", "submission_id": str(uuid.uuid4())})
    assert "submission_id" not in checked.values
