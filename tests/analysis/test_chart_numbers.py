"""Charts write numbers at the precision of their ticks, in the reader's convention,
and a ranking of the province's 124 communes stays readable."""

import io

import pytest

from analysis import RateEstimate, charts


def tick_labels(fig, axis="y"):
    fig.savefig(io.BytesIO(), format="png", dpi=40)  # ticks are laid out by a draw
    ax = fig.axes[0]
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks if t.get_text()]


def estimate(rate, low, high):
    return RateEstimate(n=400, satisfied=rate * 400, rate=rate, low=low, high=high)


@pytest.mark.parametrize(("locations", "places"), [
    ([0.90, 0.95, 1.00], 0),
    ([0.950, 0.975, 1.000], 1),
    ([0.9, 0.92, 0.94], 0),
    ([0.9875, 0.99], 2),
])
def test_tick_places_follow_the_spacing(locations, places):
    assert charts.tick_places(locations) == places


def test_ticks_two_and_a_half_points_apart_keep_their_decimal():
    points = [estimate(0.975, 0.965, 0.985), estimate(0.98, 0.97, 0.99)]
    fig = charts.trend_chart(["Quý 1", "Quý 2"], points)
    assert tick_labels(fig)[:3] == ["90 %", "92 %", "94 %"]  # whole points: no decimal
    fig.axes[0].set_yticks([0.925, 0.95, 0.975, 1.0])  # 2.5 points apart
    assert tick_labels(fig) == ["92,5 %", "95,0 %", "97,5 %", "100,0 %"]


def test_english_ticks_and_annotations_use_english_conventions():
    fig = charts.factor_chart({"Access": estimate(0.929, 0.90, 0.95)}, lang="en")
    labels = tick_labels(fig, "x")
    assert all("," not in label and label.endswith("%") for label in labels)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "92.9%" in texts


def test_a_passed_formatter_writes_every_number():
    seen = []

    def percent(value, places):
        seen.append(places)
        return f"<{value:.3f}>"

    fig = charts.rates_chart(["A"], [estimate(0.903, 0.88, 0.92)], percent=percent,
                             target=0.9)
    tick_labels(fig)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts[0].startswith("<0.903>")
    assert "Chỉ tiêu <0.900>" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def communes(count=124):
    """(labels, estimates) of `count` communes, rates rising with their number."""
    labels = [f"UBND xã số {i + 1}" for i in range(count)]
    estimates = [estimate(0.70 + 0.25 * i / count, 0.65 + 0.25 * i / count,
                          min(1.0, 0.75 + 0.25 * i / count)) for i in range(count)]
    return labels, estimates


def test_the_ranking_grows_with_its_rows():
    fig = charts.caterpillar_chart(*communes())
    width, height = fig.get_size_inches()
    assert height >= 0.3 * 124  # every row keeps 0.3 inch: about 8 points of text
    assert len(fig.axes[0].get_yticklabels()) == 124


def test_the_ranking_for_print_is_split_into_pages_on_one_axis():
    figs = charts.caterpillar_pages(*communes(), title="Các xã")
    assert [len(f.axes[0].get_yticklabels()) for f in figs] == [40, 40, 40, 4]
    assert [f.axes[0].get_title() for f in figs] == [f"Các xã ({i}/4)" for i in range(1, 5)]
    assert len({f.axes[0].get_xlim() for f in figs}) == 1
    first = [t.get_text() for t in figs[0].axes[0].get_yticklabels()]
    assert first[-1] == "UBND xã số 124"  # the top of the first page: the highest rate
    assert charts.caterpillar_pages(*communes(10))[0].axes[0].get_title() == ""


def test_pages_need_a_positive_size():
    with pytest.raises(ValueError, match="rows"):
        charts.caterpillar_pages(*communes(3), rows=0)
