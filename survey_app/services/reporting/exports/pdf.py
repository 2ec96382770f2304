"""The PDF report, laid out as an administrative document (Decree 30/2020/NĐ-CP).

The letterhead (governing and issuing body, number, national name and motto, place
and date), the title, the body blocks of `content` (the same as the DOCX), then
"Nơi nhận" and the signature block. Set in Liberation Serif (metric-compatible with
Times New Roman, `pdf_fonts.register_serif`), embedded; A4 with the decree's
margins; page numbers centred in the top margin from page 2.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from survey_app.services.printing import pdf_fonts
from survey_app.services.reporting.exports import blocks, content, letterhead
from survey_app.services.reporting.exports.data import ReportData

MARGINS = {"leftMargin": 3 * cm, "rightMargin": 2 * cm, "topMargin": 2 * cm,
           "bottomMargin": 2 * cm}
GREY = colors.HexColor("#EEEEEE")


def _styles() -> dict[str, ParagraphStyle]:
    f = pdf_fonts.register_serif()
    base = ParagraphStyle("body", fontName=f["regular"], fontSize=13, leading=17,
                          alignment=TA_JUSTIFY, firstLineIndent=1 * cm, spaceAfter=4)
    centred = ParagraphStyle("centred", parent=base, alignment=TA_CENTER, firstLineIndent=0,
                             spaceAfter=0, fontSize=12, leading=15)
    return {
        "body": base,
        "item": ParagraphStyle("item", parent=base, firstLineIndent=0.5 * cm),
        "small": ParagraphStyle("small", parent=base, fontSize=11, leading=14, firstLineIndent=0),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=12, firstLineIndent=0,
                               alignment=0, spaceAfter=0),
        "head": ParagraphStyle("head", parent=base, fontName=f["bold"], fontSize=10, leading=12,
                               firstLineIndent=0, alignment=TA_CENTER, spaceAfter=0),
        "h1": ParagraphStyle("h1", parent=base, fontName=f["bold"], firstLineIndent=0,
                             spaceBefore=8, spaceAfter=4, keepWithNext=1, alignment=0),
        "centred": centred,
        "centred_bold": ParagraphStyle("centred_bold", parent=centred, fontName=f["bold"]),
        "motto": ParagraphStyle("motto", parent=centred, fontName=f["bold"], fontSize=13),
        "date": ParagraphStyle("date", parent=centred, fontName=f["italic"], fontSize=13),
        "title": ParagraphStyle("title", parent=centred, fontName=f["bold"], fontSize=14,
                                leading=18),
        "to_head": ParagraphStyle("to_head", parent=centred, fontName=f["boldItalic"],
                                  fontSize=12, alignment=0),
        "to": ParagraphStyle("to", parent=centred, fontSize=11, leading=13, alignment=0),
        "sign": ParagraphStyle("sign", parent=centred, fontName=f["bold"], fontSize=13,
                               leading=17),
        "sign_note": ParagraphStyle("sign_note", parent=centred, fontName=f["italic"],
                                    fontSize=13),
    }


def build(report: ReportData, out, progress: Callable[[str], None] | None = None) -> None:
    """Write the PDF of `report` to the binary file `out`."""
    s = _styles()
    issuer = letterhead.issuer_for(report.scope)
    story = _heading(issuer, report, s)
    for block in content.body(report):
        story += _draw(block, s)
    if progress:
        progress("pdf:body")
    story += _closing(issuer, s)

    def later_page(canvas, doc):
        canvas.saveState()
        canvas.setFont(s["body"].fontName, 13)
        canvas.drawCentredString(3 * cm + blocks.TEXT_WIDTH * cm / 2, A4[1] - 1.3 * cm,
                                 str(doc.page))
        canvas.restoreState()

    kind, summary = letterhead.title_lines(report.period)
    doc = SimpleDocTemplate(out, pagesize=A4, title=f"{kind} {summary}", author=issuer.name,
                            subject="Khảo sát sự hài lòng", **MARGINS)
    doc.build(story, onLaterPages=later_page)
    if progress:
        progress("pdf:layout")


class _Rule(Flowable):
    """The short solid line the decree draws under the issuing body, the motto, the title."""

    def __init__(self, width: float):
        super().__init__()
        self.width, self.height, self.hAlign = width, 5, "CENTER"

    def draw(self) -> None:
        self.canv.setLineWidth(0.6)
        self.canv.line(0, 3, self.width, 3)


def _rule(width: float) -> _Rule:
    return _Rule(width)


def _heading(issuer: letterhead.Issuer, report: ReportData, s) -> list:
    """National name and motto, issuing body under its governing body, number, date, title."""
    left = [Paragraph(_escape(line), s["centred"]) for line in issuer.governing_lines]
    left += [Paragraph(_escape(line), s["centred_bold"]) for line in issuer.body_lines]
    left += [_rule(2 * cm), Paragraph(_escape(issuer.number_line), s["centred"])]
    motto_width = stringWidth(letterhead.MOTTO, s["motto"].fontName, s["motto"].fontSize)
    right = [Paragraph(letterhead.NATION, s["centred_bold"]),
             Paragraph(letterhead.MOTTO, s["motto"]), _rule(motto_width),
             Paragraph(letterhead.DATE_LINE, s["date"])]
    top = Table([[left, right]], colWidths=[6.6 * cm, 9.4 * cm])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    kind, summary = letterhead.title_lines(report.period)
    return [top, Spacer(1, 0.8 * cm), Paragraph(kind, s["title"]),
            Paragraph(_escape(summary), s["title"]), _rule(3 * cm), Spacer(1, 0.3 * cm)]


def _closing(issuer: letterhead.Issuer, s) -> list:
    """'Nơi nhận' on the left, the signer's title and the signature placeholder on the right."""
    to = [Paragraph("Nơi nhận:", s["to_head"])] + [
        Paragraph(_escape(line), s["to"]) for line in issuer.recipients]
    sign = [Paragraph(_escape(issuer.position).replace("\n", "<br/>"), s["sign"]),
            Paragraph(letterhead.SIGNER, s["sign_note"]), Spacer(1, 2.2 * cm),
            Paragraph("…", s["sign"])]
    table = Table([[to, sign]], colWidths=[7.5 * cm, 8.5 * cm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("ALIGN", (1, 0), (1, 0), "CENTER"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [Spacer(1, 0.6 * cm), table]


def _draw(block, s) -> list:
    if isinstance(block, blocks.Heading):
        return [Paragraph(_escape(block.text), s["h1"])]
    if isinstance(block, blocks.Text):
        prefix = "- " if block.style == "item" else ""
        return [Paragraph(prefix + _escape(block.text), s[block.style])]
    if isinstance(block, blocks.Table):
        return [_table(block, s), Spacer(1, 0.2 * cm)]
    if isinstance(block, blocks.Chart):
        width = block.width * cm
        return [Image(io.BytesIO(block.png), width=width, height=width * block.aspect)]
    raise TypeError(f"unknown block {block!r}")


def _table(block: blocks.Table, s) -> Table:
    rows = [[Paragraph(_escape(h), s["head"]) for h in block.headers]]
    rows += [[Paragraph(_escape(cell), s["cell"]) if i == 0 or _wordy(cell)
              else cell.replace(" %", "\u00a0%") for i, cell in enumerate(row)]
             for row in block.rows]
    table = Table(rows, colWidths=[w * cm for w in block.widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 1), (-1, -1), s["cell"].fontName, 10),
        ("BACKGROUND", (0, 0), (-1, 0), GREY),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),  # as Word's narrow cell margins: 0.1 cm
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _wordy(text: str) -> bool:
    """Words wrap in their cell; numbers and intervals stay on one line, to the right."""
    return any(ch.isalpha() for ch in text)


def _escape(text: str) -> str:
    """ReportLab paragraphs read a little XML: escape what citizens and files may contain."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
