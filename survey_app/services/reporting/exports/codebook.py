"""The codebook of the CSV export: what each column holds, in Vietnamese and English.

One row per column of `csv_export.rows` for the same period and scope: its name, the
questionnaire and version it comes from, the type, the question text, and the answer
codes ("1=Rất không hài lòng; …; not_used=Không sử dụng"). An analyst reads the
export with it, and `python -m analysis summarize` reads the same column names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from survey_app.i18n import zone_name
from survey_app.services.access.scope import Scope
from survey_app.services.reporting.exports import csv_export
from survey_app.services.reporting.periods import Period

HEADER = ("column", "questionnaire", "versions", "type", "question_vi", "question_en",
          "codes")
FIXED = {
    "questionnaire": ("Mã phiếu khảo sát", "Questionnaire code"),
    "version": ("Phiên bản phiếu", "Questionnaire version"),
    "campaign": ("Mã đợt khảo sát ngành (trống: khảo sát thường xuyên tại Bộ phận Một cửa)",
                 "Sector survey campaign code (empty: the standing one-stop survey)"),
    "agency": ("Mã cơ quan", "Agency code"),
    "counter": ("Mã quầy", "Counter code"),
    "sector": ("Mã lĩnh vực", "Sector code"),
    "procedure": ("Mã thủ tục hành chính", "Administrative procedure code"),
    "channel": ("Kênh khảo sát", "Survey channel"),
    "language": ("Ngôn ngữ của phiếu", "Language of the form"),
    "local_hour": ("Giờ gửi phiếu (giờ {vi}, làm tròn giờ)",
                   "Hour sent ({en} time, rounded to the hour)"),
    "overall_score": ("Câu đánh giá chung (1–5; trống: không sử dụng / không ý kiến)",
                      "Overall rating (1–5; empty: not used / no opinion)"),
    "comment": ("Góp ý (văn bản của người trả lời)", "Comment (the respondent's text)"),
}
CHANNEL_CODES = "token; counter; kiosk; paper; link"


def rows(period: Period, scope: Scope, survey: str | None = None) -> Iterator[list]:
    """The header, then one row per column of the export, in the export's order."""
    yield list(HEADER)
    versions = csv_export._versions(period, scope, survey)
    for name in csv_export.FIXED_COLUMNS:
        yield _fixed(name)
    described: dict[str, list] = {}
    for code, version, definition in versions.values():
        for item in csv_export.answer_items(definition):
            column = csv_export.column_name(code, item["id"])
            if column in described:  # a later version of the same item: add its number
                described[column][2] += f", {version}"
                continue
            label = item.get("label", {})
            described[column] = [column, code, str(version), item["type"], label.get("vi", ""),
                                 label.get("en", ""), _codes(item, definition)]
    yield from described.values()
    if scope.allows_comments:
        yield _fixed("comment")


def _fixed(name: str) -> list:
    vi, en = (text.format(vi=zone_name("vi"), en=zone_name("en")) for text in FIXED[name])
    return [name, "", "", "", vi, en, CHANNEL_CODES if name == "channel" else ""]


def _codes(item: dict, definition: dict) -> str:
    kind = item["type"]
    if kind == "scale5":
        scale = definition.get("scale", {})
        codes = [f"{value}={scale.get(str(value), {}).get('vi', value)}" for value in range(1, 6)]
        if item.get("allow_not_used"):
            label = definition.get("not_used_label", {}).get("vi", "Không sử dụng")
            codes.append(f"not_used={label}")
        return "; ".join(codes)
    if kind in ("single_choice", "multiple_choice"):
        options = "; ".join(f"{o['value']}={o['label']['vi']}" for o in item.get("options", []))
        return options + ("; nhiều lựa chọn nối bằng |" if kind == "multiple_choice" else "")
    if kind == "yes_no":
        return "yes=Có; no=Không"
    if kind in ("number", "percentage"):
        low, high = item.get("min"), item.get("max", 100 if kind == "percentage" else None)
        bounds = f" từ {low} đến {high}" if low is not None and high is not None else ""
        return f"số{bounds}"
    return ""


def stream(period: Period, scope: Scope, survey: str | None = None) -> Iterator[str]:
    """The codebook as CSV text (UTF-8 with a BOM, like the export)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows(period, scope, survey))
    yield "\ufeff" + buffer.getvalue()
