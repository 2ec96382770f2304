"""The body of the report as plain blocks, drawn alike by the PDF and the DOCX.

One list of headings, paragraphs, tables and charts built from a `ReportData`:
the PDF (ReportLab) and the DOCX (python-docx) only lay them out, so the two
documents always carry the same words and the same numbers. Target names are
written in full; a chart lists its rows in the order of the table above it.
"""

from __future__ import annotations

import textwrap
from dataclasses import replace

from analysis import charts
from survey_app import formatting
from survey_app.i18n import zone_name
from survey_app.services.reporting.exports import (
    comparison_section,
    data,
    methods,
    service_quality_section,
)
from survey_app.services.reporting.exports.blocks import (
    Body,
    Heading,
    Table,
    Text,
    chart,
)
from survey_app.services.reporting.exports.data import ReportData
from survey_app.services.reporting.exports.words import (
    CHANNELS,
    STATUSES,
    VERDICTS,
    change,
    days,
    interval,
    local,
    number,
    percent,
    period_text,
    tag_label,
    threshold,
    verdict_sentence,
)

SMALL_NOTE = "(*) Dưới 30 phiếu: kết quả chỉ để tham khảo, chưa đủ để kết luận."
EMPTY = "Không có phiếu trong kỳ và phạm vi này."
VI_PERCENT = formatting.chart_percent("vi")  # the charts write rates as the tables do


def body(report: ReportData) -> list:
    """Every block of the report, in reading order."""
    doc = Body()
    for section in (_summary, _targets, _sectors, _agencies, _services, _factors, _trend,
                    _comments, _methods, comparison_section.section,
                    service_quality_section.section):
        section(report, doc)
    return doc.blocks


def _summary(report: ReportData, doc: Body) -> None:
    verdicts = [t.verdict for t in report.targets if t.verdict and not t.partial]
    totals = report.totals
    doc.add(
        Text(f"Kỳ báo cáo: {period_text(report.period)}. Phạm vi: {report.scope_label['vi']}. "
             f"Số liệu tổng hợp lúc {local(report.generated_at)} (giờ {zone_name()})."),
        Text(f"Tổng số phiếu trong kỳ: {number(totals.responses)}; số phiếu có đánh giá chung: "
             f"{number(totals.n)}. Chỉ tiêu đạt: {verdicts.count('met')}; chưa đạt: "
             f"{verdicts.count('not_met')}; chưa đủ căn cứ kết luận: "
             f"{verdicts.count('undecided')}."),
    )


def _targets(report: ReportData, doc: Body) -> None:
    doc.add(Heading("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"))
    rows = [[str(i), data.target_name(t), threshold(t.threshold), number(t.n),
             percent(t.rate), interval(t.low, t.high), change(_diff(t.change)),
             change(_diff(t.change_year)), _verdict(t),
             number(t.additional_n)]
            for i, t in enumerate(report.targets, start=1)]
    doc.add(Table(["TT", "Chỉ tiêu", "Ngưỡng", "n", "Tỷ lệ", "KTC 95 %",
                   "So với kỳ trước (điểm %)", "So với cùng kỳ năm trước (điểm %)", "Kết luận",
                   "Cần thêm (phiếu)"], rows,
                  [0.8, 3.4, 1.3, 1.2, 1.3, 2.3, 1.4, 1.4, 1.6, 1.3]))
    for i, t in enumerate(report.targets, start=1):
        doc.add(Text(f"Chỉ tiêu {i} – {data.target_name(t)}: "
                     f"{verdict_sentence(t, report.period)}", "item"))
    _weighted(report, doc)
    # a partial view's rate is drawn against the target without a verdict
    drawn = [(f"Chỉ tiêu {i}", replace(t.estimate, verdict=None) if t.partial else t.estimate)
             for i, t in enumerate(report.targets, start=1) if t.estimate]
    if drawn:
        doc.add(chart(charts.rates_chart(
            *charts.apart(drawn), title="Tỷ lệ hài lòng so với chỉ tiêu (vạch đứt: chỉ tiêu)",
            percent=VI_PERCENT), 12.0))


