"""flask import-responses: progress bar, exit codes, the full error report, all or nothing."""

from __future__ import annotations

import pytest
from campaign_support import analyst, csv_file, health_input, paper_row, today
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import ImportBatch, Response
from survey_app.services.campaigns import setup as campaigns


@pytest.fixture
def campaign(reference_data):
    return campaigns.create(health_input(), analyst("yte", "y-te"))


def responses() -> int:
    return db.session.execute(select(func.count()).select_from(Response)).scalar()


def test_a_bad_file_exits_2_with_every_problem_and_stores_nothing(campaign, runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file(campaign, [
        paper_row(campaign, "bv-da-khoa-vinh-long", today(), 4),
        paper_row(campaign, "bv-da-khoa-vinh-long", today(), 4, a3=6, tuoi=200),
    ]))
    result = runner.invoke(args=["import-responses", "--campaign", str(campaign.id), str(path)])
    assert result.exit_code == 2
    assert 'row 4, column a3: "6" is not one of 1–5 or KSD' in result.output
    assert 'row 4, column tuoi: "200" is not a number from 0 to 120' in result.output
    assert "nothing was stored" in result.output
    assert responses() == 0


def test_a_good_file_is_imported_once_with_its_typist(campaign, runner, tmp_path):
    path = tmp_path / "good.csv"
    path.write_bytes(csv_file(campaign, [
        paper_row(campaign, "bv-da-khoa-tra-vinh", today(), score) for score in (5, 4, 3)]))
    args = ["import-responses", "--campaign", str(campaign.id), "--user", "yte", str(path)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "imported 3 paper questionnaire(s)" in result.output
    assert "rows" in result.output  # the progress bar's label
    assert responses() == 3
    owner = campaign.created_by_id
    assert {r.entered_by_id for r in db.session.execute(select(Response)).scalars()} == {owner}
    again = runner.invoke(args=args)
    assert again.exit_code == 2
    assert "already imported" in again.output
    assert responses() == 3
    assert db.session.execute(select(func.count()).select_from(ImportBatch)).scalar() == 1


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"", "empty.csv", "the file is empty"),
    (b"PK\x03\x04 not really", "broken.xlsx", "not a readable XLSX workbook"),
    (b"facility,date\n", "nothing.csv", "the file has no questionnaires"),
    (b"\xff\xfe\x00bad", "latin.csv", "not UTF-8"),
    (b"a,b", "forms.pdf", "must be .csv or .xlsx"),
])
def test_unreadable_files_are_refused_clearly(campaign, runner, tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(args=["import-responses", "--campaign", str(campaign.id), str(path)])
    assert result.exit_code == 2
    assert message in result.output
    assert responses() == 0


def test_an_unknown_campaign_or_user_is_refused(campaign, runner, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_file(campaign, [paper_row(campaign, "bv-da-khoa-tra-vinh", today(), 5)]))
    result = runner.invoke(args=["import-responses", "--campaign", "999", str(path)])
    assert result.exit_code == 2
    assert "no campaign with id 999" in result.output
    result = runner.invoke(args=["import-responses", "--campaign", str(campaign.id),
                                 "--user", "nobody", str(path)])
    assert result.exit_code == 2
    assert responses() == 0
