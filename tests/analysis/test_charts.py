"""Charts: Figures that render Vietnamese text with no missing glyph, verdicts by shape."""

import io
import warnings

import pytest
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont

from analysis import charts, satisfaction_table, stratified_proportion, target_verdict

CELLS = [
    {"label": "Đất đai", "n": 150, "satisfied": 132, "target": 0.85},
    {"label": "Hộ tịch", "n": 300, "satisfied": 290, "target": 0.90},
    {"label": "Xây dựng", "n": 40, "satisfied": 25, "target": 0.85},
    {"label": "Giáo dục", "n": 80, "satisfied": 80, "target": None},
]


def render(fig):
    """PNG bytes of the figure, and every warning raised while drawing it."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(buffer, format="png", dpi=60)
    return buffer.getvalue(), [str(w.message) for w in caught]


def all_text(fig):
    texts = [t.get_text() for t in fig.findobj(match=lambda a: hasattr(a, "get_text"))]
    return "\n".join(texts)


def figures():
    rows = satisfaction_table(CELLS, targets="target")
    periods = ["Quý 1/2025", "Quý 2/2025", "Quý 3/2025"]
    trend = [target_verdict(x, 150, 0.9) for x in (130, 140, 145)]
    factors = {
        "Tiếp cận dịch vụ": target_verdict(130, 150, 0.9),
        "Thủ tục hành chính": target_verdict(140, 150, 0.9),
        "Công chức giải quyết công việc": stratified_proportion({"a": (70, 75), "b": (70, 75)}),
    }
    return {
        "rates": charts.rates_chart(rows, title="Tỷ lệ hài lòng theo lĩnh vực"),
        "caterpillar": charts.caterpillar_chart(rows, target=0.9, title="Tỷ lệ hài lòng"),
        "trend": charts.trend_chart(periods, trend, target=0.9, title="Xu hướng tỷ lệ hài lòng"),
        "factors": charts.factor_chart(factors, target=0.9, title="Chỉ số theo yếu tố"),
    }


def test_the_font_is_dejavu_sans():
    assert findfont(FontProperties(family=charts.FONT), fallback_to_default=False).endswith(
        "DejaVuSans.ttf"
    )


@pytest.mark.parametrize("name", ["rates", "caterpillar", "trend", "factors"])
def test_chart_renders_vietnamese_without_missing_glyphs(name):
    fig = figures()[name]
    assert isinstance(fig, Figure)
    png, caught = render(fig)
    assert png.startswith(b"\x89PNG")
    assert caught == []
    text = all_text(fig)
    assert "Tỷ lệ hài lòng" in text or "Chỉ số hài lòng" in text
    assert "Chỉ tiêu" in text


def test_missing_glyph_check_can_fail():
    # The check above is only worth something if a glyph DejaVu Sans lacks is caught.
    fig = Figure()
    fig.add_subplot().set_title("漢字", fontfamily=charts.FONT)
    _, caught = render(fig)
    assert any("missing from font" in message for message in caught)


def test_verdicts_are_shown_by_shape_colour_and_words():
    fig = charts.caterpillar_chart(satisfaction_table(CELLS, targets="target"), target=0.9)
    markers = {
        (line.get_marker(), line.get_color())
        for line in fig.axes[0].get_lines()
        if line.get_marker() not in (None, "None", "")
    }
    assert ("^", charts.GREEN) in markers  # Hộ tịch: met
    assert ("v", charts.VERMILLION) in markers  # Xây dựng: not met
    assert ("o", charts.BLUE) in markers  # Đất đai: undecided
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert {"Đạt", "Chưa đạt", "Chưa đủ căn cứ kết luận"} <= set(legend)
    english = charts.caterpillar_chart(
        satisfaction_table(CELLS, targets="target"), target=0.9, lang="en"
    )
    assert "Not met" in all_text(english)


def test_caterpillar_is_sorted_by_rate():
    fig = charts.caterpillar_chart(satisfaction_table(CELLS, targets="target"))
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Xây dựng", "Đất đai", "Hộ tịch", "Giáo dục"]


def test_numpy_numbers_are_accepted():
    import numpy as np

    row = {"label": "a", "rate": np.float32(0.5), "low": np.float64(0.4), "high": 0.6,
           "target": np.float32(0.55), "verdict": "undecided"}  # fmt: skip
    fig = charts.caterpillar_chart([row])
    assert render(fig)[1] == []


def test_label_may_be_a_function():
    rows = satisfaction_table(CELLS, targets="target")
    fig = charts.rates_chart(rows, label=lambda r: r["label"].upper())
    assert "ĐẤT ĐAI" in [t.get_text() for t in fig.axes[0].get_xticklabels()]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: charts.rates_chart([]), "nothing to draw"),
        (lambda: charts.rates_chart({"rate": 0.5}), "sequence of rows"),
        (lambda: charts.rates_chart([{"rate": 1.5, "low": 0, "high": 1}]), "rate must be"),
        (lambda: charts.rates_chart([{"rate": 0.5, "low": 0.4, "high": 0.6}]), "no label"),
        (
            lambda: charts.rates_chart(
                [{"label": "a", "rate": 0.5, "low": 0.4, "high": 0.6, "verdict": "ok"}]
            ),
            "unknown verdict 'ok'",
        ),
        (lambda: charts.caterpillar_chart(CELLS, lang="fr"), "rate must be"),
        (
            lambda: charts.rates_chart(
                [{"label": "a", "rate": 0.5, "low": 0.4, "high": 0.6}], lang="fr"
            ),
            "unknown lang 'fr'",
        ),
        (lambda: charts.trend_chart(["Q1"], []), "1 periods for 0 estimates"),
        (lambda: charts.factor_chart({}), "non-empty mapping"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
