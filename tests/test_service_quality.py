"""The 766 satisfaction group per agency for 2025 equals a hand computation; rules from
reference/service_quality.yaml; late dossiers through `flask reference volumes`; the JSON
and DOCX reports carry the group."""

import io
import json
from datetime import UTC, date, datetime

import pytest
from docx import Document
from jsonschema import Draft202012Validator
from seeding import add_responses, by_code, load_reference
from statsmodels.stats.proportion import proportion_confint

from analysis import service_quality as points
from survey_app.api.report_schema import SERVICE_QUALITY
from survey_app.extensions import db
from survey_app.models import Agency, FeedbackCase, TransactionVolume
from survey_app.services.access.scope import Scope
from survey_app.services.feedback import cases, listing, service_quality
from survey_app.services.reporting.periods import parse_period

AT = datetime(2025, 8, 1, 3, tzinfo=UTC)  # deadlines: 10 working days -> 15/08/2025
VOLUMES = ("agency,sector,first_day,last_day,transactions,late\n"
           "p-thanh-duc,ho-tich,01/07/2025,30/09/2025,100,4\n"
           "p-thanh-duc,ho-tich,01/10/2025,31/12/2025,50,1\n"
           "p-long-chau,ho-tich,01/07/2025,30/09/2025,80,\n")


@pytest.fixture
def year(app, runner, tmp_path):
    load_reference(app, runner)
    path = tmp_path / "volumes.csv"
    path.write_text(VOLUMES, encoding="utf-8")
    with app.app_context():
        result = runner.invoke(args=["reference", "volumes", str(path)])
        assert result.exit_code == 0, result.output
        five = add_responses(4, scores=[2], agency="p-thanh-duc", sector="ho-tich", at=AT,
                             comments=["a", "b", "c", "e"])
        # The fourth case's answer came through a verified transaction link.
        five += add_responses(1, scores=[1], agency="p-thanh-duc", sector="ho-tich", at=AT,
                              channel="token", comments=["d"])
        add_responses(3, scores=[1, 2, 2], agency="p-thanh-duc", sector="ho-tich", at=AT,
                      channel="token")
        add_responses(10, scores=[5], agency="p-thanh-duc", sector="ho-tich", at=AT,
                      channel="token")
        db.session.commit()
        cases.open_cases()
        everything = Scope.all_data(allows_editing=True)
        ids = [listing.case_for_comment(r.comments[0].id) for r in five]
        # (answered on, rating): on time & satisfied, on time & unsatisfied, late, still
        # open (overdue), and the verified one ("d") on time without rating.
        outcomes = {ids[0]: (date(2025, 8, 10), "satisfied"),
                    ids[1]: (date(2025, 8, 15), "unsatisfied"),
                    ids[2]: (date(2025, 8, 20), None), ids[3]: None,
                    ids[4]: (date(2025, 8, 12), None)}
        for case_id, outcome in outcomes.items():
            owner = db.session.get(FeedbackCase, case_id).agency_id
            cases.change_case(everything, None, case_id, "assign", agency_id=owner)
            cases.change_case(everything, None, case_id, "start")
            if outcome:
                cases.change_case(everything, None, case_id, "answer", text="Đã xử lý")
                case = db.session.get(FeedbackCase, case_id)
                case.answered_on, case.rating = outcome
        db.session.commit()
    return app


def _hand_rate(code, successes, n, max_points=6.0, full_at=0.9):
    rate = successes / n
    low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
    return {"code": code, "successes": successes, "n": n, "rate": rate, "low": low,
            "high": high, "points": max_points * min(1.0, rate / full_at)}


