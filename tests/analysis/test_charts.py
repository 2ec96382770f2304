"""Charts: Figures that render Vietnamese text with no missing glyph, verdicts by shape."""

import io
import warnings

import pytest
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont

from analysis import RateEstimate, charts, rate_estimate, satisfaction_table, stratified_proportion

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


LABELS = [cell["label"] for cell in CELLS]


def table_estimates():
    return satisfaction_table(CELLS, targets="target").estimates()


def weighted(estimate) -> RateEstimate:
    """A weighted estimate as the one rate type (its n the effective n)."""
    return RateEstimate(round(estimate.n_eff), estimate.rate * estimate.n_eff, estimate.rate,
                        estimate.low, estimate.high)


def figures():
    rows = table_estimates()
    periods = ["Quý 1/2025", "Quý 2/2025", "Quý 3/2025"]
    trend = [rate_estimate(x, 150, 0.9) for x in (130, 140, 145)]
    factors = {
        "Tiếp cận dịch vụ": rate_estimate(130, 150, 0.9),
        "Thủ tục hành chính": rate_estimate(140, 150, 0.9),
        "Công chức giải quyết công việc": weighted(
            stratified_proportion({"a": (70, 75), "b": (70, 75)})),
    }
    return {
        "rates": charts.rates_chart(LABELS, rows, title="Tỷ lệ hài lòng theo lĩnh vực"),
        "caterpillar": charts.caterpillar_chart(LABELS, rows, target=0.9,
                                                title="Tỷ lệ hài lòng"),
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
    fig = charts.caterpillar_chart(LABELS, table_estimates(), target=0.9)
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
    english = charts.caterpillar_chart(LABELS, table_estimates(), target=0.9, lang="en")
    assert "Not met" in all_text(english)


def test_caterpillar_is_sorted_by_rate():
    fig = charts.caterpillar_chart(LABELS, table_estimates())
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Xây dựng", "Đất đai", "Hộ tịch", "Giáo dục"]


def test_numpy_numbers_are_accepted():
    import numpy as np

    row = RateEstimate(10, 5, np.float32(0.5), np.float64(0.4), 0.6, np.float32(0.55),
                       "undecided")
    fig = charts.caterpillar_chart(["a"], [row])
    assert render(fig)[1] == []


def test_the_table_gives_its_cells_as_estimates():
    rows = satisfaction_table(CELLS, targets="target")
    estimates = rows.estimates()
    assert [e.n for e in estimates] == [cell["n"] for cell in CELLS]
    assert [(e.rate, e.low, e.high, e.target, e.verdict) for e in estimates] == [
        (r["rate"], r["low"], r["high"], r["target"], r["verdict"]) for r in rows]
    assert estimates[0] == rate_estimate(132, 150, 0.85)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: charts.rates_chart([], []), "nothing to draw"),
        (lambda: charts.rates_chart(["a"], {"rate": 0.5}), "sequence of RateEstimate"),
        (lambda: charts.rates_chart(["a"], [RateEstimate(1, 1, 1.5, 0, 1)]), "rate must be"),
        (lambda: charts.rates_chart([], [RateEstimate(2, 1, 0.5, 0.4, 0.6)]), "0 labels for 1"),
        (
            lambda: charts.rates_chart(["a"], [RateEstimate(2, 1, 0.5, 0.4, 0.6, 0.5, "ok")]),
            "unknown verdict 'ok'",
        ),
        (lambda: charts.caterpillar_chart(LABELS, CELLS), "a dict, not a RateEstimate"),
        (
            lambda: charts.rates_chart(["a"], [RateEstimate(2, 1, 0.5, 0.4, 0.6)], lang="fr"),
            "unknown lang 'fr'",
        ),
        (lambda: charts.trend_chart(["Q1"], []), "nothing to draw"),
        (lambda: charts.trend_chart(["Q1", "Q2"], [rate_estimate(1, 2)]), "2 labels for 1"),
        (lambda: charts.factor_chart({}), "non-empty mapping"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
