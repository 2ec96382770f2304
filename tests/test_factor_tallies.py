"""Factor tallies (table response_factors) agree with the answers on every write path:
the citizen's form, the bulk demo writer, and what the service index reads."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from support import Citizen
from survey_app.demo import generate as demo_data
from survey_app.extensions import db
from survey_app.models import Agency, Answer, QuestionnaireVersion, Response, response_factors
from survey_app.services.access.scope import Scope
from survey_app.services.questionnaires import versions as questionnaires
from survey_app.services.reporting import factor_indices
from survey_app.services.reporting.periods import parse_period
from survey_app.services.responses import factor_tallies, submissions

SIPAS_FACTORS = ["tiep-can", "thu-tuc", "cong-chuc", "ket-qua", "gop-y"]


def tallies_by_response() -> dict[int, tuple]:
    """Each row's slots; its last column, the response's hour, must be its response's."""
    rows = db.session.execute(
        select(response_factors, Response.submitted_hour)
        .join(Response, Response.id == response_factors.c.response_id)
        .order_by(response_factors.c.response_id)).all()
    assert all(row[-2] == row[-1] for row in rows), "a tally without its response's hour"
    return {row[0]: tuple(row[1:-2]) for row in rows}


def tallies_from_answers() -> dict[int, tuple]:
    """What the stored answers say, recounted here from scratch."""
    definitions = dict(db.session.execute(
        select(QuestionnaireVersion.id, QuestionnaireVersion.definition)).all())
    version_of = dict(db.session.execute(
        select(Response.id, Response.questionnaire_version_id)).all())
    counts: dict[int, list[int]] = {}
    for response_id, item, score in db.session.execute(
            select(Answer.response_id, Answer.item_code, Answer.score)
            .where(Answer.score.is_not(None))):
        factors = definitions[version_of[response_id]].get("factors") or []
        for slot, factor in enumerate(factors):
            if item in factor["items"]:
                row = counts.setdefault(response_id, [0] * 16)
                row[2 * slot] += score >= 4
                row[2 * slot + 1] += 1
    return {response_id: tuple(row) for response_id, row in counts.items()}


def test_the_citizens_form_writes_its_tallies(client, survey_data):
    with survey_data.app_context():
        definition = questionnaires.current_version("administrative").definition
    [access, procedure] = [f["items"] for f in definition["factors"][:2]]
    answers = {access[0]: "5", access[1]: "2", access[2]: "not_used", procedure[0]: "4"}
    citizen = Citizen(client)
    response = citizen.answer("/c/ttphc-dat-dai", {"q_overall": "4"})
    assert response.status_code == 302
    with survey_data.app_context():
        assert tallies_by_response() == {}  # the first page has no criterion
    citizen.open(response.headers["Location"])
    more = re.search(r'href="(/more/[^"]+)"', citizen.page).group(1)
    assert citizen.answer(more, answers).status_code == 302  # the second page
    with survey_data.app_context():
        [stored] = db.session.execute(select(Response.id)).scalars().all()
        tallies = tallies_by_response()
    # slot 1 (access): one satisfied of two scored; slot 2: one of one; the rest none
    assert tallies == {stored: (1, 2, 1, 1) + (0,) * 12}


def test_a_form_without_factor_answers_has_no_tallies(client, survey_data):
    assert Citizen(client).answer("/c/ttphc-dat-dai", {"q_overall": "3"}).status_code == 302
    with survey_data.app_context():
        assert tallies_by_response() == {}


def test_demo_data_tallies_match_its_answers(reference_data):
    demo_data.generate(400, seed=3, start=date(2025, 1, 1), end=date(2026, 1, 1))
    expected = tallies_from_answers()
    assert len(expected) > 300  # nearly every respondent answers some factor item
    assert tallies_by_response() == expected


def test_service_index_counts_what_the_answers_say(reference_data):
    demo_data.generate(400, seed=4, start=date(2025, 1, 1), end=date(2026, 1, 1))
    index = factor_indices.service_index(parse_period("2025"), Scope.all_data())
    assert [f.id for f in index.factors] == SIPAS_FACTORS
    recount = tallies_from_answers()
    administrative = set(db.session.execute(
        select(Response.id).join(QuestionnaireVersion)
        .where(QuestionnaireVersion.id.in_(_administrative_versions()))).scalars())
    mine = [row for response_id, row in recount.items() if response_id in administrative]
    assert index.respondents == len(mine)
    for slot, factor in enumerate(index.factors):
        assert factor.satisfied == sum(row[2 * slot] for row in mine)
        assert factor.answers == sum(row[2 * slot + 1] for row in mine)
        assert factor.index == pytest.approx(factor.satisfied / factor.answers)


def _administrative_versions() -> list[int]:
    from survey_app.models import Questionnaire

    return list(db.session.execute(
        select(QuestionnaireVersion.id).join(Questionnaire)
        .where(Questionnaire.kind == "administrative")).scalars())


def test_tally_ignores_everything_but_scores_of_factor_items():
    definition = {"factors": [{"id": "a", "items": ["a1", "a2"]}]}
    assert factor_tallies.tally(definition, {"a1": "not_used", "x": 5}) is None
    row = factor_tallies.tally(definition, {"a1": 4, "a2": 3, "x": 5})
    assert (row["satisfied_1"], row["scored_1"], row["scored_2"]) == (1, 2, 0)


