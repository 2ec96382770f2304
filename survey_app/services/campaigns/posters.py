"""Printable A4 posters of a campaign: one page per facility, with its QR and short link.

Vector QR (drawn module by module from `qr.matrix`, so it stays sharp at any
print size), the campaign and facility names, Vietnamese instructions, the link
in text for people who type it, and the dates of the window. Fonts with
Vietnamese diacritics come from `pdf_fonts`.
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from survey_app import formatting
from survey_app.models import Campaign
from survey_app.services.campaigns import setup as campaigns
from survey_app.services.printing import pdf_fonts, qr

QR_SIZE = 120 * mm


def posters(campaign: Campaign, base_url: str, only_code: str | None = None) -> bytes | None:
    """The PDF, or None when `only_code` names no facility of the campaign."""
    facilities = formatting.sort_by_name(campaign.facilities, lambda f: f.agency.name_vi, "vi")
    if only_code is not None:
        facilities = [f for f in facilities if f.code == only_code]
        if not facilities:
            return None
    regular, bold = pdf_fonts.register()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setTitle(campaign.name_vi)
    first, last = campaigns.local_days(campaign)
    for facility in facilities:
        url = campaigns.facility_url(base_url, facility.code)
        _page(canvas, campaign, facility.agency.name_vi, url, (first, last), regular, bold)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _centred(canvas: Canvas, text: str, y: float, font: str, size: float) -> None:
    width, _height = A4
    # Long names are shrunk to fit the page rather than cut.
    while size > 8 and canvas.stringWidth(text, font, size) > width - 30 * mm:
        size -= 1
    canvas.setFont(font, size)
    canvas.drawCentredString(width / 2, y, text)


def _page(canvas: Canvas, campaign: Campaign, facility_name: str, url: str, days,
          regular: str, bold: str) -> None:
    width, height = A4
    _centred(canvas, "KHẢO SÁT SỰ HÀI LÒNG", height - 30 * mm, bold, 26)
    _centred(canvas, campaign.name_vi, height - 42 * mm, regular, 15)
    _centred(canvas, facility_name, height - 54 * mm, bold, 17)
    _draw_qr(canvas, url, (width - QR_SIZE) / 2, height - 64 * mm - QR_SIZE)
    y = height - 76 * mm - QR_SIZE
    _centred(canvas, "Quét mã QR bằng điện thoại để trả lời phiếu khảo sát (không ghi tên).",
             y, regular, 13)
    _centred(canvas, "Hoặc mở đường dẫn:", y - 9 * mm, regular, 12)
    _centred(canvas, url, y - 18 * mm, bold, 16)
    first, last = days
    _centred(canvas, f"Thời gian khảo sát: {first:%d/%m/%Y} – {last:%d/%m/%Y}",
             y - 30 * mm, regular, 12)
    _centred(canvas, "Ý kiến của Ông/Bà giúp chúng tôi phục vụ tốt hơn. Xin cảm ơn!",
             y - 40 * mm, regular, 12)


def _draw_qr(canvas: Canvas, url: str, x: float, y: float) -> None:
    modules = qr.matrix(url)
    size = QR_SIZE / len(modules)
    canvas.setFillColorRGB(0, 0, 0)
    for row, line in enumerate(modules):
        for column, dark in enumerate(line):
            if dark:
                canvas.rect(x + column * size, y + QR_SIZE - (row + 1) * size, size, size,
                            stroke=0, fill=1)
