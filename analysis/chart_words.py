"""The words charts write, in each language they are drawn in (vi, en).

Kept apart from the drawing code (:mod:`analysis.charts`): translators read this
file alone; the app's own interface strings live in its Babel catalogue, but
:mod:`analysis` is pure and has no Flask.
"""

DECIMAL_MARK = {"vi": ",", "en": "."}
WORDS = {
    "vi": {
        "met": "Đạt",
        "not_met": "Chưa đạt",
        "undecided": "Chưa đủ căn cứ kết luận",
        None: "Không có chỉ tiêu",
        "rate": "Tỷ lệ hài lòng",
        "target": "Chỉ tiêu",
        "interval": "Khoảng tin cậy",
        "period": "Kỳ báo cáo",
        "index": "Chỉ số hài lòng",
    },
    "en": {
        "met": "Met",
        "not_met": "Not met",
        "undecided": "Not yet decidable",
        None: "No target",
        "rate": "Satisfaction rate",
        "target": "Target",
        "interval": "Confidence interval",
        "period": "Period",
        "index": "Satisfaction index",
    },
}
