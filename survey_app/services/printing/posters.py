"""Printable A4 posters of counters: the QR of the counter's open survey, in PDF and PNG.

Each page carries the agency and counter names, a Vietnamese call to action with a
smaller English line, the QR large (vector in the PDF, so it stays sharp at any
print size), the short link in text for people who type it, and a line saying the
survey is anonymous and takes under a minute. One PDF per counter, or all the
counters of an agency and its sub-units in one PDF. Which counters a staff user may
print is decided by services/scope.py.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import or_, select, true

from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import Agency, Counter, Sector
from survey_app.services.access.scope import Scope, agency_subtree
from survey_app.services.printing import pdf_fonts, qr

CALL_TO_ACTION = (
    "Quét mã QR để đánh giá mức độ hài lòng của Ông/Bà về việc giải quyết thủ tục hành chính"
)
CALL_TO_ACTION_EN = "Scan the QR code to tell us how satisfied you are with our service"
TYPE_THE_LINK = "Hoặc nhập địa chỉ / Or type:"
ANONYMOUS = "Khảo sát ẩn danh, chỉ mất chưa đến một phút. Xin cảm ơn Ông/Bà!"
ANONYMOUS_EN = "Anonymous · takes less than a minute · thank you"
QR_SIZE = 125 * mm
MARGIN = 18 * mm


class UnknownPosterAgency(DomainError):
    status = 404


@dataclass(frozen=True)
class Poster:
    """What a poster prints; plain text, so the PDF and the PNG say the same."""

    agency: str
    counter: str
    url: str

    @property
    def short_url(self) -> str:
        """The link as people type it: browsers add https:// themselves."""
        return self.url.removeprefix("https://")


def poster_of(counter: Counter, base_url: str) -> Poster:
    return Poster(counter.agency.name_vi, counter.name_vi, qr.counter_url(base_url, counter.code))


# --- which counters -----------------------------------------------------------------------

def agency_counters(agency_code: str) -> tuple[Agency, list[Counter]]:
    """An agency and the active counters of it and its sub-units, or UnknownPosterAgency."""
    agency = db.session.execute(
        select(Agency).where(Agency.code == agency_code)
    ).scalar_one_or_none()
    if agency is None:
        raise UnknownPosterAgency("agency_unknown", code=agency_code)
    return agency, _counters(Counter.agency_id.in_(sorted(agency_subtree([agency.id]))))


def visible_counters(scope: Scope) -> list[Counter]:
    """Counters a reader may print: of agencies in scope, or serving a sector in scope."""
    return _counters(_visible(scope))


def visible_counter(scope: Scope, code: str) -> Counter | None:
    """One counter by code if the reader may print it, else None (as if it did not exist)."""
    found = _counters(_visible(scope), Counter.code == code)
    return found[0] if found else None


def _visible(scope: Scope):
    if scope.everything:
        return true()
    conditions = [scope.counters_filter()]
    if scope.sector_ids:
        conditions.append(Counter.sectors.any(Sector.id.in_(sorted(scope.sector_ids))))
    return or_(*conditions)


def _counters(*conditions) -> list[Counter]:
    query = (
        select(Counter).join(Counter.agency)
        .where(Counter.active.is_(True), *conditions)
        .order_by(Agency.name_vi, Counter.code)
    )
    return list(db.session.execute(query).scalars())


# --- PDF ----------------------------------------------------------------------------------

def pdf(posters: list[Poster], title: str) -> bytes:
    """One A4 page per poster."""
    regular, bold = pdf_fonts.register()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)  # same input, same bytes
    canvas.setTitle(title)
    canvas.setAuthor("Khảo sát sự hài lòng")
    for poster in posters:
        _pdf_page(canvas, poster, regular, bold)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _pdf_page(canvas: Canvas, poster: Poster, regular: str, bold: str) -> None:
    width, height = A4
    y = height - MARGIN
    y = _pdf_lines(canvas, poster.agency, y, bold, 17)
    y = _pdf_lines(canvas, poster.counter, y - 2 * mm, regular, 14)
    canvas.setLineWidth(0.8)
    canvas.line(MARGIN, y - 2 * mm, width - MARGIN, y - 2 * mm)
    y = _pdf_lines(canvas, CALL_TO_ACTION, y - 10 * mm, bold, 22)
    y = _pdf_lines(canvas, CALL_TO_ACTION_EN, y - 1 * mm, regular, 13)
    qr_top = y - 4 * mm
    _pdf_qr(canvas, poster.url, (width - QR_SIZE) / 2, qr_top - QR_SIZE)
    y = _pdf_lines(canvas, TYPE_THE_LINK, qr_top - QR_SIZE - 4 * mm, regular, 12)
    y = _pdf_lines(canvas, poster.short_url, y, bold, 18)
    y = _pdf_lines(canvas, ANONYMOUS, y - 4 * mm, regular, 13)
    _pdf_lines(canvas, ANONYMOUS_EN, y, regular, 11)


