"""Decree 30 documents: the DOCX and the PDF carry the same blocks, fonts and numbers.

The DOCX is opened with python-docx and rendered to PDF with LibreOffice (the
program an office would open it with); the issuing body follows the reader's scope.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from report_support import PERIOD, pdf_text, seed_quarter, squeeze
from sqlalchemy import func, select

import analysis
from survey_app.demo import generate as demo_data
from survey_app.extensions import db
from survey_app.models import Agency, AuditLog, Sector, StaffScope
from survey_app.services.access.scope import Scope
from survey_app.services.printing import pdf_fonts
from survey_app.services.reporting import figures as reporting
from survey_app.services.reporting.exports import letterhead, words
from survey_app.services.reporting.periods import parse_period
from survey_app.services.responses import comments

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def seeded(reference_data):
    seed_quarter()
    return reference_data


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _write(runner, tmp_path, fmt: str) -> bytes:
    out = tmp_path / f"report.{fmt}"
    result = runner.invoke(args=["report", "--period", PERIOD, "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_cli_docx_has_the_decree_30_blocks_times_new_roman_and_the_pdf_numbers(
        seeded, runner, tmp_path):
    document = Document(io.BytesIO(_write(runner, tmp_path, "docx")))
    printed = squeeze(pdf_text(_write(runner, tmp_path, "pdf")))

    head = document.tables[0]
    left, right = (cell.text.splitlines() for cell in head.rows[0].cells)
    assert left[:3] == ["ỦY BAN NHÂN DÂN", "TỈNH VĨNH LONG", "SỞ NỘI VỤ"]
    assert "Số: …/BC-SNV" in left
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert "Vĩnh Long, ngày … tháng … năm …" in right
    paragraphs = [p.text for p in document.paragraphs]
    title = paragraphs.index("BÁO CÁO")
    assert paragraphs[title + 1] == ("Kết quả khảo sát sự hài lòng của người dân, tổ chức "
                                     "quý III năm 2025")
    to, sign = (cell.text for cell in document.tables[-1].rows[0].cells)
    assert to.startswith("Nơi nhận:")
    assert "- Lưu: VT, …." in to
    assert sign.startswith("GIÁM ĐỐC\n(Ký, ghi rõ họ tên)")

    runs = [r for p in document.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for t in document.tables for row in t.rows for c in row.cells
             for p in c.paragraphs for r in p.runs if r.text.strip()]
    assert {r.font.name for r in runs} == {"Times New Roman"}
    assert {r.font.size.pt for r in runs} <= {10, 11, 12, 13, 14}
    assert {r.font.size.pt for r in document.paragraphs[title].runs} == {14}
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = (section.left_margin, section.right_margin, section.top_margin,
               section.bottom_margin)
    assert [round(m.cm, 2) for m in margins] == [3.0, 2.0, 2.0, 2.0]

    text = squeeze(_docx_text(document))
    targets = reporting.target_summary(parse_period(PERIOD), Scope.all_data())
    assert len(targets) == 4
    for target in targets:
        sentence = squeeze(words.verdict_sentence(target, parse_period(PERIOD)))
        assert sentence in text
        assert sentence in printed
        assert squeeze(target.name["vi"]) in text
        assert squeeze(target.name["vi"]) in printed
    for i, target in enumerate(targets, start=1):  # each sentence names its target in full
        assert squeeze(f"Chỉ tiêu {i} – {target.name['vi']}: ") in printed
    for line in ("SỞNỘIVỤ", "Số:…/BC-SNV", "ĐộclậpTựdoHạnhphúc", "Nơinhận:",
                 "(Ký,ghirõhọtên)", "quýIIInăm2025"):
        assert line.replace("-", "") in printed.replace("-", "")


def test_pdf_embeds_liberation_serif(seeded, runner, tmp_path):
    reader = PdfReader(io.BytesIO(_write(runner, tmp_path, "pdf")))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    serif = {name: font for name, font in fonts.items() if "LiberationSerif" in name}
    assert {name.split("+")[-1] for name in serif} == {
        "LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic",
        "LiberationSerif-BoldItalic"}
    assert all("/FontFile2" in font["/FontDescriptor"] for font in serif.values())  # embedded
    # ReportLab names Helvetica as the canvas' initial font; no text is set in it.
    assert set(fonts) - set(serif) <= {"/Helvetica"}


@pytest.mark.skipif(not SOFFICE and not os.environ.get("CI"),
                    reason="LibreOffice (soffice) is not installed: apt-get install "
                           "libreoffice-writer-nogui")
def test_libreoffice_renders_the_docx_with_its_text_and_pages(seeded, runner, tmp_path):
    source = tmp_path / "report.docx"
    source.write_bytes(_write(runner, tmp_path, "docx"))
    pdf_pages = len(PdfReader(io.BytesIO(_write(runner, tmp_path, "pdf"))).pages)
    profile = tmp_path / "lo-profile"
    subprocess.run([SOFFICE or "soffice", f"-env:UserInstallation=file://{profile}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=240)
    rendered = PdfReader(tmp_path / "report.pdf")
    # Same content, two layout engines: page counts differ a little, not a lot.
    assert abs(len(rendered.pages) - pdf_pages) <= max(2, pdf_pages // 4)
    text = squeeze("\n".join(page.extract_text() for page in rendered.pages))
    for line in ("CỘNGHÒAXÃHỘICHỦNGHĨAVIỆTNAM", "SỞNỘIVỤ", "BÁOCÁO", "Nơinhận:",
                 "(Ký,ghirõhọtên)"):
        assert line in text
    for target in reporting.target_summary(parse_period(PERIOD), Scope.all_data()):
        assert squeeze(words.verdict_sentence(target, parse_period(PERIOD))) in text
    page_one = squeeze(rendered.pages[0].extract_text())
    assert "ỦYBANNHÂNDÂNTỈNHVĨNHLONG" in page_one
    assert "BÁOCÁO" in page_one


def _id(model, code: str) -> int:
    return db.session.scalar(select(model.id).where(model.code == code))


@pytest.mark.parametrize(("scope", "governing", "body", "symbol"), [
    (("sector", "y-te"), ["ỦY BAN NHÂN DÂN", "TỈNH VĨNH LONG"], ["SỞ Y TẾ"], "BC-SYT"),
    (("agency", "vpdk-dat-dai"), ["SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"],
     ["VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI", "TỈNH VĨNH LONG"], "BC-VPĐKĐĐ"),
])
def test_the_reader_s_own_body_issues_the_report(seeded, staff, client, scope, governing, body,
                                                  symbol):
    kind, code = scope
    role = "analyst" if kind == "sector" else "agency"
    row = (StaffScope(sector_id=_id(Sector, code)) if kind == "sector"
           else StaffScope(agency_id=_id(Agency, code)))
    staff.create("reader", role=role, scopes=[row])
    staff.login("reader")
    response = client.get(f"/staff/reports/docx?period={PERIOD}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('bao-cao-hai-long-2025-Q3.docx"')
    cell = Document(io.BytesIO(response.data)).tables[0].rows[0].cells[0]
    left = [line for line in cell.text.splitlines() if line]  # less the rule's empty line
    assert left[:-1] == governing + body
    assert left[-1] == f"Số: …/{symbol}"
    pdf = squeeze(pdf_text(client.get(f"/staff/reports/pdf?period={PERIOD}").data))
    assert squeeze("".join(body)) in pdf
    assert "SỞNỘIVỤ" not in pdf.split("CỘNGHÒA")[0]


@pytest.mark.parametrize(("name", "symbol"), [
    ("Sở Nội vụ", "SNV"), ("Sở Y tế", "SYT"), ("Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("Văn phòng Đăng ký đất đai tỉnh Vĩnh Long", "VPĐKĐĐ"),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
])
def test_document_symbol_abbreviates_the_issuing_body(name, symbol):
    assert letterhead.Issuer(name, "Ủy ban nhân dân tỉnh Vĩnh Long", "department").symbol == symbol


def test_a_missing_serif_font_is_a_clear_error(reference_data, runner, monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_fonts, "SERIF_DIRS", (tmp_path,))
    monkeypatch.setattr(pdf_fonts.pdfmetrics, "getRegisteredFontNames", lambda: [])
    with pytest.raises(pdf_fonts.FontMissing, match="install the fonts-liberation2 package"):
        pdf_fonts.register_serif()
    out = tmp_path / "r.pdf"
    result = runner.invoke(args=["report", "--period", PERIOD, "--format", "pdf",
                                 "--out", str(out)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: font LiberationSerif-Regular.ttf not found in {tmp_path}: install the "
        "fonts-liberation2 package"]
    assert list(tmp_path.iterdir()) == []
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_targets_compare_with_the_same_quarter_a_year_earlier(seeded, runner, tmp_path):
    demo_data.generate(600, seed=4, start=date(2024, 7, 1), end=date(2024, 10, 1))
    book = load_workbook(io.BytesIO(_write(runner, tmp_path, "xlsx")))
    printed = squeeze(pdf_text(_write(runner, tmp_path, "pdf")))
    now = reporting.target_summary(parse_period(PERIOD), Scope.all_data())
    before = {t.code: t for t in reporting.target_summary(parse_period("2024-Q3"),
                                                          Scope.all_data())}
    rows = {r[0]: r for r in book["Chỉ tiêu"].iter_rows(min_row=2, values_only=True)}
    compared = 0
    for target in now:
        old = before[target.code]
        if target.measure != "overall" or not old.n:
            continue  # the service index: a ratio, compared by verdicts' own method
        # Recomputed here from the two quarters' counts, not read from the report's data.
        expected = analysis.difference_ci(target.satisfied, target.n, old.satisfied, old.n)
        assert rows[target.code][17:20] == pytest.approx(
            (100 * expected.diff, 100 * expected.low, 100 * expected.high), abs=0.006)
        assert squeeze(words.change(expected.diff)) in printed
        compared += 1
    assert compared >= 2


def test_every_xlsx_sheet_filters_keeps_its_header_and_writes_days_and_p_values(
        seeded, runner, tmp_path):
    book = load_workbook(io.BytesIO(_write(runner, tmp_path, "xlsx")))
    assert len(book.worksheets) == 11  # with the comparison sheet
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == sheet.dimensions, sheet.title
    targets = book["Chỉ tiêu"]
    assert targets.cell(row=1, column=13).value == "p (một phía)"
    assert targets.cell(row=2, column=13).number_format == '[<0.001]"< 0,001";0.000'
    stats = comments.comment_stats(parse_period(PERIOD), Scope.all_data())
    handling = {r[0]: r[1] for r in book["Góp ý"].iter_rows(min_row=2, values_only=True)}
    assert "Thời gian xử lý trung vị (giờ)" not in handling
    assert handling["Thời gian xử lý trung vị (ngày)"] == round(
        stats.median_hours_to_handle / 24, 1)