def test_versions_that_order_factors_differently_are_summed_by_factor(reference_data):
    """A later version may list the factors in another order: each response's tallies
    sit in its own version's slots, and the index adds them up by factor id."""
    first = questionnaires.current_version("administrative")
    reordered = {**first.definition, "factors": list(reversed(first.definition["factors"]))}
    second = QuestionnaireVersion(
        questionnaire_id=first.questionnaire_id, version=first.version + 1, status="published",
        content_sha256="0" * 64, title_vi=first.title_vi, title_en=first.title_en,
        instrument=first.instrument, definition=reordered)
    db.session.add(second)
    db.session.commit()
    access = first.definition["factors"][0]["items"]  # first in one version, last in the other
    agency = db.session.execute(select(Agency.id).where(Agency.code == "p-thanh-duc")).scalar()
    when = datetime(2025, 8, 1, 3, tzinfo=UTC)
    for version, score, count in ((first, 5, 3), (second, 2, 2)):
        origin = submissions.Origin(questionnaire_version_id=version.id,
                                    definition=version.definition, agency_id=agency,
                                    channel="counter", language="vi")
        for _ in range(count):
            submissions.add_response(origin, {item: score for item in access}, now=when)
    db.session.commit()
    index = factor_indices.service_index(parse_period("2025-Q3"), Scope.all_data())
    by_id = {factor.id: factor for factor in index.factors}
    assert (by_id["tiep-can"].satisfied, by_id["tiep-can"].answers) == (
        3 * len(access), 5 * len(access))
    assert by_id["tiep-can"].respondents == 5
    assert all(by_id[other].answers == 0 for other in SIPAS_FACTORS[1:])
    assert index.respondents == 5


def test_a_period_spanning_the_2017_and_the_1001_versions(reference_data):
    """Respondents of the 2017 model (tc…, tt…) and of Quyết định 1001 (c15…) in one
    quarter: each factor pools its own items of each version, and the index says which
    versions it counts, for the report's note."""
    from survey_app.models import Questionnaire

    by_number = dict(db.session.execute(
        select(QuestionnaireVersion.version, QuestionnaireVersion)
        .join(Questionnaire).where(Questionnaire.code == "one-stop-sipas")).all())
    old, new = by_number[1], by_number[2]
    agency = db.session.execute(select(Agency.id).where(Agency.code == "p-thanh-duc")).scalar()
    when = datetime(2025, 8, 1, 3, tzinfo=UTC)
    answered = [
        (old, 3, {**dict.fromkeys(["tc1", "tc2", "tc3", "tc4"], 5), "tt1": 2}),
        (new, 2, {**dict.fromkeys(["c15", "c16", "c17", "c18"], 2), "c19": 4}),
    ]
    for version, count, answers in answered:
        origin = submissions.Origin(questionnaire_version_id=version.id,
                                    definition=version.definition, agency_id=agency,
                                    channel="counter", language="vi")
        for _ in range(count):
            submissions.add_response(origin, {"q_overall": 4, **answers}, now=when)
    db.session.commit()
    index = factor_indices.service_index(parse_period("2025-Q3"), Scope.all_data())
    by_id = {factor.id: factor for factor in index.factors}
    # Access: 3 × 4 satisfied (v1) of 3 × 4 + 2 × 4 scored; procedures: 2 × 1 of 3 + 2.
    assert (by_id["tiep-can"].satisfied, by_id["tiep-can"].answers) == (12, 20)
    assert (by_id["thu-tuc"].satisfied, by_id["thu-tuc"].answers) == (2, 5)
    assert by_id["tiep-can"].index == pytest.approx(0.6)
    assert by_id["thu-tuc"].index == pytest.approx(0.4)
    assert index.respondents == 5
    assert index.spans_versions
    assert [(v.version, v.criteria, v.respondents) for v in index.versions] == [
        (2, 19, 2), (1, 22, 3)]
    assert "1001/QĐ-BNV" in index.versions[0].instrument
    assert "2640/QĐ-BNV" in index.versions[1].instrument
    only_new = factor_indices.service_index(parse_period("2025-Q3"), Scope.all_data(),
                                            filters=factor_indices.Filters(
                                                channels=("kiosk",)))
    assert not only_new.spans_versions


def test_the_report_and_the_dashboard_say_when_versions_are_pooled(reference_data, client):
    from support import StaffActions
    from survey_app.models import Questionnaire
    from survey_app.services.reporting.exports import content, data
    from survey_app.services.reporting.exports.blocks import Body, Text

    versions = dict(db.session.execute(
        select(QuestionnaireVersion.version, QuestionnaireVersion)
        .join(Questionnaire).where(Questionnaire.code == "one-stop-sipas")).all())
    agency = db.session.execute(select(Agency.id).where(Agency.code == "p-thanh-duc")).scalar()
    for number, item in ((1, "tc1"), (2, "c15")):
        origin = submissions.Origin(questionnaire_version_id=versions[number].id,
                                    definition=versions[number].definition, agency_id=agency,
                                    channel="counter", language="vi")
        submissions.add_response(origin, {"q_overall": 4, item: 5},
                                 now=datetime(2025, 8, 1, 3, tzinfo=UTC))
    db.session.commit()
    report = data.collect(parse_period("2025-Q3"), Scope.all_data())
    doc = Body()
    content._factors(report, doc)
    [note] = [b.text for b in doc.blocks if isinstance(b, Text) and "phiên bản" in b.text]
    assert "phiên bản 2 (Quyết định 1001/QĐ-BNV" in note
    assert "phiên bản 1 (Quyết định 2640/QĐ-BNV" in note
    assert "22 tiêu chí): 1 người trả lời" in note
    staff = StaffActions(reference_data, client)
    staff.create("admin", "admin")
    staff.login("admin")
    page = client.get("/staff/?period=2025-Q3").get_data(as_text=True)
    assert "gộp người trả lời theo nhiều phiên bản bảng hỏi" in page
    assert "phiên bản 1 (Quyết định 2640/QĐ-BNV ngày 10/10/2017, 22 tiêu chí): 1 người trả lời" in (
        page)
