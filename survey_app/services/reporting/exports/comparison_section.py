"""The report's comparison appendix: funnels of agencies, commune small-area estimates.

Self-contained: `section(report, doc)` adds its own heading, method note, charts
and tables to the body that the PDF and the DOCX lay out (see `content`), and
`sheet(book_sheet, report)` writes the same numbers to the workbook. The numbers
come from `services.reporting.comparisons` for the report's period and scope,
on the administrative procedures, as the rest of the report.
"""

from __future__ import annotations

from analysis.funnel_chart import funnel_chart
from survey_app import formatting
from survey_app.services.reporting import comparisons
from survey_app.services.reporting.exports import blocks
from survey_app.services.reporting.exports.words import interval, number, percent, threshold
from survey_app.services.reporting.figures import Filters

ADMINISTRATIVE = Filters(kinds=("administrative",))
DIRECTION = {"above": "cao hơn chỉ tiêu", "below": "thấp hơn chỉ tiêu"}
NOTE = (
    "Cách đọc biểu đồ phễu: mỗi điểm là một cơ quan, theo số phiếu (trục ngang) và tỷ lệ "
    "hài lòng (trục đứng). Hai đường cong là giới hạn 95 % và 99,8 % quanh chỉ tiêu: cơ quan "
    "nằm trong giới hạn không khác chỉ tiêu quá mức ngẫu nhiên cho phép; giới hạn hẹp dần khi "
    "số phiếu tăng. Khi các cơ quan chênh lệch nhau nhiều hơn mức do chọn mẫu (phân tán quá "
    "mức), giới hạn được nới rộng và biểu đồ ghi rõ. Chỉ nêu tên cơ quan nằm ngoài giới hạn "
    "99,8 % và vẫn có ý nghĩa sau khi kiểm soát tỷ lệ phát hiện sai (Benjamini–Hochberg, 5 %). "
    "Không xếp hạng: với ít phiếu, thứ hạng phần lớn do ngẫu nhiên."
)
OTHER_SURVEY = "Phụ lục này chỉ lập cho khảo sát về giải quyết thủ tục hành chính."
SMALL_AREA_NOTE = (
    "Ước lượng cho địa bàn nhỏ (mô hình Fay–Herriot): bên cạnh tỷ lệ của chính xã, phường là "
    "một ước lượng vay mượn thông tin từ các xã, phường khác; càng ít phiếu, ước lượng càng "
    "dựa vào mức chung. Ước lượng kéo các xã, phường khác thường về gần mức chung, nên không "
    "thay cho số liệu trực tiếp và không dùng để kết luận đạt hay chưa đạt chỉ tiêu."
)


def section(report, doc) -> None:
    """The appendix: its heading, the funnels with the units outside, the commune table."""
    doc.add(blocks.Heading("PHỤ LỤC. SO SÁNH CÁC CƠ QUAN VỚI CHỈ TIÊU; ƯỚC LƯỢNG CHO ĐỊA BÀN NHỎ"))
    doc.add(blocks.Text(NOTE, "small"))
    if not report.administrative:
        doc.add(blocks.Text(OTHER_SURVEY))
        return
    found = comparisons.funnels(report.period, report.scope, "agency", ADMINISTRATIVE)
    if not found:
        doc.add(blocks.Text("Có ít hơn ba cơ quan có phiếu trong phạm vi: không so sánh."))
    for comparison in found:
        _funnel(comparison, doc)
    communes = comparisons.commune_estimates(report.period, report.scope, ADMINISTRATIVE)
    if communes is not None:
        _communes(communes, doc)


def _line(comparison) -> str:
    if comparison.pooled:
        return f"tỷ lệ chung {percent(comparison.target)}"
    return f"chỉ tiêu {threshold(comparison.target)}"


def _funnel(comparison, doc) -> None:
    labels = [u.name.get("vi", "") for u in comparison.units]
    figure = funnel_chart(comparison.result, labels, percent=formatting.chart_percent("vi"),
                          title=f"Các cơ quan so với {_line(comparison)}",
                          target_label="Tỷ lệ chung" if comparison.pooled else None)
    doc.add(blocks.chart(figure))  # the report's own chart-to-block step
    inside = (f"{number(comparison.inside)} cơ quan"
              f"{' còn lại' if comparison.signals else ''}: không khác biệt có ý nghĩa so với "
              "chỉ tiêu.")
    if comparison.signals:
        rows = [[u.name.get("vi", ""), number(u.n), percent(u.rate), interval(u.low, u.high),
                 DIRECTION[u.signal]] for u in comparison.signals]
        doc.add(blocks.Table(["Cơ quan nằm ngoài giới hạn 99,8 %", "n", "Tỷ lệ", "KTC 95 %",
                               "Chiều"], rows, [6.6, 1.4, 1.6, 3.0, 3.4]))
    doc.add(blocks.Text(inside))


def _communes(communes, doc) -> None:
    model = ("có tỉnh cũ" if communes.covariates else "không có biến phụ trợ")
    doc.add(blocks.Text(
        f"{SMALL_AREA_NOTE} Mô hình {model}; phương sai giữa các xã, phường σ²ᵥ = "
        f"{communes.sigma2_v:.5f}".replace(".", ",") + ".", "small"))
    rows = [[a.name.get("vi", ""), number(a.n), percent(a.rate), interval(a.low, a.high),
             percent(a.estimate), interval(a.estimate_low, a.estimate_high)]
            for a in communes.areas]
    doc.add(blocks.Table(["Xã, phường", "n", "Tỷ lệ", "KTC 95 %",
                           "Ước lượng cho địa bàn nhỏ", "KTC 95 % của ước lượng"], rows,
                          [4.8, 1.2, 1.6, 2.8, 2.2, 3.4]))


SHEET_HEADERS = ("Nhóm so sánh", "Tên", "n", "Tỷ lệ", "Giới hạn 95 %", "Giới hạn 99,8 %",
                 "Sau kiểm soát FDR", "p hiệu chỉnh (BH)", "Ước lượng cho địa bàn nhỏ",
                 "Cận dưới", "Cận trên")
FLAG = {"above": "cao hơn", "below": "thấp hơn", "inside": "trong giới hạn"}


def sheet_rows(report) -> list[list]:
    """Rows of the workbook's comparison sheet: every funnel unit, then every commune."""
    rows: list[list] = []
    if not report.administrative:
        return rows
    for comparison in comparisons.funnels(report.period, report.scope, "agency", ADMINISTRATIVE):
        group = f"Cơ quan so với {_line(comparison)}"
        rows += [[group, u.name.get("vi", ""), u.n, u.rate, FLAG[u.flag_95], FLAG[u.flag_998],
                  FLAG[u.signal], u.p_adjusted, None, None, None] for u in comparison.units]
    communes = comparisons.commune_estimates(report.period, report.scope, ADMINISTRATIVE)
    for a in communes.areas if communes else []:
        rows.append(["Xã, phường (ước lượng cho địa bàn nhỏ)", a.name.get("vi", ""), a.n, a.rate,
                     None, None, None, None, a.estimate, a.estimate_low, a.estimate_high])
    return rows
