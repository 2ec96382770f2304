"""The report's tables as an XLSX workbook (openpyxl), for analysts who recompute.

The same `ReportData` as the PDF: numbers are stored as numbers (rates as
fractions shown as percentages, changes in percentage points, p-values shown to three
places or as "< 0,001", handling time in days as in the documents), one sheet per
table, each with a frozen header row and an autofilter. No comment text: the
workbook travels further than the PDF.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from survey_app.i18n import zone_name
from survey_app.services.reporting.exports import comparison_section, data
from survey_app.services.reporting.exports.data import ReportData
from survey_app.services.reporting.exports.words import (
    CHANNELS,
    MEASURES,
    STATUSES,
    VERDICTS,
    local,
    period_text,
    tag_label,
)

PERCENT = "0.0%"
POINTS = "+0.0;-0.0;0.0"  # a change, in percentage points
P_VALUE = '[<0.001]"< 0,001";0.000'  # the raw value stays in the cell, for recomputing
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
CELL_HEADERS = ("Mã", "Tên", "Số phiếu", "n (có đánh giá)", "Hài lòng", "Tỷ lệ hài lòng",
                "KTC 95 % – cận dưới", "KTC 95 % – cận trên", "Chỉ tiêu", "Kết luận",
                "Cần thêm (phiếu)", "Dưới 30 phiếu")
CELL_PERCENT_COLUMNS = (6, 7, 8, 9)


def build(report: ReportData, out) -> None:
    """Write the workbook of `report` to the binary file `out`."""
    book = Workbook()
    info = book.active
    info.title = "Thông tin"
    _info(info, report)
    _targets(book.create_sheet("Chỉ tiêu"), report)
    for title, cells in (("Nhóm lĩnh vực", report.groups), ("Lĩnh vực", report.sectors),
                         ("Cơ quan", report.agencies), ("Y tế – Giáo dục", report.services)):
        _cells(book.create_sheet(title), cells)
    _cells(book.create_sheet("Kênh"), report.channels, names=CHANNELS)
    _factors(book.create_sheet("Yếu tố"), report)
    _trend(book.create_sheet("Xu hướng"), report)
    _comments(book.create_sheet("Góp ý"), report)
    _comparison(book.create_sheet("So sánh"), report)
    for sheet in book.worksheets:  # every table can be sorted and filtered at once
        sheet.auto_filter.ref = sheet.dimensions
    book.save(out)


def _header(sheet, headers, widths=None) -> None:
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "A2"
    for index, _ in enumerate(headers, start=1):
        width = (widths or {}).get(index, 14)
        sheet.column_dimensions[get_column_letter(index)].width = width


def _comparison(sheet, report: ReportData) -> None:
    _header(sheet, comparison_section.SHEET_HEADERS, {1: 34, 2: 40})
    for row in comparison_section.sheet_rows(report):
        sheet.append(row)
    _percent(sheet, (4, 9, 10, 11))


def _percent(sheet, columns) -> None:
    _format(sheet, columns, PERCENT)


def _info(sheet, report: ReportData) -> None:
    _header(sheet, ("Mục", "Nội dung"), {1: 28, 2: 90})
    for key, value in (
        ("Báo cáo", "Kết quả khảo sát sự hài lòng của người dân, tổ chức"),
        ("Kỳ báo cáo", period_text(report.period)),
        ("Phạm vi", report.scope_label["vi"]),
        (f"Ngày lập (giờ {zone_name()})", local(report.generated_at)),
        ("Hài lòng", "Mức 4 hoặc 5 trên thang 5 mức; \u201cKhông sử dụng\u201d không tính"),
        ("Khoảng tin cậy", "Wilson 95 % (chỉ số phục vụ: tuyến tính hóa, đơn vị là người trả lời)"),
        ("Kết luận", "Đạt: cận dưới ≥ chỉ tiêu; Chưa đạt: cận trên < chỉ tiêu; còn lại: chưa đủ "
                     "căn cứ kết luận"),
        ("p (một phía)", "Xác suất có kết quả như vậy nếu tỷ lệ thật đúng bằng chỉ tiêu; dưới "
                         "0,001 hiển thị “< 0,001” (giá trị đầy đủ vẫn trong ô)"),
        ("Thay đổi", "Hiệu hai tỷ lệ, tính bằng điểm phần trăm, với khoảng tin cậy 95 % "
                     "(Newcombe); so với kỳ liền trước và với cùng kỳ năm trước"),
    ):
        sheet.append([key, value])


def _targets(sheet, report: ReportData) -> None:
    _header(sheet, ("Mã", "Chỉ tiêu", "Đo bằng", "Ngưỡng", "Số phiếu", "n", "Hài lòng",
                    "Tỷ lệ / chỉ số", "KTC 95 % – cận dưới", "KTC 95 % – cận trên", "Kết luận",
                    "Cần thêm", "p (một phía)", "Kế hoạch", *CHANGE_HEADERS,
                    *WEIGHTED_HEADERS),
            {2: 60, 3: 24, 11: 22})
    for t in report.targets:
        verdict = data.PARTIAL_VERDICT if t.partial else VERDICTS[t.verdict]
        sheet.append([t.code, data.target_name(t), MEASURES.get(t.measure, t.measure),
                      t.threshold, t.responses, t.n, t.satisfied, t.rate, t.low, t.high,
                      verdict, t.additional_n, t.p_value, t.plan_code,
                      *_points(t.change), *_points(t.change_year), *_weighted(t.weighted)])
    _percent(sheet, (4, 8, 9, 10, 21, 22, 23))
    _format(sheet, (13,), P_VALUE)
    _format(sheet, range(15, 21), POINTS)


CHANGE_HEADERS = ("So với kỳ trước (điểm %)", "– cận dưới", "– cận trên",
                  "So với cùng kỳ năm trước (điểm %)", "– cận dưới", "– cận trên")


# The post-stratified rate beside the unweighted one (empty where nothing is loaded to
# weight by); the verdict stays on the unweighted rate.
WEIGHTED_HEADERS = ("Tỷ lệ có trọng số", "– cận dưới", "– cận trên", "n hiệu dụng (Kish)",
                    "Số hồ sơ / quy mô của các tầng", "Phiếu không tính trọng số")


def _weighted(weighted) -> list:
    if weighted is None:
        return [None] * len(WEIGHTED_HEADERS)
    estimate = weighted.estimate
    return [estimate.rate, estimate.low, estimate.high, round(estimate.n_eff),
            weighted.transactions, weighted.left_out]


def _points(difference) -> list:
    """A change and its interval in percentage points (empty without a comparison)."""
    if difference is None:
        return [None, None, None]
    return [round(100 * value, 2) for value in (difference.diff, difference.low,
                                                 difference.high)]


def _format(sheet, columns, number_format: str) -> None:
    for row in sheet.iter_rows(min_row=2):
        for column in columns:
            row[column - 1].number_format = number_format


def _cells(sheet, cells, names=None) -> None:
    _header(sheet, CELL_HEADERS, {2: 50, 10: 22})
    for c in cells:
        name = names.get(c.key, str(c.key)) if names else c.name.get("vi", "")
        sheet.append([c.code or (c.key if names else None), name, c.responses, c.n, c.satisfied,
                      c.rate, c.low, c.high, c.target,
                      VERDICTS[c.verdict] if c.target is not None else None,
                      c.additional_n, "x" if c.too_small else None])
    _percent(sheet, CELL_PERCENT_COLUMNS)


def _factors(sheet, report: ReportData) -> None:
    _header(sheet, ("Mã", "Yếu tố", "Người trả lời", "Câu trả lời", "Hài lòng", "Chỉ số",
                    "KTC 95 % – cận dưới", "KTC 95 % – cận trên"), {2: 50})
    for f in report.factors.factors:
        sheet.append([f.id, f.label.get("vi", f.id), f.respondents, f.answers, f.satisfied,
                      f.index, f.low, f.high])
    sheet.append([None, "Chỉ số phục vụ (trung bình các yếu tố)", report.factors.respondents,
                  None, None, report.factors.index, report.factors.low, report.factors.high])
    _percent(sheet, (6, 7, 8))


def _trend(sheet, report: ReportData) -> None:
    _header(sheet, ("Kỳ", "Mã kỳ", "n", "Hài lòng", "Tỷ lệ", "KTC 95 % – cận dưới",
                    "KTC 95 % – cận trên", "Chỉ tiêu", "Kết luận", "Cần thêm (phiếu)"),
            {1: 20, 9: 22})
    for p in report.trend:
        judged = p.target is not None
        sheet.append([p.period.label("vi"), p.period.code, p.n, p.satisfied, p.rate, p.low,
                      p.high, p.target, VERDICTS[p.verdict] if judged else None,
                      p.additional_n if judged else None])
    _percent(sheet, (5, 6, 7, 8))


def _comments(sheet, report: ReportData) -> None:
    _header(sheet, ("Mục", "Số góp ý"), {1: 40})
    stats = report.comment_stats
    sheet.append(["Tổng số góp ý", stats.total])
    for status in ("new", "assigned", "handled"):
        sheet.append([STATUSES[status], getattr(stats, status)])
    hours = stats.median_hours_to_handle
    sheet.append(["Thời gian xử lý trung vị (ngày)",
                  round(hours / 24, 1) if hours is not None else None])
    for tag, count in report.comment_tags:
        sheet.append([f"Nhãn: {tag_label(tag)}", count])