def _pdf_lines(canvas: Canvas, text: str, top: float, font: str, size: float) -> float:
    """Centred, wrapped at the margins; returns the y below the last line."""
    width, _height = A4
    leading = size * 1.25
    y = top
    for line in simpleSplit(text, font, size, width - 2 * MARGIN):
        y -= leading
        canvas.setFont(font, size)
        canvas.drawCentredString(width / 2, y + size * 0.25, line)
    return y


def _pdf_qr(canvas: Canvas, url: str, x: float, y: float) -> None:
    """Dark modules as filled squares (quiet zone included in the matrix)."""
    modules = qr.matrix(url)
    size = QR_SIZE / len(modules)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for row, line in enumerate(modules):
        for column, dark in enumerate(line):
            if dark:
                path.rect(x + column * size, y + QR_SIZE - (row + 1) * size, size, size)
    canvas.drawPath(path, stroke=0, fill=1)


# --- PNG ----------------------------------------------------------------------------------

PNG_DPI = 150
PNG_SIZE = (1240, 1754)  # A4 at 150 dpi
PNG_MARGIN = 106  # 18 mm


def png(poster: Poster) -> bytes:
    """The same poster as a grayscale PNG (for screens, messages and quick prints)."""
    width, height = PNG_SIZE
    image = Image.new("L", PNG_SIZE, 255)
    draw = ImageDraw.Draw(image)
    regular = str(pdf_fonts.font_file(pdf_fonts.REGULAR))
    bold = str(pdf_fonts.font_file(pdf_fonts.BOLD))
    y = PNG_MARGIN
    y = _png_lines(draw, poster.agency, y, bold, 35)
    y = _png_lines(draw, poster.counter, y + 4, regular, 29)
    draw.line([(PNG_MARGIN, y + 12), (width - PNG_MARGIN, y + 12)], fill=0, width=2)
    y = _png_lines(draw, CALL_TO_ACTION, y + 50, bold, 46)
    y = _png_lines(draw, CALL_TO_ACTION_EN, y + 6, regular, 27)
    code = qr.pil_image(poster.url, box_size=1)
    # Whole pixels per module keep every module the same size: what scanners like.
    scale = max(1, round(125 / 25.4 * PNG_DPI) // code.size[0])
    code = code.convert("L").resize((code.size[0] * scale,) * 2, Image.Resampling.NEAREST)
    image.paste(code, ((width - code.size[0]) // 2, y + 24))
    y = _png_lines(draw, TYPE_THE_LINK, y + 24 + code.size[1] + 20, regular, 25)
    y = _png_lines(draw, poster.short_url, y, bold, 37)
    y = _png_lines(draw, ANONYMOUS, y + 24, regular, 27)
    _png_lines(draw, ANONYMOUS_EN, y, regular, 23)
    buffer = io.BytesIO()
    # No `optimize`: it costs 0.4 s a poster for 8 % fewer bytes.
    image.save(buffer, format="PNG", dpi=(PNG_DPI, PNG_DPI))
    return buffer.getvalue()


def _png_lines(draw: ImageDraw.ImageDraw, text: str, top: int, font_file: str,
               size: int) -> int:
    font = ImageFont.truetype(font_file, size)
    width = PNG_SIZE[0]
    y = top
    for line in _wrap(text, font, width - 2 * PNG_MARGIN):
        draw.text((width // 2, y), line, font=font, fill=0, anchor="ma")
        y += round(size * 1.3)
    return y


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= max_width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines
