"""The synthetic-data generator and `flask demo`: deterministic, realistic, intended verdicts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from survey_app.demo import generate as demo_data
from survey_app.extensions import db
from survey_app.models import Answer, Campaign, Comment, Response, StaffUser
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import figures as reporting
from survey_app.services.reporting.periods import parse_period

YEAR = (date(2025, 1, 1), date(2026, 1, 1))


def _rows(first_id: int, count: int) -> list[tuple]:
    """The generated content of responses [first_id, first_id + count), without the ids."""
    responses = db.session.execute(
        select(Response.questionnaire_version_id, Response.campaign_id, Response.agency_id,
               Response.counter_id, Response.sector_id, Response.procedure_id, Response.channel,
               Response.language, Response.submitted_hour, Response.overall_score)
        .where(Response.id >= first_id, Response.id < first_id + count).order_by(Response.id)
    ).all()
    answers = db.session.execute(
        select(Answer.response_id - first_id, Answer.item_code, Answer.score, Answer.choice,
               Answer.number)
        .where(Answer.response_id >= first_id, Answer.response_id < first_id + count)
        .order_by(Answer.response_id, Answer.item_code)
    ).all()
    comments = db.session.execute(
        select(Comment.response_id - first_id, Comment.text, Comment.status)
        .where(Comment.response_id >= first_id, Comment.response_id < first_id + count)
        .order_by(Comment.response_id)
    ).all()
    return [tuple(r) for r in responses], [tuple(a) for a in answers], [tuple(c) for c in comments]


def test_same_seed_same_rows_and_realistic_content(reference_data):
    first = demo_data.generate(1500, seed=7, start=YEAR[0], end=YEAR[1], chunk_size=400)
    demo_data.generate(1500, seed=7, start=YEAR[0], end=YEAR[1], chunk_size=400)
    assert first.responses == 1500
    assert _rows(1, 1500) == _rows(1501, 1500)
    other = demo_data.generate(200, seed=8, start=YEAR[0], end=YEAR[1])
    assert other.responses == 200
    assert _rows(3001, 200)[0] != _rows(1, 200)[0]

    responses, answers, comments = _rows(1, 1500)
    assert len(answers) > 10 * 1500  # every factor item, some skipped
    assert {r[6] for r in responses} >= {"token", "counter", "kiosk", "paper", "link"}
    assert all(YEAR[0] <= r[8].date() < YEAR[1] for r in responses)
    local_hours = {(r[8].hour + 7) % 24 for r in responses}
    assert local_hours <= set(range(7, 17))  # office hours, Asia/Ho_Chi_Minh
    assert any(a[3] == "not_used" and a[2] is None for a in answers)
    assert all(1 <= r[9] <= 5 for r in responses)
    assert {c[2] for c in comments} == {"new", "assigned", "handled"}
    assert any("ư" in c[1] or "ệ" in c[1] for c in comments)  # Vietnamese, with diacritics
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 3


def test_rates_give_every_kind_of_verdict(reference_data):
    demo_data.generate(6000, seed=1, start=YEAR[0], end=YEAR[1])
    year = {t.code: t for t in reporting.target_summary(parse_period("2025"), Scope.all_data())}
    assert year["tthc-land-construction-investment"].verdict == "not_met"
    assert year["health-education"].verdict == "met"
    assert year["agency-service"].verdict == "met"
    assert year["tthc-overall"].verdict == "undecided"
    # The trend: the province misses its 90 % early in the year and meets it late.
    first, last = (
        {t.code: t for t in reporting.target_summary(parse_period(q), Scope.all_data())}
        for q in ("2025-Q1", "2025-Q4")
    )
    assert first["tthc-overall"].rate < 0.90 < last["tthc-overall"].rate


def test_generator_needs_reference_data(app_context):
    with pytest.raises(demo_data.DemoDataError, match="questionnaire"):
        demo_data.generate(10, seed=1)
    with pytest.raises(demo_data.DemoDataError, match="at least 1"):
        demo_data.generate(0, seed=1)


def test_cli_refuses_a_database_not_named_demo(reference_data, runner):
    result = runner.invoke(args=["demo", "seed", "--responses", "10"])
    assert result.exit_code == 2
    assert "refusing" in result.output
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_cli_seeds_and_creates_scoped_demo_logins(reference_data, runner, monkeypatch):
    result = runner.invoke(args=["demo", "seed", "--responses", "300", "--year", "2024",
                                 "--no-campaigns", "--force"])
    assert result.exit_code == 0, result.output
    assert "300 responses" in result.output
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0
    hours = db.session.execute(select(func.min(Response.submitted_hour),
                                      func.max(Response.submitted_hour))).one()
    year = (datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC))
    assert year[0] <= hours[0] < hours[1] < year[1]

    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    result = runner.invoke(args=["demo", "accounts", "--force"])
    assert result.exit_code == 0, result.output
    assert "demo-password-for-tests" in result.output
    users = {u.username: u for u in db.session.execute(select(StaffUser)).scalars()}
    assert users["demo-admin"].role == "admin"
    assert users["demo-health"].scopes[0].sector.code == "y-te"
    assert users["demo-land"].scopes[0].agency.code == "vpdk-dat-dai"
    assert users["demo-land"].check_password("demo-password-for-tests")
    # Running it again resets, never duplicates.
    assert runner.invoke(args=["demo", "accounts", "--force"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 3
