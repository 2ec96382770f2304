"""The report as a Word document an office edits, registers and signs (python-docx).

Laid out after Decree 30/2020/NĐ-CP, Appendix I: the governing and issuing body with
the number "Số: …/BC-…" on the left, the national name and motto with "Vĩnh Long,
ngày … tháng … năm …" on the right, the title, the body (the same `content` blocks
as the PDF), then "Nơi nhận" and the signature block, left as text to fill in.
Times New Roman 13 pt (tables 10 pt), A4, margins top and bottom 2 cm, left 3 cm,
right 2 cm; page numbers centred in the header from page 2.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from survey_app.services.reporting.exports import blocks, content, letterhead
from survey_app.services.reporting.exports.data import ReportData

FONT = "Times New Roman"
BODY_PT, TABLE_PT = 13, 10
NBSP_PERCENT = "\u00a0%"  # '90,3 %' never breaks before its sign
CENTER, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY


def build(report: ReportData, out) -> None:
    """Write the DOCX of `report` to the binary file `out`."""
    document = Document()
    _page(document)
    issuer = letterhead.issuer_for(report.scope)
    _heading(document, issuer, report)
    for block in content.body(report):
        _draw(document, block)
    _closing(document, issuer)
    kind, summary = letterhead.title_lines(report.period)
    document.core_properties.title = f"{kind} {summary}"
    document.core_properties.author = issuer.name
    document.save(out)


def _page(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    # Word picks the East Asian slot for some Vietnamese text: name the font there too.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(4)
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = CENTER
    _field(number.add_run(), "PAGE")


def _field(run, code: str) -> None:
    """A Word field (the page number), which Word and LibreOffice fill in as they lay out."""
    for kind, text in (("begin", None), (None, code), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _text(paragraph, text: str, size: float = BODY_PT, bold=False, italic=False):
    run = paragraph.add_run(text)
    run.font.name, run.font.size = FONT, Pt(size)
    run.font.bold, run.font.italic = bold, italic
    run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return run


def _line(container, text: str, size: float = BODY_PT, bold=False, italic=False,
          align=CENTER, after: float = 0):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    if text:
        _text(paragraph, text, size, bold, italic)
    return paragraph


def _rule(container, width_cm: float, cell_cm: float) -> None:
    """A short centred line under a block (a bottom border on an indented empty line)."""
    paragraph = _line(container, "", size=2)
    indent = Cm(max(0.0, (cell_cm - width_cm) / 2))
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = indent
    paragraph.paragraph_format.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _two_cells(document, widths: tuple[float, float]):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, widths)
    # One block that never splits over two pages (the signature stays with its title).
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    cells = table.rows[0].cells
    for cell in cells:
        cell._tc.remove(cell.paragraphs[0]._p)  # start empty: every line is added below
    return cells


def _widths(table, widths) -> None:
    """Column widths in the grid too: LibreOffice lays a table out by its grid."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _heading(document, issuer: letterhead.Issuer, report: ReportData) -> None:
    left, right = _two_cells(document, (6.6, 9.4))
    for line in issuer.governing_lines:
        _line(left, line, 12)
    for line in issuer.body_lines:
        _line(left, line, 12, bold=True)
    _rule(left, 2.0, 6.6)
    _line(left, issuer.number_line)
    _line(right, letterhead.NATION, 12, bold=True)
    _line(right, letterhead.MOTTO, 13, bold=True)
    _rule(right, 5.6, 9.4)
    _line(right, letterhead.DATE_LINE, 13, italic=True)
    kind, summary = letterhead.title_lines(report.period)
    _line(document, "", after=6)
    _line(document, kind, 14, bold=True)
    _line(document, summary, 14, bold=True)
    _rule(document, 3.0, blocks.TEXT_WIDTH)
    _line(document, "", after=4)


def _closing(document, issuer: letterhead.Issuer) -> None:
    _line(document, "", after=6)
    to, sign = _two_cells(document, (7.5, 8.5))
    _line(to, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in issuer.recipients:
        _line(to, line, 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in issuer.position.split("\n"):
        _line(sign, line, 13, bold=True)
    _line(sign, letterhead.SIGNER, 13, italic=True, after=60)
    _line(sign, "…", 13, bold=True)


def _draw(document, block) -> None:
    if isinstance(block, blocks.Heading):
        paragraph = _line(document, block.text, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT,
                          after=4)
        paragraph.paragraph_format.space_before = Pt(8)
        paragraph.paragraph_format.keep_with_next = True
    elif isinstance(block, blocks.Text):
        size = 11 if block.style == "small" else BODY_PT
        prefix = "- " if block.style == "item" else ""
        paragraph = _line(document, prefix + block.text, size, align=JUSTIFY, after=4)
        indent = {"body": 1.0, "item": 0.5}.get(block.style)
        if indent:
            paragraph.paragraph_format.first_line_indent = Cm(indent)
    elif isinstance(block, blocks.Table):
        _table(document, block)
    elif isinstance(block, blocks.Chart):
        document.add_picture(io.BytesIO(block.png), width=Cm(block.width))
        document.paragraphs[-1].alignment = CENTER
    else:
        raise TypeError(f"unknown block {block!r}")


def _table(document, block: blocks.Table) -> None:
    table = document.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _row(table.rows[0], block.headers, header=True)
    for values in block.rows:
        _row(table.add_row(), values)
    _widths(table, block.widths)
    _narrow_margins(table)
    _line(document, "", size=6)


def _narrow_margins(table) -> None:
    """Cell margins of 0.1 cm (Word's 0.19 cm wraps '1.017' in a narrow column)."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), "57")  # twentieths of a point: 0.1 cm
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _row(row, values, header: bool = False) -> None:
    for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.alignment = CENTER if header else (
            WD_ALIGN_PARAGRAPH.LEFT if index == 0 or any(ch.isalpha() for ch in value)
            else WD_ALIGN_PARAGRAPH.RIGHT)
        _text(paragraph, value.replace(" %", NBSP_PERCENT), TABLE_PT, bold=header)
    if header:  # repeated at the top of every page the table runs over
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
