"""Comments in natural Vietnamese for synthetic responses, with their follow-up.

Every sentence is invented and names nobody: demo data must hold no personal
data. A comment is a praise or a complaint (by whether the respondent was
satisfied) plus, often, a proposal; its tag says what it is about. Older
comments are more often handled, with a reply note.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import numpy as np

COMMENT_RATE = {True: 0.04, False: 0.14}  # share of respondents who comment, by "satisfied"
# (text, tag) by domain: "admin" (one-stop counters), "health", "education".
COMPLAINTS = {
    "admin": [
        ("Thời gian chờ đến lượt quá lâu, buổi sáng rất đông người.", "thoi-gian-cho"),
        ("Hồ sơ phải bổ sung nhiều lần vì lần đầu không được hướng dẫn đủ.", "ho-so"),
        ("Trả kết quả trễ hơn ngày hẹn ghi trên giấy biên nhận.", "tien-do"),
        ("Phòng chờ nóng, thiếu ghế ngồi cho người lớn tuổi.", "co-so-vat-chat"),
        ("Máy lấy số thứ tự hay bị hỏng, phải hỏi bảo vệ.", "co-so-vat-chat"),
        ("Cán bộ trả lời cộc lốc, chưa giải thích rõ lý do trả hồ sơ.", "thai-do"),
        ("Không biết nộp phí ở quầy nào, phải đi lại nhiều lần.", "thong-tin"),
        ("Trang dịch vụ công trực tuyến hay bị lỗi khi nộp hồ sơ.", "truc-tuyen"),
    ],
    "health": [
        ("Chờ lấy số khám và lấy thuốc rất lâu.", "thoi-gian-cho"),
        ("Nhà vệ sinh ở khu khám bệnh chưa sạch sẽ.", "co-so-vat-chat"),
        ("Điều dưỡng nói chuyện chưa nhẹ nhàng với người bệnh lớn tuổi.", "thai-do"),
        ("Bảng chỉ dẫn các khoa khó tìm, phải hỏi nhiều lần.", "thong-tin"),
    ],
    "education": [
        ("Nhà trường thông báo các khoản thu còn chậm.", "thong-tin"),
        ("Sân trường ít bóng mát, các cháu ra chơi rất nóng.", "co-so-vat-chat"),
        ("Lớp học còn đông, giáo viên khó quan tâm từng em.", "hoat-dong"),
    ],
}
PRAISES = {
    "admin": [
        ("Cán bộ nhiệt tình, hướng dẫn chu đáo, dễ hiểu.", "khen"),
        ("Thủ tục nhanh gọn, trả kết quả đúng hẹn.", "khen"),
        ("Nơi làm việc sạch sẽ, thoáng mát, có nước uống.", "khen"),
    ],
    "health": [
        ("Bác sĩ khám kỹ và giải thích rõ về bệnh.", "khen"),
        ("Điều dưỡng chăm sóc tận tình, chu đáo.", "khen"),
    ],
    "education": [
        ("Thầy cô quan tâm, thường xuyên trao đổi với phụ huynh.", "khen"),
        ("Các cháu tiến bộ nhiều trong năm học.", "khen"),
    ],
}
PROPOSALS = {
    "admin": [
        "Đề nghị bố trí thêm người tiếp nhận vào buổi sáng.",
        "Mong cơ quan niêm yết rõ các giấy tờ cần nộp.",
        "Nên nhắn tin báo khi có kết quả để người dân khỏi đi lại.",
        "Mong được hướng dẫn một lần cho đủ.",
    ],
    "health": [
        "Đề nghị bệnh viện thêm quầy lấy thuốc giờ cao điểm.",
        "Mong có thêm ghế chờ ở hành lang.",
    ],
    "education": [
        "Đề nghị nhà trường trồng thêm cây xanh.",
        "Mong nhà trường gửi thông báo qua tin nhắn sớm hơn.",
    ],
}
THANKS = ["Cảm ơn cán bộ.", "Mong tiếp tục phát huy.", "Xin cảm ơn."]
REPLIES = [
    "Đã tiếp thu, bố trí thêm cán bộ tiếp nhận vào giờ cao điểm.",
    "Đã liên hệ giải thích và xin lỗi về sự chậm trễ.",
    "Đã sửa chữa thiết bị và kiểm tra lại hằng ngày.",
    "Đã chuyển bộ phận chuyên môn xem xét, chấn chỉnh.",
    "Cảm ơn ý kiến đóng góp của Ông/Bà.",
]


def domain_of(kind: str) -> str:
    if kind.startswith("health"):
        return "health"
    if kind.startswith("education"):
        return "education"
    return "admin"


def comments(rng, item_code, ids, satisfied, submitted, agencies, rates, end: date, kind: str):
    """Comment rows for some of the responses `ids` (columns as in the comments table)."""
    domain = domain_of(kind)
    chance = np.where(satisfied, rates[True], rates[False])
    chosen = np.nonzero(rng.random(len(ids)) < chance)[0]
    period_end = datetime.combine(end, datetime.min.time())
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = []
    for i in chosen.tolist():
        pool = PRAISES[domain] if satisfied[i] else COMPLAINTS[domain]
        sentence, tag = pool[int(rng.integers(len(pool)))]
        words = [sentence]
        if not satisfied[i] or rng.random() < 0.3:
            proposals = PROPOSALS[domain]
            words.append(proposals[int(rng.integers(len(proposals)))])
        elif rng.random() < 0.5:
            words.append(THANKS[int(rng.integers(len(THANKS)))])
        # Comments from early in the period have had time to be handled.
        age = (period_end - submitted[i]).days
        u = rng.random()
        status = "handled" if u < min(0.85, 0.2 + age / 200) else ("assigned" if u < 0.9 else "new")
        handled_at = reply = None
        if status == "handled":
            handled_at = min(submitted[i] + timedelta(days=int(rng.integers(1, 21))), now)
            reply = REPLIES[int(rng.integers(len(REPLIES)))]
        rows.append((
            int(ids[i]), item_code, " ".join(words), status,
            json.dumps([tag] if status != "new" else []),
            int(agencies[i]) if status != "new" else None, reply, handled_at, False,
        ))
    return rows
