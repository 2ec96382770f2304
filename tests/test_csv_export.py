"""The CSV export an analyst can use: columns named by questionnaire and item, whole
numbers as integers, a campaign column, a codebook, and `python -m analysis summarize`
reading it directly."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import text

from survey_app.extensions import db
from survey_app.services.access.scope import Scope
from survey_app.services.reporting.exports import codebook, csv_export
from survey_app.services.reporting.periods import parse_period

YEAR = parse_period("2025")


@pytest.fixture
def export(reference_data, runner, tmp_path):
    result = runner.invoke(args=["demo", "seed", "--responses", "900", "--year", "2025",
                                 "--force"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "export.csv"
    path.write_text("".join(csv_export.stream(YEAR, Scope.all_data())), "utf-8")
    return path


def _rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))


def test_every_answer_column_names_its_questionnaire(export):
    header = next(csv.reader(io.StringIO(export.read_text("utf-8-sig"))))
    answers = [c for c in header if c not in (*csv_export.FIXED_COLUMNS, "comment")]
    assert answers
    assert all("." in c for c in answers)
    assert len(header) == len(set(header))
    # The two health forms both have an item a1: two columns, not one meaning two things.
    assert {"health-inpatient.a1", "health-outpatient.a1"} <= set(answers)
    rows = _rows(export)
    for row in rows:
        own = [c for c in answers if row[c]]
        assert all(c.startswith(row["questionnaire"] + ".") for c in own), row["questionnaire"]


def test_whole_numbers_are_integers_and_campaigns_are_named(export):
    rows = _rows(export)
    values = [v for row in rows for v in row.values() if v]
    assert not [v for v in values if re.fullmatch(r"-?\d+\.0", v)]
    ages = [row["health-outpatient.tuoi"] for row in rows if row.get("health-outpatient.tuoi")]
    assert ages
    assert all(age.isdigit() for age in ages)
    campaigns = {row["campaign"] for row in rows if row["questionnaire"].startswith("health")}
    assert campaigns
    assert "" not in campaigns
    assert {row["campaign"] for row in rows if row["questionnaire"] == "one-stop-sipas"} == {""}


def test_the_codebook_describes_every_column_of_the_export(export):
    header = next(csv.reader(io.StringIO(export.read_text("utf-8-sig"))))
    book = list(codebook.rows(YEAR, Scope.all_data()))
    assert tuple(book[0]) == codebook.HEADER
    entries = {row[0]: row for row in book[1:]}
    assert list(entries) == header
    scored = [row for row in entries.values()
              if row[1] == "one-stop-sipas" and row[3] == "scale5" and "not_used=" in row[6]]
    assert scored
    assert all(row[4] and row[5] and "5=" in row[6] for row in scored)
    assert entries["health-outpatient.gioi_tinh"][6].startswith("nam=Nam")


def test_the_codebook_page_downloads_it(export, staff):
    staff.create()
    staff.login()
    response = staff.client.get("/staff/reports/codebook?period=2025")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('2025.csv"')
    assert "one-stop-sipas.q_overall" not in response.get_data(as_text=True)  # its own column
    assert "\r\none-stop-sipas." in response.get_data(as_text=True)


def _sql_counts(where: str) -> dict[str, tuple[int, int]]:
    rows = db.session.execute(text(
        "SELECT s.code, COUNT(r.overall_score), "
        "SUM(CASE WHEN r.overall_score >= 4 THEN 1 ELSE 0 END) FROM responses r "
        "JOIN sectors s ON s.id = r.sector_id JOIN questionnaire_versions v "
        "ON v.id = r.questionnaire_version_id JOIN questionnaires q ON q.id = v.questionnaire_id "
        "WHERE " + where + " GROUP BY s.code")).all()
    return {code: (int(n), int(satisfied)) for code, n, satisfied in rows if n}


def test_summarize_reads_the_export_with_filters_and_targets(export, tmp_path, capsys):
    from analysis.cli import main

    targets = tmp_path / "targets.csv"
    targets.write_text("sector,target\ndat-dai,0.85\nho-tich,0.9\n", "utf-8")
    status = main(["summarize", str(export), "--by", "sector",
                   "--satisfied-column", "overall_score", "--where", "questionnaire=one-stop-sipas",
                   "--where", "channel=counter", "--target-file", str(targets), "--format", "json"])
    assert status == 0
    got = {r["sector"]: r for r in json.loads(capsys.readouterr().out)}
    expected = _sql_counts("q.code = 'one-stop-sipas' AND r.channel = 'counter'")
    assert {code: (r["n"], r["satisfied"]) for code, r in got.items()} == expected
    assert (got["dat-dai"]["target"], got["ho-tich"]["target"]) == (0.85, 0.9)
    others = [r for code, r in got.items() if code not in ("dat-dai", "ho-tich")]
    assert others
    assert all(r["target"] is None for r in others)


def test_summarize_leaves_not_used_out(export, capsys):
    from analysis.cli import main

    column = next(c for c in _rows(export)[0] if c.startswith("one-stop-sipas.") and any(
        row[c] == "not_used" for row in _rows(export)))
    status = main(["summarize", str(export), "--by", "questionnaire",
                   "--satisfied-column", column, "--scale", "five",
                   "--where", "questionnaire=one-stop-sipas", "--format", "json"])
    assert status == 0
    out, err = capsys.readouterr()
    assert "left out" in err
    (row,) = json.loads(out)
    n = db.session.execute(text(
        "SELECT COUNT(*) FROM answers a JOIN responses r ON r.id = a.response_id "
        "WHERE a.item_code = :item AND a.score IS NOT NULL AND r.questionnaire_version_id IN "
        "(SELECT v.id FROM questionnaire_versions v JOIN questionnaires q "
        "ON q.id = v.questionnaire_id WHERE q.code = 'one-stop-sipas')"),
        {"item": column.split(".", 1)[1]}).scalar()
    assert row["n"] == n > 0


@pytest.mark.parametrize(("argv", "message"), [
    (["--where", "sector"], "COLUMN=VALUE"),
    (["--where", "nowhere=1"], "no column 'nowhere'"),
    (["--target-file", "missing.csv"], "no such file"),
])
def test_bad_filters_and_target_files_are_one_clear_line(export, capsys, argv, message):
    from analysis.cli import main

    status = main(["summarize", str(export), "--by", "sector",
                   "--satisfied-column", "overall_score", *argv])
    assert status == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_a_target_file_with_a_bad_rate_is_refused(export, tmp_path, capsys):
    from analysis.cli import main

    targets = tmp_path / "t.csv"
    targets.write_text("sector,target\ndat-dai,85\n", "utf-8")
    assert main(["summarize", str(export), "--by", "sector", "--satisfied-column",
                 "overall_score", "--target-file", str(targets)]) == 2
    assert "not a rate between 0 and 1" in capsys.readouterr().err


def test_pdf_and_xlsx_name_comment_tags_by_their_label(reference_data, staff):
    from io import BytesIO

    from openpyxl import load_workbook
    from report_support import pdf_text, squeeze
    from seeding import add_responses

    rows = add_responses(2, scores=2, agency="p-thanh-duc", sector="ho-tich",
                         counter="p-thanh-duc-1c", comments=["Ghế hỏng", "Chờ lâu"])
    rows[0].comments[0].tags = ["co-so-vat-chat", "tu-do"]
    db.session.commit()
    staff.create()
    staff.login()
    workbook = load_workbook(BytesIO(staff.client.get("/staff/reports/xlsx?period=2025-Q3").data))
    cells = [c for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row
             if isinstance(c, str) and c.startswith("Nhãn: ")]
    assert "Nhãn: Cơ sở vật chất" in cells
    assert "Nhãn: tu-do" in cells  # a free tag, as it was typed
    assert not any("co-so-vat-chat" in c for c in cells)
    text = squeeze(pdf_text(staff.client.get("/staff/reports/pdf?period=2025-Q3").data))
    assert squeeze("Cơ sở vật chất") in text
    assert "co-so-vat-chat" not in text