def test_the_group_per_agency_equals_a_hand_computation(year):
    with year.app_context():
        report = service_quality.group_report(parse_period("2025"), Scope.all_data())
        commune = by_code(Agency, "p-thanh-duc").id
        other = by_code(Agency, "p-long-chau").id
    # The rules are the data file's.
    assert [(r["code"], r["points"], r["full_at"]) for r in report["rules"]] == [
        ("feedback_on_time", 6.0, 0.9), ("feedback_satisfaction", 6.0, 0.9),
        ("dossier_satisfaction", 6.0, 0.9)]
    assert all(r["status"] == "to_verify" and "766" in r["source"] for r in report["rules"])
    by_agency = {a["agency_id"]: a for a in report["agencies"]}
    assert set(by_agency) == {commune, other}
    # By hand: 5 cases, 3 answered by 15/08 -> 3/5; lost: unsatisfied (1), late (1), still
    # open past the deadline (1) -> 2/5; dossiers 150 - 5 late - 4 verified unsatisfied
    # (3 low scores + the one whose comment is a case) = 141/150.
    expected = [_hand_rate("feedback_on_time", 3, 5),
                _hand_rate("feedback_satisfaction", 2, 5),
                _hand_rate("dossier_satisfaction", 141, 150)]
    got = by_agency[commune]["rates"]
    for mine, hand in zip(got, expected, strict=True):
        for key, value in hand.items():
            assert mine[key] == pytest.approx(value), (hand["code"], key)
    assert by_agency[commune]["earned"] == pytest.approx(4.0 + 6 * 0.4 / 0.9 + 6.0)
    assert by_agency[commune]["possible"] == 18.0
    assert by_agency[commune]["moves_most"] == "feedback_satisfaction"  # 3.33 points lost
    # The other ward's one-stop software did not report late dossiers: nothing computed.
    assert [r["n"] for r in by_agency[other]["rates"]] == [0, 0, 0]
    assert (by_agency[other]["earned"], by_agency[other]["moves_most"]) == (0.0, None)


def test_the_page_shows_the_group_with_n_and_intervals(year):
    from support import StaffActions
    StaffActions(year, year.test_client()).create("admin", "admin")
    client = year.test_client()
    StaffActions(year, client).login("admin")
    html = client.get("/staff/service-quality?period=2025").get_data(as_text=True)
    assert "Ủy ban nhân dân phường Thanh Đức" in html
    assert "60,0 %" in html and "n = 5" in html  # noqa: PT018
    assert "12,67 / 18" in html
    assert "cần kiểm tra" in html  # the rules are marked to verify


def test_points_rule_and_bad_late_counts(app, runner, tmp_path):
    rule = points.Rule("x", 6.0, 0.9)
    assert points.points_for(0.95, rule) == 6.0
    assert points.points_for(0.45, rule) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        points.points_for(1.2, rule)
    assert points.score(rule, 0, 0).rate is None
    load_reference(app, runner)
    path = tmp_path / "volumes.csv"
    path.write_text("agency,sector,first_day,last_day,transactions,late\n"
                    "p-thanh-duc,ho-tich,01/07/2025,30/09/2025,10,11\n", encoding="utf-8")
    with app.app_context():
        result = runner.invoke(args=["reference", "volumes", str(path)])
        assert result.exit_code == 2
        assert "row 2: late: 11 late dossiers is more than the 10 transactions" in result.output
        assert db.session.query(TransactionVolume).count() == 0


def _report(runner, tmp_path, fmt: str) -> bytes:
    out = tmp_path / f"report.{fmt}"
    result = runner.invoke(args=["report", "--period", "2025", "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_the_json_and_docx_reports_carry_the_group(year, runner, tmp_path):
    with year.app_context():  # as `flask report` runs: in the app's context
        written = json.loads(_report(runner, tmp_path, "json"))
        document = Document(io.BytesIO(_report(runner, tmp_path, "docx")))
        group = service_quality.group_report(parse_period("2025"), Scope.all_data())
    assert written["service_quality"] == json.loads(json.dumps(group))
    Draft202012Validator(SERVICE_QUALITY).validate(written["service_quality"])  # the API's
    assert group["agencies"][0]["name"]["vi"] == "Ủy ban nhân dân phường Thanh Đức"
    paragraphs = [p.text for p in document.paragraphs]
    assert any("reference/service_quality.yaml" in p and "cần kiểm tra" in p
               for p in paragraphs)
    rows = [[cell.text for cell in row.cells] for table in document.tables
            for row in table.rows]
    # The ward's table: the on-time rate 3/5 with n, Wilson interval and points; the total
    # (as the hand computation above: 4 + 6 × 0,4 ÷ 0,9 + 6).
    assert ["Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn", "5", "60,0\xa0%",
            "23,1 – 88,2\xa0%", "4,00 / 6"] in rows
    assert ["Tổng điểm của nhóm", "", "", "", "12,67 / 18"] in rows
    assert "Ủy ban nhân dân phường Thanh Đức (mất nhiều điểm nhất: mức độ hài lòng trong " \
           "tiếp nhận, xử lý phản ánh, kiến nghị)" in paragraphs
