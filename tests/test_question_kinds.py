"""The registry of question kinds: one module per kind, used by every part that reads items."""

import json

import numpy as np
import pytest

from survey_app.services.paper.files import allowed_values, form_value
from survey_app.services.questionnaires import kinds
from survey_app.services.questionnaires.files import SCHEMA_PATH, check, schema
from survey_app.services.questionnaires.kinds.base import Invalid
from survey_app.services.reporting.exports.csv_export import ANSWER_TYPES

G1 = {"id": "g1", "type": "percentage", "min": 0, "max": 200,
      "label": {"vi": "Bệnh viện đáp ứng bao nhiêu % mong đợi?", "en": "Expectations met?"}}
CHOICE = {"id": "sex", "type": "single_choice", "label": {"vi": "Giới tính", "en": "Sex"},
          "options": [{"value": "nam", "label": {"vi": "Nam", "en": "Male"}},
                      {"value": "nu", "label": {"vi": "Nữ", "en": "Female"}}]}


def _definition(*items):
    overall = {"id": "q_overall", "type": "scale5", "label": {"vi": "Chung", "en": "Overall"}}
    return {"id": "t", "version": 1, "status": "draft", "kind": "health_inpatient",
            "instrument": {"issuer": {"vi": "Bộ Y tế", "en": "Ministry of Health"},
                           "reference": "3869/QĐ-BYT", "edition": "2019"},
            "title": {"vi": "T", "en": "T"},
            "sections": [{"id": "s", "title": {"vi": "S", "en": "S"},
                          "items": [overall, *items]}],
            "overall_item": "q_overall"}


def test_an_unknown_kind_fails_loudly():
    with pytest.raises(kinds.UnknownKind, match="'scale10'"):
        kinds.get("scale10")
    with pytest.raises(kinds.UnknownKind):
        form_value({"type": "scale10"}, "3")
    with pytest.raises(kinds.UnknownKind):
        allowed_values({"type": "scale10"})


def test_the_schema_lists_the_registered_kinds():
    assert schema()["$defs"]["item"]["properties"]["type"]["enum"] == list(kinds.names())
    on_disk = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert on_disk["$defs"]["item"]["properties"]["type"]["enum"] == list(kinds.names())
    item = {"id": "x", "type": "scale10", "label": {"vi": "X", "en": "X"}}
    assert any("scale10" in str(p) for p in check(_definition(item), "t.yaml"))


def test_keys_of_another_kind_are_refused():
    item = {**G1, "options": CHOICE["options"], "max_length": 10}
    problems = [str(p) for p in check(_definition(item), "t.yaml")]
    assert any("options are only for choice items, not percentage" in p for p in problems)
    assert any("max_length is only for text items, not percentage" in p for p in problems)
    assert check(_definition(G1, CHOICE), "t.yaml") == []


def test_g1_takes_shares_above_100_percent_when_its_item_allows_them():
    g1 = kinds.get("percentage")
    assert g1.bounds(G1) == (0, 200)
    assert g1.bounds({**G1, "max": None} | {"max": 100}) == (0, 100)
    assert g1.bounds({"type": "percentage"}) == (0, 100)  # the default range
    assert g1.parse(G1, ["125,5"]) == 125.5
    with pytest.raises(Invalid) as refused:
        g1.parse(G1, ["200,5"])
    assert (refused.value.code, refused.value.params) == ("out_of_range", {"low": 0, "high": 200})
    assert g1.rows(125.5) == [{"score": None, "choice": None, "number": 125.5}]
    assert allowed_values(G1) == "a number from 0 to 200"
    assert allowed_values(G1, "vi") == "số từ 0 đến 200"
    choice, number = g1.demo(np.random.default_rng(1), G1)
    assert choice is None
    assert 0 <= number <= 200


@pytest.mark.parametrize(("item", "cell", "posted", "rows"), [
    ({"type": "scale5"}, "4", "4", [{"score": 4, "choice": None, "number": None}]),
    ({"type": "scale5", "allow_not_used": True}, "KSD", "not_used",
     [{"score": None, "choice": "not_used", "number": None}]),
    ({"type": "yes_no"}, "Có", "yes", [{"score": None, "choice": "yes", "number": None}]),
    (CHOICE, "2", "nu", [{"score": None, "choice": "nu", "number": None}]),
    ({**CHOICE, "type": "multiple_choice"}, "1; 2", ["nam", "nu"],
     [{"score": None, "choice": "nam", "number": None},
      {"score": None, "choice": "nu", "number": None}]),
    ({"type": "number"}, "12", "12", [{"score": None, "choice": None, "number": 12.0}]),
    ({"type": "text"}, "Tốt", "Tốt", []),
])
def test_a_paper_cell_becomes_the_rows_the_web_form_would_write(item, cell, posted, rows):
    kind = kinds.get(item["type"])
    assert form_value(item, cell) == posted
    assert kind.rows(kind.parse(item, posted if isinstance(posted, list) else [posted])) == rows


def test_every_kind_but_text_is_an_answer_column_of_the_csv_export():
    assert {"text"} == set(kinds.names()) - ANSWER_TYPES
    assert [name for name, kind in kinds.KINDS.items() if kind.comment] == ["text"]
