"""`flask reference volumes FILE`: the one-stop software's transaction counts, which the
volume alerts of the dashboard compare with the answers a place receives."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook
from seeding import add_responses
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import TransactionVolume
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import alerts

HEADER = "agency,sector,first_day,last_day,transactions\n"


def write(tmp_path, text: str, name="volumes.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def stored() -> list[tuple]:
    return db.session.execute(
        select(TransactionVolume.period_start, TransactionVolume.period_end,
               TransactionVolume.transactions).order_by(TransactionVolume.period_start)).all()


def test_a_file_loads_and_loading_it_again_replaces_the_counts(reference_data, runner,
                                                                 tmp_path):
    path = write(tmp_path, HEADER + "ttphc-tinh,dat-dai,01/08/2025,31/08/2025,10\n"
                                    "ttphc-tinh,dat-dai,2025-09-01,2025-09-30,12\n")
    result = runner.invoke(args=["reference", "volumes", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 period(s) added, 0 replaced" in result.output
    write(tmp_path, HEADER + "ttphc-tinh,dat-dai,01/08/2025,31/08/2025,15\n")
    result = runner.invoke(args=["reference", "volumes", str(path)])
    assert "0 period(s) added, 1 replaced" in result.output
    assert stored() == [(date(2025, 8, 1), date(2025, 8, 31), 15),
                        (date(2025, 9, 1), date(2025, 9, 30), 12)]


def test_an_xlsx_file_from_a_spreadsheet_loads(reference_data, runner, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["agency", "sector", "first_day", "last_day", "transactions"])
    sheet.append(["ttphc-tinh", "xay-dung", datetime(2025, 7, 1), datetime(2025, 9, 30), 300])
    workbook.save(tmp_path / "volumes.xlsx")
    result = runner.invoke(args=["reference", "volumes", str(tmp_path / "volumes.xlsx")])
    assert result.exit_code == 0, result.output
    assert stored() == [(date(2025, 7, 1), date(2025, 9, 30), 300)]


@pytest.mark.parametrize(("row", "expected"), [
    ("nowhere,dat-dai,01/08/2025,31/08/2025,10", "row 3: agency: no agency with code 'nowhere'"),
    ("ttphc-tinh,fishing,01/08/2025,31/08/2025,10", "row 3: sector: no sector with code"),
    ("ttphc-tinh,dat-dai,31/02/2025,31/08/2025,10", "row 3: first_day: '31/02/2025' is not a date"),
    ("ttphc-tinh,dat-dai,01/09/2025,31/08/2025,10", "row 3: last_day: the period must end"),
    ("ttphc-tinh,dat-dai,01/01/2024,31/08/2025,10", "last at most 366 days"),
    ("ttphc-tinh,dat-dai,01/08/2025,31/08/2025,-3", "row 3: transactions: '-3' is not a whole"),
    ("ttphc-tinh,dat-dai,01/08/2025,31/08/2025,1.5", "'1.5' is not a whole number"),
    ("ttphc-tinh,dat-dai,2025-08-01,2025-08-31,9",
     "row 3: first_day: the same agency, sector and first day as row 2"),
])
def test_a_bad_row_stops_the_whole_file_with_its_row_and_column(
        reference_data, runner, tmp_path, row, expected):
    path = write(tmp_path, HEADER + "ttphc-tinh,dat-dai,01/08/2025,31/08/2025,10\n" + row + "\n")
    result = runner.invoke(args=["reference", "volumes", str(path)])
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output
    assert stored() == []  # the good row before it is not written either


@pytest.mark.parametrize(("content", "expected"), [
    ("agency,sector,transactions\nttphc-tinh,dat-dai,3\n",
     "row 1: missing column(s) first_day, last_day"),
    ("", "the file is empty"),
])
def test_a_file_without_the_columns_is_refused(reference_data, runner, tmp_path, content,
                                                expected):
    result = runner.invoke(args=["reference", "volumes", str(write(tmp_path, content))])
    assert result.exit_code == 2
    assert expected in result.output
    assert stored() == []


def test_a_file_that_is_not_a_table_is_refused(reference_data, runner, tmp_path):
    path = tmp_path / "volumes.csv"
    path.write_bytes("agency;sector\nttphc-tinh;đất đai\n".encode("utf-16"))
    result = runner.invoke(args=["reference", "volumes", str(path)])
    assert result.exit_code == 2
    assert "not UTF-8" in result.output


def test_loaded_volumes_raise_the_dashboards_alert(reference_data, runner, tmp_path):
    path = write(tmp_path, HEADER + "ttphc-tinh,dat-dai,01/08/2025,31/08/2025,10\n")
    assert runner.invoke(args=["reference", "volumes", str(path)]).exit_code == 0
    window = (date(2025, 8, 1), date(2025, 8, 31))
    assert alerts.volume_alerts(*window, Scope.all_data()) == []
    add_responses(40, scores=5, agency="ttphc-tinh", sector="dat-dai", counter="ttphc-dat-dai",
                  at=datetime(2025, 8, 10, 2, tzinfo=UTC))
    [alert] = alerts.volume_alerts(*window, Scope.all_data())
    assert (alert.transactions, alert.responses) == (10, 40)