def _weighted(report: ReportData, doc: Body) -> None:
    """The post-stratified rates beside the unweighted ones, where volumes are loaded."""
    rows = [[str(i), data.target_name(t), percent(t.rate), interval(t.low, t.high),
             percent(t.weighted.estimate.rate),
             interval(t.weighted.estimate.low, t.weighted.estimate.high),
             number(round(t.weighted.estimate.n_eff)), number(t.weighted.left_out)]
            for i, t in enumerate(report.targets, start=1) if t.weighted]
    if not rows:
        return
    doc.add(Text("Tỷ lệ có trọng số theo số hồ sơ (thủ tục hành chính; tầng: cơ quan × nhóm "
                 "lĩnh vực × quý) hoặc theo quy mô cơ sở (y tế, giáo dục), đặt cạnh tỷ lệ "
                 "không trọng số; kết luận vẫn dựa trên tỷ lệ không trọng số.", "small"),
            Table(["TT", "Chỉ tiêu", "Tỷ lệ không trọng số", "KTC 95 %", "Tỷ lệ có trọng số",
                   "KTC 95 % (theo thiết kế)", "n hiệu dụng (Kish)",
                   "Phiếu không tính trọng số"], rows,
                  [0.8, 4.6, 1.6, 2.3, 1.6, 2.3, 1.4, 1.4]))


def _diff(difference) -> float | None:
    return difference.diff if difference else None


def _verdict(target) -> str:
    return data.PARTIAL_VERDICT if target.partial else VERDICTS[target.verdict]


def _cell_table(cells, first: str) -> list:
    """A table of cells, the best rate first (the order of the chart drawn under it)."""
    if not cells:
        return [Text(EMPTY)]
    rows = [[c.name.get("vi", "") + (" (*)" if c.too_small else ""), number(c.responses),
             number(c.n), percent(c.rate), interval(c.low, c.high), threshold(c.target),
             VERDICTS[c.verdict] if c.target else "", number(c.additional_n)
             if c.target else ""] for c in _by_rate(cells)]
    return [Table([first, "Số phiếu", "n", "Tỷ lệ", "KTC 95 %", "Chỉ tiêu", "Kết luận",
                   "Cần thêm (phiếu)"], rows, [4.6, 1.4, 1.2, 1.4, 2.4, 1.3, 2.2, 1.5]),
            Text(SMALL_NOTE, "small")]


def _by_rate(cells) -> list:
    return sorted(cells, key=lambda c: (c.rate is None, -(c.rate or 0.0)))


def _cell_chart(cells, title: str) -> list:
    """The cells of the table above, top to bottom in its order (best rate first), in
    charts of at most 40 rows on one axis (the province's communes on a few pages)."""
    drawn = [(_wrap(c.name.get("vi", "")), c.estimate) for c in _by_rate(cells) if c.estimate]
    if not drawn:
        return []
    return [chart(figure) for figure in charts.caterpillar_pages(
        *charts.apart(drawn), title=title, percent=VI_PERCENT)]


def _sectors(report: ReportData, doc: Body) -> None:
    doc.add(Heading("II. GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THEO NHÓM LĨNH VỰC VÀ LĨNH VỰC"))
    doc.add(*_cell_table(report.groups, "Nhóm lĩnh vực"))
    doc.add(*_cell_table(report.sectors, "Lĩnh vực"))
    doc.add(*_cell_chart(report.sectors, "Tỷ lệ hài lòng theo lĩnh vực"))


def _agencies(report: ReportData, doc: Body) -> None:
    doc.add(Heading("III. GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH THEO CƠ QUAN"))
    doc.add(*_cell_table(report.agencies, "Cơ quan"))
    # compared in the appendix's funnel, not by a ranking chart
    doc.add(Text("So sánh các cơ quan với chỉ tiêu: xem biểu đồ phễu ở Phụ lục.", "small"))


def _services(report: ReportData, doc: Body) -> None:
    doc.add(Heading("IV. DỊCH VỤ Y TẾ, GIÁO DỤC CÔNG LẬP THEO CƠ SỞ"))
    doc.add(*_cell_table(report.services, "Cơ sở"))
    doc.add(Heading("V. KÊNH KHẢO SÁT"))
    rows = [[CHANNELS.get(c.key, str(c.key)), number(c.responses), number(c.n), percent(c.rate),
             interval(c.low, c.high)] for c in report.channels]
    doc.add(Table(["Kênh", "Số phiếu", "n", "Tỷ lệ", "KTC 95 %"], rows or [[EMPTY, "", "", "",
                                                                           ""]],
                  [6.6, 2.2, 2.0, 2.0, 3.2]))


