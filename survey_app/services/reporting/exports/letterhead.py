"""Who issues a report, and the blocks Decree 30/2020/NĐ-CP (Appendix I) asks of it.

A report is issued by the reader's own body: Sở Nội vụ for the whole province, the
department that manages the sectors of a sector-scoped analyst (Sở Y tế for health),
an agency under its own name. Each sits under its governing body (cơ quan chủ quản):
the People's Committee of the province for a department, the department for one of
its units. The number, the date, the recipients and the signer are left as
placeholders: the office fills them when it registers and signs the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Agency
from survey_app.services.access.scope import Scope

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PLACE = "Vĩnh Long"
DATE_LINE = f"{PLACE}, ngày … tháng … năm …"
KIND = "BÁO CÁO"
HOME_AFFAIRS = "so-noi-vu"
# Words left out of the abbreviation in the document symbol (Sở Y tế -> SYT).
LINK_WORDS = {"và", "của"}
SIGNER = "(Ký, ghi rõ họ tên)"


@dataclass(frozen=True)
class Issuer:
    """The issuing body, its governing body and how it signs."""

    name: str            # "Sở Y tế"
    governing: str       # "Ủy ban nhân dân tỉnh Vĩnh Long"
    kind: str            # the agency's kind: department, unit, people-committee …

    @property
    def governing_lines(self) -> list[str]:
        """In capitals, broken where offices break it: 'ỦY BAN NHÂN DÂN' / 'TỈNH VĨNH LONG'."""
        return _broken(self.governing.upper())

    @property
    def body_lines(self) -> list[str]:
        return _broken(self.name.upper())

    @property
    def symbol(self) -> str:
        """The body's abbreviation in 'Số: …/BC-SYT' (the province's name left out)."""
        words = re.sub(rf"\s+tỉnh {PLACE}$", "", self.name).replace(",", " ").split()
        return "".join(w[0].upper() for w in words if w.lower() not in LINK_WORDS)

    @property
    def number_line(self) -> str:
        return f"Số: …/BC-{self.symbol}"

    @property
    def position(self) -> str:
        """The signer's title, to be edited (deputies sign 'KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC')."""
        if self.kind == "people-committee":
            return "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
        return "GIÁM ĐỐC" if self.kind in ("department", "unit", "service-centre") \
            else "THỦ TRƯỞNG CƠ QUAN"

    @property
    def recipients(self) -> list[str]:
        """'Nơi nhận' as a starting point: the governing body, Home Affairs, the archive."""
        lines = [f"- {self.governing} (để báo cáo);"]
        if self.name != "Sở Nội vụ":
            lines.append("- Sở Nội vụ (để tổng hợp);")
        return lines + ["- …;", "- Lưu: VT, …."]


def _broken(name: str, width: int = 26) -> list[str]:
    """A long name on two lines (a line holds about 26 capitals), before the place
    ('TỈNH …') or else near its middle."""
    if len(name) <= width:
        return [name]
    cut = name.rfind(" TỈNH ")
    if cut <= 0:
        words = name.split(" ")
        cut = len(" ".join(words[: (len(words) + 1) // 2]))
    return [name[:cut].strip(), name[cut:].strip()]


def issuer_for(scope: Scope) -> Issuer:
    """The body that issues a report of `scope` (see the module docstring)."""
    agency = None
    roots = scope.root_agency_ids
    if not scope.everything and len(roots) == 1 and not scope.sector_ids:
        agency = db.session.get(Agency, next(iter(roots)))
    elif not scope.everything and scope.sector_ids and not roots:
        agency = _department_of(scope.sector_ids)
    if agency is None:
        agency = db.session.scalar(select(Agency).where(Agency.code == HOME_AFFAIRS))
    if agency is None:  # reference data without the departments: still a valid document
        return Issuer("Sở Nội vụ", f"Ủy ban nhân dân tỉnh {PLACE}", "department")
    governing = agency.parent.name_vi if agency.parent else f"Ủy ban nhân dân tỉnh {PLACE}"
    return Issuer(agency.name_vi, governing, agency.kind)


def _department_of(sector_ids) -> Agency | None:
    """The department that manages every one of these sectors (the narrowest one)."""
    departments = db.session.execute(
        select(Agency).where(Agency.kind == "department", Agency.level_code == "department")
        .order_by(Agency.code)
    ).scalars()
    fitting = [a for a in departments if set(sector_ids) <= {s.id for s in a.sectors}]
    return min(fitting, key=lambda a: len(a.sectors), default=None)


def title_lines(period) -> tuple[str, str]:
    """'BÁO CÁO' and the summary line (trích yếu) naming the period in words."""
    return KIND, f"Kết quả khảo sát sự hài lòng của người dân, tổ chức {period_words(period)}"


def period_words(period) -> str:
    """The period as a title says it: 'quý III năm 2025', '6 tháng đầu năm 2025' …"""
    if period.kind == "quarter":
        return "quý " + period.label("vi").split(" ")[1].replace("/", " năm ")
    if period.kind in ("half", "year"):
        return period.label("vi")[0].lower() + period.label("vi")[1:]
    return f"từ ngày {period.first_day:%d/%m/%Y} đến ngày {period.last_day:%d/%m/%Y}"
