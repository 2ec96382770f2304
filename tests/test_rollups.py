"""Rolled-up counts (table response_cells): every writer keeps them exact, `flask rollups
verify` finds every difference, `flask rollups rebuild` repairs them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from campaign_support import analyst, csv_file, health_input, paper_row, today
from seeding import add_responses
from sqlalchemy import func, select, update

from support import Citizen
from survey_app.demo import generate as demo_data
from survey_app.extensions import db
from survey_app.models import Response, response_cells
from survey_app.services.campaigns import setup as campaigns
from survey_app.services.questionnaires import versions as questionnaires
from survey_app.services.rollups import check


def cell_total(column: str = "responses") -> int:
    return int(db.session.scalar(select(func.coalesce(func.sum(response_cells.c[column]), 0))))


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


def test_the_citizens_two_pages_keep_their_cell_exact(client, survey_data):
    with survey_data.app_context():
        definition = questionnaires.current_version("administrative").definition
    access = definition["factors"][0]["items"]
    citizen = Citizen(client)
    response = citizen.answer("/c/ttphc-dat-dai", {"q_overall": "4"})
    assert response.status_code == 302
    with survey_data.app_context():
        assert (cell_total(), cell_total("satisfied"), cell_total("tallied")) == (1, 1, 0)
    citizen.open(response.headers["Location"])
    more = re.search(r'href="(/more/[^"]+)"', citizen.page).group(1)
    assert citizen.answer(more, {access[0]: "5", access[1]: "2"}).status_code == 302
    with survey_data.app_context():
        # the second page re-counts the same response: still one, now with its factor
        assert (cell_total(), cell_total("tallied"), cell_total("satisfied_1"),
                cell_total("scored_1"), cell_total("x_s1_m1")) == (1, 1, 1, 2, 2)
        assert check.differences(db.session.connection()) == []


def test_seeding_demo_data_and_a_paper_import_keep_the_cells_exact(reference_data, runner,
                                                                   tmp_path):
    add_responses(7, scores=[5, 4, None, 2], agency="p-thanh-duc", sector="dat-dai",
                  answers={"tc1": [5, 3], "tc2": None}, repeat_device=True)
    demo_data.generate(300, seed=4, start=date(2025, 1, 1), end=date(2025, 4, 1))
    campaign = campaigns.create(health_input(), analyst("yte", "y-te"))
    path = tmp_path / "paper.csv"
    path.write_bytes(csv_file(campaign, [
        paper_row(campaign, "bv-da-khoa-tra-vinh", today(), score) for score in (5, 4, 1)]))
    result = runner.invoke(args=["import-responses", "--campaign", str(campaign.id), str(path)])
    assert result.exit_code == 0, result.output
    assert cell_total() == rows() == 310
    assert cell_total("repeat_device") >= 7
    assert check.differences(db.session.connection()) == []


def test_verify_reports_every_difference_and_rebuild_repairs_them(reference_data, runner):
    add_responses(4, scores=[5, 2], agency="p-thanh-duc", sector="dat-dai",
                  at=datetime(2025, 8, 1, 3, tzinfo=UTC))
    add_responses(3, scores=4, agency="p-thanh-duc", sector="ho-tich",
                  at=datetime(2025, 9, 30, 20, tzinfo=UTC))  # 1 October, local time
    assert runner.invoke(args=["rollups", "verify"]).exit_code == 0
    months = set(db.session.execute(select(response_cells.c.month)).scalars())
    assert months == {date(2025, 8, 1), date(2025, 10, 1)}
    db.session.execute(update(response_cells).where(response_cells.c.month == date(2025, 8, 1))
                       .values(satisfied=response_cells.c.satisfied + 1))
    db.session.execute(response_cells.delete().where(response_cells.c.month == date(2025, 10, 1)))
    db.session.commit()
    result = runner.invoke(args=["rollups", "verify"])
    assert result.exit_code == 1
    assert "satisfied is 3, the rows give 2" in result.output
    assert "missing cell (month=2025-10-01" in result.output
    assert "2 difference(s)" in result.output
    # a range that leaves the damaged months out is clean
    assert runner.invoke(args=["rollups", "verify", "--from", "2025-09-02",
                               "--to", "2025-09-30"]).exit_code == 0
    result = runner.invoke(args=["rollups", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Counting cells" in result.output
    assert "3 month(s)" in result.output
    assert runner.invoke(args=["rollups", "verify"]).exit_code == 0
    assert cell_total() == 7


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2025-13-01"], "a day is written YYYY-MM-DD"),
    (["--from", "2025-09-01", "--to", "2025-08-01"], "--from must not come after --to"),
])
@pytest.mark.parametrize("command", ["verify", "rebuild"])
def test_bad_days_are_refused_with_exit_2(reference_data, runner, command, args, message):
    add_responses(2, scores=5, agency="p-thanh-duc", sector="dat-dai")
    result = runner.invoke(args=["rollups", command, *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert cell_total() == 2
