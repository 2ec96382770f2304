"""The methods note of the report, in Vietnamese: how every figure was computed.

Kept beside the report so that a reader can check a number by hand, and kept in
step with `services.reporting` and `services.factor_indices` (their docstrings
say the same in English).
"""

from __future__ import annotations

from survey_app.services.reporting import figures as reporting
from survey_app.services.reporting.exports.data import ReportData
from survey_app.services.reporting.exports.words import CHANNELS, number


def paragraphs(report: ReportData) -> list[str]:
    totals = report.totals
    channels = "; ".join(f"{CHANNELS.get(c.key, c.key)}: {number(c.responses)} phiếu"
                         for c in report.channels) or "không có phiếu"
    return [
        "Hài lòng: người trả lời chọn mức 4 (Hài lòng) hoặc 5 (Rất hài lòng) trên thang 5 mức "
        "(1 Rất không hài lòng, 2 Không hài lòng, 3 Bình thường, 4 Hài lòng, 5 Rất hài lòng). "
        "Tỷ lệ hài lòng = số phiếu hài lòng / số phiếu có đánh giá (n), tính trên câu đánh giá "
        "chung của phiếu. Câu trả lời \u201cKhông sử dụng / Không ý kiến\u201d được lưu nhưng "
        "không tính vào bất kỳ tỷ lệ nào.",
        f"Khoảng tin cậy: khoảng Wilson 95 % cho một tỷ lệ (phương pháp mặc định). Một ô dưới "
        f"{reporting.MIN_CELL} phiếu được đánh dấu là chưa đủ để đọc kết quả (vẫn được hiển thị, "
        "không bị ẩn).",
        "Kết luận so với chỉ tiêu: \u201cĐạt\u201d khi cận dưới của khoảng tin cậy không thấp hơn "
        "chỉ tiêu; \u201cChưa đạt\u201d khi cận trên thấp hơn chỉ tiêu; còn lại là \u201cChưa đủ "
        "căn cứ kết luận\u201d. Khi chưa đủ căn cứ, số phiếu cần thêm là "
        "max(0, \u2308z\u00b2\u00b7r(1\u2212r)/(r\u2212chỉ tiêu)\u00b2\u2309 \u2212 n) với r là "
        "tỷ lệ hiện tại và z = 1,96: số phiếu cần có thêm nếu tỷ lệ giữ nguyên (con số để lập kế "
        "hoạch khảo sát, không phải cam kết).",
        "Chỉ số phục vụ (chỉ tiêu đo bằng chỉ số): chỉ số của mỗi yếu tố = số câu trả lời hài "
        "lòng / số câu trả lời có điểm của các tiêu chí thuộc yếu tố; chỉ số phục vụ = trung bình "
        "cộng các chỉ số yếu tố. Vì một người trả lời mọi tiêu chí, khoảng tin cậy lấy người trả "
        "lời làm đơn vị (phương sai tuyến tính hóa của ước lượng tỷ số), không coi từng câu trả "
        "lời là độc lập.",
        f"Cỡ mẫu trong kỳ và phạm vi báo cáo: {number(totals.responses)} phiếu, trong đó "
        f"{number(totals.n)} phiếu có đánh giá chung. Theo kênh: {channels}.",
        "Lưu ý khi đọc: phiếu qua mã QR tại quầy, máy khảo sát và phiếu giấy là mẫu tự nguyện, "
        "không phải mẫu ngẫu nhiên; phiếu qua đường dẫn theo hồ sơ gắn với một giao dịch thật và "
        "chỉ dùng được một lần. Kết luận dựa trên tỷ lệ không gia quyền; nơi đã có số hồ sơ "
        "đã giải quyết, tỷ lệ có trọng số theo số hồ sơ được trình bày bên cạnh.",
        "Các số liệu trong báo cáo này, tệp Excel kèm theo và trang tổng quan được tính từ cùng "
        "một truy vấn tổng hợp trên cơ sở dữ liệu, nên luôn khớp nhau.",
    ]
