"""Import templates for paper questionnaires: XLSX (with a README sheet) or CSV.

One column per item, named by the item id, after `facility` and `date`. The second
row is a hint row in Vietnamese (its first cell starts with `#`, so the importer
skips it): what each column holds and the values it allows. The XLSX adds a sheet
"Hướng dẫn" with every item's full label and allowed values, and the campaign's
facilities with the code to write in the `facility` column.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from survey_app import formatting
from survey_app.models import Campaign
from survey_app.services.paper.files import DATE, FACILITY, allowed_values
from survey_app.services.questionnaires.files import items_of

HINT_FILL = PatternFill("solid", fgColor="FFF2CC")
README_TITLE = "Hướng dẫn"


def columns(definition: dict) -> list[str]:
    return [FACILITY, DATE, *items_of(definition)]


def hints(campaign: Campaign) -> list[str]:
    definition = campaign.questionnaire_version.definition
    row = ["# Mã cơ sở (xem sheet Hướng dẫn)", "Ngày điền phiếu (dd/mm/yyyy)"]
    for item in items_of(definition).values():
        label = item["label"]["vi"]
        short = label if len(label) <= 60 else label[:57] + "…"
        row.append(f"{short} [{allowed_values(item, 'vi')}]")
    return row


def readme_rows(campaign: Campaign) -> list[list[str]]:
    definition = campaign.questionnaire_version.definition
    rows = [
        [f"Mẫu nhập phiếu giấy: {campaign.name_vi}"],
        [f"Phiếu: {campaign.questionnaire_version.title_vi} "
         f"(phiên bản {campaign.questionnaire_version.version})"],
        ["Mỗi dòng là một phiếu. Dòng 1 là tên cột, đừng sửa. Dòng bắt đầu bằng # bị bỏ qua."],
        ["Ô trống: câu hỏi không được trả lời. KSD: không sử dụng / không ý kiến."],
        ["Nhập cả tệp hoặc không nhập dòng nào: nếu có lỗi, hệ thống báo từng dòng, từng cột."],
        [],
        ["Cột", "Nội dung", "Giá trị hợp lệ", "Bắt buộc"],
        [FACILITY, "Mã cơ sở (bảng dưới)", "mã cơ sở", "có"],
        [DATE, "Ngày điền phiếu", "dd/mm/yyyy, trong thời gian khảo sát", "có"],
    ]
    for item in items_of(definition).values():
        rows.append([item["id"], item["label"]["vi"], allowed_values(item, "vi"),
                     "có" if item.get("required") else ""])
    rows += [[], ["Mã cơ sở", "Cơ sở"]]
    for facility in formatting.sort_by_name(campaign.facilities, lambda f: f.agency.name_vi, "vi"):
        rows.append([facility.agency.code, facility.agency.name_vi])
    return rows


def xlsx(campaign: Campaign) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phiếu"
    names = columns(campaign.questionnaire_version.definition)
    sheet.append(names)
    sheet.append(hints(campaign))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.font = Font(italic=True)
        cell.fill = HINT_FILL
    sheet.freeze_panes = "C3"  # keep the header, the hint, facility and date in view
    for index, _name in enumerate(names, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 14 if index > 2 else 22
    readme = workbook.create_sheet(README_TITLE)
    for row in readme_rows(campaign):
        readme.append(row)
    readme.column_dimensions["A"].width = 28
    readme.column_dimensions["B"].width = 90
    readme.column_dimensions["C"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(campaign: Campaign) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows the Vietnamese correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns(campaign.questionnaire_version.definition))
    writer.writerow(hints(campaign))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
