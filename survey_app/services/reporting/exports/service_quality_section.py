"""The report's appendix on the 766/QĐ-TTg satisfaction group, per owner agency.

Self-contained: `section(report, doc)` adds its heading, the note on where the rules
come from and one table per agency (the three rates with n and 95 % interval, their
points and the group's total) to the body that the PDF and the DOCX lay out (see
`content`). The numbers are `service_quality.group_report` for the report's period
and scope, the same dict the JSON report carries as `service_quality`.
"""

from __future__ import annotations

from survey_app import formatting
from survey_app.services.feedback import service_quality
from survey_app.services.reporting.exports import blocks
from survey_app.services.reporting.exports.words import interval, number, percent

NOTE = (
    "Các công thức, mức điểm và ngưỡng lấy từ tệp reference/service_quality.yaml, đang được "
    "đánh dấu cần kiểm tra đối chiếu với văn bản hiện hành trước khi sử dụng. Phản ánh, kiến "
    "nghị: các vụ việc theo cơ quan được giao xử lý; hồ sơ: số liệu phần mềm một cửa gửi về, "
    "trừ hồ sơ trễ hạn và phiếu xác thực không hài lòng hoặc có phản ánh."
)
HEADERS = ["Chỉ số thành phần", "n", "Tỷ lệ", "KTC 95 %", "Điểm"]
WIDTHS = [7.4, 1.4, 1.8, 3.0, 2.4]


def section(report, doc) -> None:
    """The appendix: heading, the note on the rules, a table per agency in scope."""
    group = service_quality.group_report(report.period, report.scope)
    doc.add(blocks.Heading("PHỤ LỤC. NHÓM CHỈ SỐ MỨC ĐỘ HÀI LÒNG THEO QUYẾT ĐỊNH 766/QĐ-TTg"))
    doc.add(blocks.Text(NOTE, "small"))
    if not group["agencies"]:
        doc.add(blocks.Text("Không có vụ việc phản ánh, kiến nghị hay số liệu hồ sơ của cơ "
                             "quan nào trong kỳ và phạm vi này."))
    names = {rule["code"]: rule["name"]["vi"] for rule in group["rules"]}
    for agency in group["agencies"]:
        _agency(agency, names, doc)


def _points(value: float | None) -> str:
    return "–" if value is None else formatting.number(value, 2, locale="vi")


def _agency(agency: dict, names: dict[str, str], doc) -> None:
    rows = [[names[r["code"]], number(r["n"]), percent(r["rate"]), interval(r["low"], r["high"]),
             f"{_points(r['points'])} / {number(r['max_points'])}"] for r in agency["rates"]]
    rows.append(["Tổng điểm của nhóm", "", "", "",
                 f"{_points(agency['earned'])} / {number(agency['possible'])}"])
    most = agency["moves_most"]
    doc.add(blocks.Text(agency["name"]["vi"] + (
        f" (mất nhiều điểm nhất: {names[most].lower()})" if most else "")))
    doc.add(blocks.Table(HEADERS, rows, WIDTHS))
