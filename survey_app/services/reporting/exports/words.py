"""Vietnamese words and number formats shared by the PDF and XLSX reports.

Reports go to Home Affairs in Vietnamese, written the Vietnamese way: a decimal
comma and a dot between thousands (88,2 %; 1.234 phiếu).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from flask_babel import force_locale

from survey_app import formatting
from survey_app.i18n import local_time
from survey_app.services.reporting import readings
from survey_app.vocabulary import Channel, CommentStatus, CommentTag, Labelled, Verdict


class _Vietnamese(Mapping):
    """{code: Vietnamese label} of a vocabulary enum, read at lookup (in an app context)."""

    def __init__(self, enum: type[Labelled], **extra: str) -> None:
        self.enum, self.extra = enum, extra

    def __getitem__(self, code: str | None) -> str:
        if code is None and "none" in self.extra:
            return self.extra["none"]
        member = next((m for m in self.enum if m.value == code), None)
        if member is None:
            raise KeyError(code)
        return member.vi

    def __iter__(self) -> Iterator[str]:
        return iter(self.enum.values())

    def __len__(self) -> int:
        return len(self.enum)


VERDICTS = _Vietnamese(Verdict, none="Chưa có dữ liệu")
CHANNELS = _Vietnamese(Channel)
STATUSES = _Vietnamese(CommentStatus)


def tag_label(code: str) -> str:
    """A comment tag by its Vietnamese label; a free-text tag (not in the list) as typed."""
    with force_locale("vi"):
        return str(CommentTag.label_of(code))


MEASURES = {
    "overall": "Câu đánh giá chung",
    "service-index": "Chỉ số phục vụ (trung bình 5 yếu tố)",
}


def number(value: int | None) -> str:
    return "–" if value is None else formatting.number(value, locale="vi")


def percent(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else formatting.percent(value, decimals, locale="vi")


def threshold(value: float | None) -> str:
    """A target with the places it needs: "90 %", "97,5 %"."""
    return "–" if value is None else formatting.threshold(value, locale="vi")


def interval(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "–"
    return f"{percent(low)[:-2]} – {percent(high)}"


def change(diff: float | None) -> str:
    """A change of rate in percentage points, signed: +2,1 / -0,4 (– without a previous rate)."""
    return "–" if diff is None else formatting.change(diff, locale="vi")


def days(hours: float | None) -> str:
    """Handling time, in days everywhere (the PDF, the DOCX and the XLSX): 1,5 ngày."""
    return "–" if hours is None else f"{hours / 24:.1f} ngày".replace(".", ",")


def local(moment) -> str:
    return local_time(moment).strftime("%d/%m/%Y %H:%M")


def period_text(period) -> str:
    return f"{period.label('vi')} (từ {period.first_day:%d/%m/%Y} đến {period.last_day:%d/%m/%Y})"


def verdict_sentence(result, period=None) -> str:
    """One sentence on a target: rate, interval, n, the plain and statistical reading,
    and (with the period) the time the extra answers would take at its pace."""
    if not result.n:
        return "Chưa có phiếu khảo sát trong kỳ."
    unit = "người trả lời" if result.measure == "service-index" else "phiếu"
    with force_locale("vi"):
        line = readings.verdict_line(result)
        wait = readings.time_line(result, period) if period is not None else None
    if getattr(result, "partial", False):
        line = "không kết luận, vì phạm vi chỉ gồm một phần đối tượng của chỉ tiêu"
    text = (f"{percent(result.rate)} (khoảng tin cậy 95 %: {interval(result.low, result.high)}) "
            f"từ {number(result.n)} {unit}: "
            f"{line[0].lower() + line[1:] if line else VERDICTS[result.verdict].lower()}")
    if wait:
        text += f"; {wait}"
    if result.too_small:
        text += " (dưới 30 phiếu: chưa đủ để đọc kết quả)"
    return text + "."
