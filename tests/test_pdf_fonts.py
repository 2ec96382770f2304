"""The PDF font renders Vietnamese: the text comes back out of a generated PDF intact."""

import io

from pypdf import PdfReader
from reportlab.pdfgen import canvas

from survey_app.services.printing import pdf_fonts


def test_vietnamese_text_survives_a_pdf_round_trip():
    regular, bold = pdf_fonts.register()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont(bold, 14)
    page.drawString(72, 750, "Mức độ hài lòng của người dân")
    page.setFont(regular, 12)
    page.drawString(72, 720, "Rất không hài lòng · Bình thường · Rất hài lòng")
    page.save()
    text = PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text()
    assert "Mức độ hài lòng của người dân" in text
    assert "Rất không hài lòng" in text
