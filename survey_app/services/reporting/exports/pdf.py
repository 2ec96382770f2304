"""The PDF report for Home Affairs, in Vietnamese (ReportLab).

Cover, targets and verdicts, charts, tables per sector, agency and public
service facility, factor indices, trend, channels, comments and a methods note.
Text is set in DejaVu Sans (`pdf_fonts`), which has every Vietnamese diacritic;
charts come from `analysis.charts` as PNG.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from analysis import charts
from survey_app.services.printing import pdf_fonts
from survey_app.services.reporting import figures as reporting
from survey_app.services.reporting.exports import data, methods
from survey_app.services.reporting.exports.data import ReportData
from survey_app.services.reporting.exports.words import (
    CHANNELS,
    STATUSES,
    VERDICTS,
    interval,
    local,
    number,
    percent,
    period_text,
    threshold,
    verdict_sentence,
)

WIDTH = A4[0] - 4 * cm
GREY = colors.HexColor("#EEEEEE")


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = pdf_fonts.register()
    base = ParagraphStyle("base", fontName=regular, fontSize=10, leading=14)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=18, leading=24,
                                alignment=1, spaceAfter=12),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=12, leading=18, alignment=1),
        "h1": ParagraphStyle("h1", parent=base, fontName=bold, fontSize=13, leading=18,
                             spaceBefore=10, spaceAfter=6, keepWithNext=1),
        "bold": ParagraphStyle("bold", parent=base, fontName=bold),
    }


def build(report: ReportData, out, progress: Callable[[str], None] | None = None) -> None:
    """Write the PDF of `report` to the binary file `out`."""
    styles = _styles()
    story: list = []
    story += _cover(report, styles)
    for name, section in (("targets", _targets), ("sectors", _sectors), ("agencies", _agencies),
                          ("services", _services), ("factors", _factors), ("trend", _trend),
                          ("comments", _comments), ("methods", _methods)):
        story += section(report, styles)
        if progress:
            progress(f"pdf:{name}")
    footer = f"Báo cáo mức độ hài lòng – {report.period.label('vi')} – {report.scope_label['vi']}"

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont(styles["small"].fontName, 7)
        canvas.drawString(2 * cm, 1.2 * cm, textwrap.shorten(footer, 110, placeholder="…"))
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Trang {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm,
        bottomMargin=2 * cm, title=f"Báo cáo mức độ hài lòng – {report.period.label('vi')}",
        author="Sở Nội vụ tỉnh Vĩnh Long", subject="Khảo sát sự hài lòng",
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)


def _cover(report: ReportData, s) -> list:
    """Title block, then the verdicts at once: the page Home Affairs reads first."""
    verdicts = [t for t in report.targets if t.verdict]
    return [
        Paragraph("ỦY BAN NHÂN DÂN TỈNH VĨNH LONG<br/>SỞ NỘI VỤ", s["subtitle"]),
        Spacer(1, 0.8 * cm),
        Paragraph("BÁO CÁO KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG CỦA NGƯỜI DÂN, TỔ CHỨC", s["title"]),
        Paragraph(f"Kỳ báo cáo: {period_text(report.period)}", s["subtitle"]),
        Paragraph(f"Phạm vi: {_escape(report.scope_label['vi'])}", s["subtitle"]),
        Paragraph(f"Ngày lập báo cáo: {local(report.generated_at)} (giờ Việt Nam)",
                  s["subtitle"]),
        Spacer(1, 0.6 * cm),
        Paragraph(
            f"Tổng số phiếu trong kỳ: <b>{number(report.totals.responses)}</b>; "
            f"số phiếu có đánh giá chung: <b>{number(report.totals.n)}</b>. "
            f"Chỉ tiêu đạt: <b>{sum(t.verdict == 'met' for t in verdicts)}</b>; chưa đạt: "
            f"<b>{sum(t.verdict == 'not_met' for t in verdicts)}</b>; chưa đủ căn cứ kết luận: "
            f"<b>{sum(t.verdict == 'undecided' for t in verdicts)}</b>.", s["body"]),
    ]


def _targets(report: ReportData, s) -> list:
    story = [Paragraph("1. Kết quả thực hiện các chỉ tiêu", s["h1"])]
    rows = [["Chỉ tiêu", "Ngưỡng", "n", "Tỷ lệ", "KTC 95 %", "Kết luận", "Cần thêm"]]
    for t in report.targets:
        verdict = data.PARTIAL_VERDICT if t.partial else VERDICTS[t.verdict]
        rows.append([Paragraph(_escape(data.target_name(t)), s["cell"]), threshold(t.threshold),
                     number(t.n), percent(t.rate), interval(t.low, t.high),
                     Paragraph(verdict, s["cell"]), number(t.additional_n)])
    story.append(_table(rows, [5.3, 1.6, 1.4, 1.3, 2.5, 2.2, 1.7], s))
    for t in report.targets:
        story.append(Paragraph(f"• {_escape(_short(data.target_name(t), 80))}: "
                               f"{verdict_sentence(t)}",
                               s["small"]))
    drawn = [{"label": "\n".join(textwrap.wrap(_short(t.name["vi"], 68), 34)), "rate": t.rate,
              "low": t.low, "high": t.high, "target": t.threshold, "verdict": t.verdict}
             for t in report.targets if t.rate is not None and t.low is not None]
    if drawn:
        # A little narrower than the page, so it stays on page 1 with the table.
        story.append(_chart(charts.caterpillar_chart(
            drawn, title="Tỷ lệ hài lòng so với chỉ tiêu (vạch đứt: chỉ tiêu)"), 14.5 * cm))
    story.append(PageBreak())
    return story


def _cell_rows(cells, s, first="Tên") -> list:
    rows = [[first, "Số phiếu", "n", "Tỷ lệ", "KTC 95 %", "Chỉ tiêu", "Kết luận"]]
    for c in cells:
        mark = " *" if c.too_small else ""
        rows.append([Paragraph(_escape(c.name.get("vi", "")) + mark, s["cell"]),
                     number(c.responses), number(c.n), percent(c.rate), interval(c.low, c.high),
                     threshold(c.target), Paragraph(VERDICTS[c.verdict] if c.target else "",
                                                     s["cell"])])
    return rows


SMALL_NOTE = "* dưới 30 phiếu: kết quả chỉ để tham khảo, chưa đủ để kết luận."


def _cell_table(cells, s, first="Tên", heading: Paragraph | None = None) -> list:
    """The cells as a table (heading kept on the page of the table's first rows)."""
    lead = [heading] if heading else []
    if not cells:
        return [KeepTogether(lead + [Paragraph("Không có phiếu trong kỳ và phạm vi này.",
                                               s["body"])])]
    widths = [5.6, 1.6, 1.4, 1.4, 2.6, 1.5, 2.4]
    # The heading's keepWithNext keeps it on the page where the table starts.
    table = _table(_cell_rows(cells, s, first), widths, s)
    return [*lead, table, Paragraph(SMALL_NOTE, s["small"])]


def _rated(cells) -> list:
    return [c for c in reporting.with_labels(cells, "vi") if c.rate is not None and c.n >= 1]


def _wrapped(estimate) -> str:
    """Long agency and sector names on two lines, so the plot keeps its width."""
    return "\n".join(textwrap.wrap(_short(estimate.label, 64), 34))


def _sectors(report: ReportData, s) -> list:
    heading = Paragraph("2. Giải quyết thủ tục hành chính theo nhóm lĩnh vực và lĩnh vực", s["h1"])
    story = _cell_table(report.groups, s, "Nhóm lĩnh vực", heading)
    story.append(Spacer(1, 0.3 * cm))
    story += _cell_table(report.sectors, s, "Lĩnh vực")
    drawn = _rated(report.sectors)
    if drawn:
        story.append(_chart(charts.caterpillar_chart(drawn, label=_wrapped,
                                                     title="Tỷ lệ hài lòng theo lĩnh vực")))
    return story


def _agencies(report: ReportData, s) -> list:
    heading = Paragraph("3. Giải quyết thủ tục hành chính theo cơ quan", s["h1"])
    story = _cell_table(report.agencies, s, "Cơ quan", heading)
    drawn = [c for c in _rated(report.agencies) if not c.too_small]
    if drawn:
        # 40 rows a chart: the province's 124 communes on four readable charts
        story += [_chart(figure) for figure in charts.caterpillar_pages(
            drawn, label=_wrapped, title="Các cơ quan (từ 30 phiếu) xếp theo tỷ lệ hài lòng")]
    return story


def _services(report: ReportData, s) -> list:
    heading = Paragraph("4. Dịch vụ y tế, giáo dục công lập theo cơ sở", s["h1"])
    story = _cell_table(report.services, s, "Cơ sở", heading)
    story.append(Paragraph("5. Kênh khảo sát", s["h1"]))
    rows = [["Kênh", "Số phiếu", "n", "Tỷ lệ", "KTC 95 %"]]
    for c in report.channels:
        rows.append([CHANNELS.get(c.key, str(c.key)), number(c.responses), number(c.n),
                     percent(c.rate), interval(c.low, c.high)])
    story.append(_table(rows, [6.5, 2.2, 2.0, 2.0, 3.8], s))
    return story


def _factors(report: ReportData, s) -> list:
    story = [Paragraph("6. Chỉ số hài lòng theo các yếu tố (thủ tục hành chính)", s["h1"])]
    factors = [f for f in report.factors.factors if f.index is not None]
    if not factors:
        return story + [Paragraph("Chưa có câu trả lời theo yếu tố trong kỳ.", s["body"])]
    rows = [["Yếu tố", "Người trả lời", "Câu trả lời", "Chỉ số", "KTC 95 %"]]
    for f in factors:
        rows.append([Paragraph(_escape(f.label.get("vi", f.id)), s["cell"]),
                     number(f.respondents), number(f.answers), percent(f.index),
                     interval(f.low, f.high)])
    story.append(_table(rows, [7.0, 2.4, 2.4, 1.8, 2.9], s))
    drawn = {f.label.get("vi", f.id): {"rate": f.index, "low": f.low, "high": f.high}
             for f in factors if f.low is not None}
    if drawn:
        story.append(_chart(charts.factor_chart(drawn, title="Chỉ số theo yếu tố")))
    return story


def _trend(report: ReportData, s) -> list:
    points = [p for p in report.trend if p.rate is not None]
    rows = [["Kỳ", "n", "Tỷ lệ", "KTC 95 %", "Kết luận"]]
    for p in report.trend:
        rows.append([p.period.label("vi"), number(p.n), percent(p.rate), interval(p.low, p.high),
                     VERDICTS[p.verdict] if p.target else ""])
    story = [KeepTogether([Paragraph("7. Xu hướng qua các kỳ (thủ tục hành chính)", s["h1"]),
                           _table(rows, [4.0, 2.2, 2.2, 3.6, 4.5], s)])]
    if len(points) >= 2:
        story.append(_chart(charts.trend_chart(
            [p.period.label("vi") for p in points], points,
            target=points[-1].target, title="Tỷ lệ hài lòng qua các kỳ")))
    return story


def _comments(report: ReportData, s) -> list:
    stats = report.comment_stats
    story = [Paragraph("8. Góp ý, phản ánh, kiến nghị", s["h1"])]
    median = stats.median_hours_to_handle
    story.append(Paragraph(
        f"Tổng số góp ý: {number(stats.total)}; "
        + "; ".join(f"{STATUSES[k].lower()}: {number(getattr(stats, k))}"
                    for k in ("new", "assigned", "handled"))
        + (f"; thời gian xử lý trung vị: {median / 24:.1f} ngày".replace(".", ",")
           if median is not None else "") + ".", s["body"]))
    if report.comment_tags:
        rows = [["Chủ đề (nhãn)", "Số góp ý"]] + [[tag, number(count)]
                                                  for tag, count in report.comment_tags]
        story.append(_table(rows, [8.0, 3.0], s))
    if report.comment_samples is None:
        story.append(Paragraph("Nội dung góp ý không hiển thị trong phạm vi báo cáo này.",
                               s["small"]))
    elif report.comment_samples:
        story.append(Paragraph("Một số góp ý gần nhất của người chưa hài lòng:", s["bold"]))
        for sample in report.comment_samples:
            story.append(Paragraph(
                f"• {local(sample['at'])[:10]} – {_escape(sample['agency'])}: "
                f"“{_escape(sample['text'])}” ({STATUSES[sample['status']].lower()})",
                s["small"]))
    return story


def _methods(report: ReportData, s) -> list:
    story = [Paragraph("9. Phương pháp", s["h1"])]
    for paragraph in methods.paragraphs(report):
        story.append(Paragraph(_escape(paragraph), s["body"]))
        story.append(Spacer(1, 0.15 * cm))
    return story


# --- helpers --------------------------------------------------------------------------


def _table(rows: list, widths_cm: list[float], s) -> Table:
    table = Table(rows, colWidths=[w * cm for w in widths_cm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), s["cell"].fontName, 8),
        ("FONT", (0, 0), (-1, 0), s["bold"].fontName, 8),
        ("BACKGROUND", (0, 0), (-1, 0), GREY),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ]))
    return table


def _chart(figure, max_width: float = WIDTH) -> Image:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150)
    buffer.seek(0)
    width_in, height_in = figure.get_size_inches()
    width = min(max_width, width_in * 72)
    height = width * height_in / width_in
    if height > 23 * cm:  # a tall caterpillar chart: fit the page, keep the proportions
        height, width = 23 * cm, 23 * cm * width_in / height_in
    return Image(buffer, width=width, height=height)


def _short(text: str, limit: int) -> str:
    return textwrap.shorten(text, limit, placeholder="…")


def _escape(text: str) -> str:
    """ReportLab paragraphs read a little XML: escape what citizens and files may contain."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
