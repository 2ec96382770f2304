"""Reports: the PDF reads right, the XLSX equals the reporting service, the CSV keeps to scope."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from report_support import PERIOD, pdf_text, seed_quarter, squeeze
from sqlalchemy import and_, func, select

from survey_app.extensions import db
from survey_app.models import AuditLog, Response, Sector, StaffScope
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import figures as reporting
from survey_app.services.reporting.exports import words
from survey_app.services.reporting.exports.data import ADMINISTRATIVE
from survey_app.services.reporting.periods import parse_period


@pytest.fixture
def seeded(reference_data):
    seed_quarter()
    return reference_data


def _count(period, **where) -> int:
    conditions = [Response.submitted_hour >= period.start, Response.submitted_hour < period.end]
    for column, value in where.items():
        conditions.append(getattr(Response, column).in_(value))
    return db.session.scalar(select(func.count()).select_from(Response).where(and_(*conditions)))


def _sector_id(code: str) -> int:
    return db.session.scalar(select(Sector.id).where(Sector.code == code))


def test_cli_pdf_has_the_period_every_target_verdict_and_vietnamese(seeded, runner, tmp_path):
    out = tmp_path / "report.pdf"
    result = runner.invoke(args=["report", "--period", PERIOD, "--format", "pdf",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = squeeze(pdf_text(out.read_bytes()))
    assert squeeze("Quý III/2025") in text
    assert squeeze("hài lòng") in text
    targets = reporting.target_summary(parse_period(PERIOD), Scope.all_data())
    assert len(targets) == 4
    for target in targets:
        assert squeeze(target.name["vi"]) in text
        # The target's sentence: its rate, interval, n, verdict and wait in words.
        assert squeeze(words.verdict_sentence(target, parse_period(PERIOD))) in text
        assert squeeze(words.VERDICTS[target.verdict]) in text
    assert squeeze("Wilson 95 %") in text  # the methods note
    audit = db.session.execute(select(AuditLog)).scalars().all()
    assert [(a.user_id, a.action, a.detail["format"]) for a in audit] == [(None, "export.cli",
                                                                           "pdf")]


def test_xlsx_numbers_equal_the_reporting_service(seeded, runner, tmp_path):
    out = tmp_path / "report.xlsx"
    result = runner.invoke(args=["report", "--period", PERIOD, "--format", "xlsx",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    period, scope = parse_period(PERIOD), Scope.all_data()

    sheet = book["Chỉ tiêu"]
    assert sheet.freeze_panes == "A2"
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    for target in reporting.target_summary(period, scope):
        row = rows[target.code]
        # Equal up to the last digit the XLSX text format keeps.
        assert row[5] == target.n
        assert (row[7], row[8], row[9]) == pytest.approx((target.rate, target.low, target.high),
                                                         rel=1e-12)
        assert row[10] == words.VERDICTS[target.verdict]
    assert sheet.cell(row=2, column=8).number_format == "0.0%"
    assert isinstance(sheet.cell(row=2, column=8).value, float)

    sectors = reporting.breakdown(period, scope, "sector", reporting.Filters(kinds=ADMINISTRATIVE))
    rows = {r[0]: r for r in book["Lĩnh vực"].iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {c.code for c in sectors if c.responses}
    for cell in sectors:
        if cell.responses:
            assert rows[cell.code][2:5] == (cell.responses, cell.n, cell.satisfied)
            assert rows[cell.code][5:8] == pytest.approx((cell.rate, cell.low, cell.high),
                                                         rel=1e-12)


def _csv(response) -> list[dict]:
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_health_analyst_downloads_only_health_rows_and_no_land(seeded, staff, client):
    y_te = _sector_id("y-te")
    staff.create("health", role="analyst", scopes=[StaffScope(sector_id=y_te)])
    staff.login("health")
    period = parse_period(PERIOD)

    response = client.get(f"/staff/reports/csv?period={PERIOD}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="du-lieu-phieu-2025-Q3.csv"')
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(response)
    assert len(rows) == _count(period, sector_id=[y_te]) > 0
    assert {r["sector"] for r in rows} == {"y-te"}
    assert "comment" in rows[0]  # analysts read the comments of their scope

    workbook = client.get(f"/staff/reports/xlsx?period={PERIOD}")
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.data))["Lĩnh vực"]
    assert {r[0] for r in sheet.iter_rows(min_row=2, values_only=True)} <= {"y-te"}
    pdf = client.get(f"/staff/reports/pdf?period={PERIOD}")
    assert pdf.headers["Content-Type"] == "application/pdf"
    text = squeeze(pdf_text(pdf.data))
    assert squeeze("Văn phòng Đăng ký đất đai") not in text
    assert squeeze("Phạm vi: Y tế") in text

    actions = db.session.execute(select(AuditLog.action, AuditLog.user_id).where(
        AuditLog.action.like("export.%"))).all()  # logins are audited too
    assert sorted(a for a, _ in actions) == ["export.csv", "export.pdf", "export.xlsx"]



def test_viewer_csv_has_no_comment_column(seeded, staff, client):
    staff.create("viewer", role="viewer", scopes=[StaffScope(sector_id=_sector_id("y-te"))])
    staff.login("viewer")
    rows = _csv(client.get(f"/staff/reports/csv?period={PERIOD}"))
    assert rows
    assert "comment" not in rows[0]  # viewers never get comment text


def test_admin_csv_has_one_row_per_response_with_answers_and_comments(seeded, staff, client):
    staff.create()
    staff.login()
    rows = _csv(client.get(f"/staff/reports/csv?period={PERIOD}"))
    assert len(rows) == _count(parse_period(PERIOD))
    sipas = [r for r in rows if r["questionnaire"] == "one-stop-sipas"]
    assert sipas
    assert all(r["overall_score"] in {"1", "2", "3", "4", "5"} for r in sipas)
    assert any("not_used" in r.values() for r in sipas)
    assert any(r["comment"] for r in rows)
    assert all(re.fullmatch(r"2025-(07|08|09)-\d\d (0[7-9]|1[0-6]):00", r["local_hour"])
               for r in rows)


def test_report_routes_need_login_and_a_known_format(seeded, staff, client):
    assert client.get(f"/staff/reports/pdf?period={PERIOD}").status_code == 302
    staff.create()
    staff.login()
    assert client.get(f"/staff/reports/doc?period={PERIOD}").status_code == 404
    bad = client.get("/staff/reports/pdf?period=2025-Q7")
    assert bad.status_code == 400
    page = client.get(f"/staff/reports?period={PERIOD}")
    assert page.status_code == 200
    assert "/staff/reports/csv?period=2025-Q3" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action.like("export.%"))) == 0  # no export; the login is audited


@pytest.mark.parametrize(("args", "message"), [
    (["--period", "2025-Q5"], "is not a period"),
    (["--period", PERIOD, "--sector", "khong-co"], "unknown sector"),
    (["--period", PERIOD, "--agency", "khong-co"], "unknown agency"),
])
def test_cli_refuses_bad_input_with_exit_code_2(reference_data, runner, tmp_path, args, message):
    out = tmp_path / "r.pdf"
    result = runner.invoke(args=["report", "--format", "pdf", "--out", str(out), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_cli_refuses_an_unwritable_path(reference_data, runner, tmp_path):
    result = runner.invoke(args=["report", "--period", PERIOD, "--format", "csv",
                                 "--out", str(tmp_path / "missing" / "r.csv")])
    assert result.exit_code == 2
    assert "cannot write" in result.output
    assert list(tmp_path.iterdir()) == []


def test_cli_csv_narrowed_to_a_sector(seeded, runner, tmp_path):
    out = tmp_path / "r.csv"
    result = runner.invoke(args=["report", "--period", PERIOD, "--format", "csv",
                                 "--out", str(out), "--sector", "dat-dai"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert len(rows) == _count(parse_period(PERIOD), sector_id=[_sector_id("dat-dai")]) > 0
    assert {r["sector"] for r in rows} == {"dat-dai"}
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]  # no temporary file left


def test_a_period_without_responses_still_gives_a_readable_report(reference_data, runner,
                                                                   tmp_path):
    for fmt in ("pdf", "xlsx", "csv"):
        out = tmp_path / f"empty.{fmt}"
        result = runner.invoke(args=["report", "--period", "2024-Q1", "--format", fmt,
                                     "--out", str(out)])
        assert result.exit_code == 0, result.output
    text = squeeze(pdf_text((tmp_path / "empty.pdf").read_bytes()))
    assert squeeze("Chưa có phiếu khảo sát trong kỳ.") in text
    assert squeeze("Quý I/2024") in text
    rows = list(csv.reader(io.StringIO((tmp_path / "empty.csv").read_text("utf-8-sig"))))
    assert len(rows) == 1  # the header only
    assert rows[0][:4] == ["questionnaire", "version", "campaign", "agency"]


def test_a_comment_never_becomes_a_spreadsheet_formula(reference_data, staff, client):
    from seeding import add_responses

    add_responses(2, scores=[2, 5], agency="ttphc-tinh", sector="dat-dai", counter="ttphc-dat-dai",
                  comments=['=HYPERLINK("http://evil.example","bấm vào đây")', "- quá chậm"])
    staff.create()
    staff.login()
    rows = _csv(client.get("/staff/reports/csv?period=2025-Q3"))
    assert sorted(r["comment"] for r in rows) == [
        "'- quá chậm", "'=HYPERLINK(\"http://evil.example\",\"bấm vào đây\")"]
