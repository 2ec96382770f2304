"""The CSV export puts every answer in its own column, whatever order the answers were
stored in, whichever items a response skipped, and when an item has several values
(csv_export packs each response's codes and values and reuses the layout of a codes
string: these are the cases where a reused layout could go wrong)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from seeding import add_responses
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Answer, Response
from survey_app.services.access.scope import Scope
from survey_app.services.reporting.exports import csv_export
from survey_app.services.reporting.periods import parse_period

QUARTER = parse_period("2025-Q3")
ITEMS = ["c15", "c16", "c17", "c18"]


def _export() -> tuple[list[str], list[dict]]:
    header, *lines = csv_export.rows(QUARTER, Scope.all_data(allows_comments=False))
    return header, [dict(zip(header, line, strict=True)) for line in lines]


def _seed() -> dict[str, Response]:
    """Responses whose answers are stored in form order, in reverse, with gaps, with an
    item answered twice, and a health response with numbers (whole and not)."""
    at = datetime(2025, 8, 1, 3, tzinfo=UTC)
    place = {"agency": "p-thanh-duc", "sector": "ho-tich", "at": at}
    (plain,) = add_responses(1, scores=4, **place, answers={
        item: score for score, item in enumerate(ITEMS, start=1)})
    (backwards,) = add_responses(1, scores=4, **place, answers={
        item: score for score, item in enumerate(reversed(ITEMS), start=1)})
    (gaps,) = add_responses(1, scores=4, **place, answers={"c17": None})  # not used
    (twice,) = add_responses(1, scores=4, **place, answers={"c16": 2, "c18": 5})
    # A second value for one item (what a multiple choice's options look like); the
    # answers below are added after the write: no rolled-up cell counts them.
    twice.answers.append(Answer(item_code="c16", choice="not_used"))
    (health,) = add_responses(1, scores=5, agency="p-thanh-duc", kind="health_outpatient", at=at)
    health.answers += [Answer(item_code="tuoi", number=34.0), Answer(item_code="gioi_tinh",
                                                                     choice="nu")]
    (fraction,) = add_responses(1, scores=5, agency="p-thanh-duc", kind="health_outpatient",
                                at=at)
    fraction.answers.append(Answer(item_code="tuoi", number=2.5))
    db.session.commit()
    return {"plain": plain, "backwards": backwards, "gaps": gaps, "twice": twice,
            "health": health, "fraction": fraction}


def _answered(row: dict) -> dict[str, str]:
    return {column: value for column, value in row.items()
            if "." in column and value is not None}


def test_each_answer_lands_in_its_own_column(reference_data):
    seeded = _seed()
    header, rows = _export()
    by_id = dict(zip(sorted(r.id for r in seeded.values()), rows, strict=True))
    row = {name: by_id[response.id] for name, response in seeded.items()}
    one_stop = "one-stop-sipas."
    assert _answered(row["plain"]) == {one_stop + item: str(score)
                                       for score, item in enumerate(ITEMS, start=1)}
    assert _answered(row["backwards"]) == {one_stop + item: str(score)
                                           for score, item in enumerate(reversed(ITEMS), start=1)}
    assert _answered(row["gaps"]) == {one_stop + "c17": "not_used"}
    twice = _answered(row["twice"])
    assert set(twice) == {one_stop + "c16", one_stop + "c18"}
    assert sorted(twice[one_stop + "c16"].split("|")) == ["2", "not_used"]  # as stored
    assert twice[one_stop + "c18"] == "5"
    assert _answered(row["health"]) == {"health-outpatient.tuoi": "34",
                                        "health-outpatient.gioi_tinh": "nu"}
    assert _answered(row["fraction"]) == {"health-outpatient.tuoi": "2.5"}
    assert len({len(line) for line in rows}) == 1 == len({len(header)})


def test_a_layout_worked_out_again_gives_the_same_rows(reference_data, monkeypatch):
    _seed()
    remembered = _export()
    monkeypatch.setattr(csv_export, "LAYOUTS_KEPT", 0)  # every row works its layout out
    assert _export() == remembered


def test_codes_and_values_that_disagree_are_refused():
    place = csv_export._layout({"c15": 0, "c16": 1}, ["c15", "c16"], 2)
    assert place("4;not_used") == ("4", "not_used")
    with pytest.raises(ValueError, match="1 answer values for 2 item codes"):
        place("4")


def test_the_export_reads_every_seeded_answer(reference_data):
    seeded = _seed()
    stored = db.session.execute(select(Answer.response_id).where(
        Answer.response_id.in_([r.id for r in seeded.values()]))).scalars().all()
    _header, rows = _export()
    exported = sum(len(value.split("|")) for row in rows for value in _answered(row).values())
    assert exported == len(stored)  # these seeded responses store no overall item answer