def _factors(report: ReportData, doc: Body) -> None:
    doc.add(Heading(f"VI. CHỈ SỐ HÀI LÒNG THEO CÁC YẾU TỐ ({_about(report)})"))
    factors = [f for f in report.factors.factors if f.index is not None]
    if not factors:
        doc.add(Text("Chưa có câu trả lời theo yếu tố trong kỳ."))
        return
    rows = [[f.label.get("vi", f.id), number(f.respondents), number(f.answers),
             percent(f.index), interval(f.low, f.high)] for f in factors]
    doc.add(Table(["Yếu tố", "Người trả lời", "Câu trả lời", "Chỉ số", "KTC 95 %"], rows,
                  [6.8, 2.3, 2.3, 1.6, 3.0]))
    if report.factors.spans_versions:
        doc.add(Text(_versions_note(report.factors.versions), "small"))
    drawn = {f.label.get("vi", f.id): f.estimate for f in factors if f.estimate}
    if drawn:
        doc.add(chart(charts.factor_chart(drawn, title="Chỉ số theo yếu tố",
                                           percent=VI_PERCENT)))


def _versions_note(versions) -> str:
    """The note under the factor table when the period pools questionnaire versions."""
    parts = "; ".join(f"phiên bản {v.version} ({v.instrument}, {v.criteria} tiêu chí): "
                      f"{number(v.respondents)} người trả lời" for v in versions)
    return (f"Kỳ báo cáo gồm người trả lời theo nhiều phiên bản bảng hỏi: {parts}. Chỉ số "
            "mỗi yếu tố gộp các tiêu chí của yếu tố đó theo từng phiên bản.")


def _trend(report: ReportData, doc: Body) -> None:
    doc.add(Heading(f"VII. XU HƯỚNG QUA CÁC KỲ ({_about(report)})"))
    rows = [[p.period.label("vi"), number(p.n), percent(p.rate), interval(p.low, p.high),
             VERDICTS[p.verdict] if p.target else "",
             number(p.additional_n) if p.target else ""] for p in report.trend]
    doc.add(Table(["Kỳ", "n", "Tỷ lệ", "KTC 95 %", "Kết luận", "Cần thêm (phiếu)"], rows,
                  [3.6, 1.8, 1.8, 2.6, 4.0, 2.2]))
    points = [(p.period.label("vi"), p.estimate) for p in report.trend if p.estimate]
    if len(points) >= 2:
        doc.add(chart(charts.trend_chart(*charts.apart(points), target=points[-1][1].target,
                                          title="Tỷ lệ hài lòng qua các kỳ",
                                          percent=VI_PERCENT), 13.0))


def _comments(report: ReportData, doc: Body) -> None:
    stats = report.comment_stats
    doc.add(Heading("VIII. GÓP Ý, PHẢN ÁNH, KIẾN NGHỊ"))
    median = stats.median_hours_to_handle
    counts = "; ".join(f"{STATUSES[k].lower()}: {number(getattr(stats, k))}"
                       for k in ("new", "assigned", "handled"))
    handling = f"; thời gian xử lý trung vị: {days(median)}" if median is not None else ""
    doc.add(Text(f"Tổng số góp ý: {number(stats.total)}; {counts}{handling}."))
    if report.comment_tags:
        doc.add(Table(["Chủ đề (nhãn)", "Số góp ý"],
                      [[tag_label(tag), number(count)] for tag, count in report.comment_tags],
                      [12.0, 4.0]))
    if report.comment_samples is None:
        doc.add(Text("Nội dung góp ý không hiển thị trong phạm vi báo cáo này.", "small"))
        return
    if report.comment_samples:
        doc.add(Text("Một số góp ý gần nhất của người chưa hài lòng:"))
    for sample in report.comment_samples:
        doc.add(Text(f"{local(sample['at'])[:10]} – {sample['agency']}: “{sample['text']}” "
                     f"({STATUSES[sample['status']].lower()})", "item"))


def _about(report: ReportData) -> str:
    """What the factor and trend sections are about: the chosen survey, else the one-stop one."""
    if report.administrative or report.survey is None:
        return "THỦ TỤC HÀNH CHÍNH"
    return data.survey_name(report.survey, "vi").upper()


def _methods(report: ReportData, doc: Body) -> None:
    doc.add(Heading("IX. PHƯƠNG PHÁP"))
    doc.add(*(Text(paragraph) for paragraph in methods.paragraphs(report)))


def _wrap(name: str, limit: int = 34) -> str:
    """A long name on two or more lines (in full), so the plot keeps its width."""
    return "\n".join(textwrap.wrap(name, limit))
