"""Dashboard charts are drawn once per set of numbers, and again as soon as those change."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from seeding import add_responses, load_reference

from analysis import RateEstimate, charts
from support import StaffActions
from survey_app.extensions import db
from survey_app.staff import chart_cache
from survey_app.staff.charts import svg_bytes

AT = datetime(2025, 8, 1, 3, tzinfo=UTC)
NAMES = ("targets", "breakdown", "trend", "factors")


def _seed(count: int, scores) -> None:
    add_responses(count, scores=scores, agency="ttphc-tinh", sector="dat-dai",
                  counter="ttphc-dat-dai", at=AT, answers={"c15": [5, 2], "c19": 4})
    db.session.commit()


@pytest.fixture
def admin(app, runner):
    load_reference(app, runner)
    with app.app_context():
        _seed(30, [5, 4, 2])
        StaffActions(app, app.test_client()).create("admin", "admin")
    chart_cache.store.clear()
    client = app.test_client()
    StaffActions(app, client).login("admin")
    return client


def _charts(client, query="period=2025-Q3") -> dict[str, bytes]:
    found = {}
    for name in NAMES:
        response = client.get(f"/staff/charts/{name}.svg?{query}")
        assert response.status_code == 200, name
        found[name] = response.get_data()
    return found


def test_the_same_numbers_are_drawn_once(admin):
    first = _charts(admin)
    assert (chart_cache.store.draws, chart_cache.store.hits) == (4, 0)
    again = _charts(admin)
    assert again == first
    assert (chart_cache.store.draws, chart_cache.store.hits) == (4, 4)


def test_new_responses_are_drawn_at_once_not_after_a_delay(app, admin):
    before = _charts(admin)
    with app.app_context():
        _seed(20, 1)  # every new answer dissatisfied: every rate falls
    after = _charts(admin)
    assert chart_cache.store.draws == 8
    assert all(after[name] != before[name] for name in NAMES)


def test_another_language_is_another_drawing(admin):
    vietnamese = _charts(admin)
    english = _charts(admin, "period=2025-Q3&lang=en")
    assert (chart_cache.store.draws, chart_cache.store.hits) == (8, 0)
    assert all(english[name] != vietnamese[name] for name in NAMES)
    assert b"Satisfaction" in english["targets"]


def test_the_store_keeps_to_its_size():
    store = chart_cache.DrawingStore(max_bytes=10)
    for i in range(5):
        assert store.get_or_draw(str(i), lambda i=i: bytes([i]) * 4) == bytes([i]) * 4
    assert len(store) == 2  # 8 bytes kept, the oldest three dropped
    assert store.get_or_draw("4", lambda: b"redrawn") == bytes([4]) * 4
    assert store.get_or_draw("0", lambda: b"redrawn") == b"redrawn"


def test_the_digest_covers_every_drawn_value():
    row = RateEstimate(10, 5, 0.5, 0.4, 0.6, 0.9, "met")
    digests = {chart_cache.key("targets", "vi", ["a"], [row])}
    digests.add(chart_cache.key("targets", "vi", ["b"], [row]))
    for name, other in (("n", 11), ("satisfied", 6), ("rate", 0.51), ("low", 0.41),
                        ("high", 0.61), ("target", 0.8), ("verdict", "not_met")):
        digests.add(chart_cache.key("targets", "vi", ["a"], [replace(row, **{name: other})]))
    digests.add(chart_cache.key("targets", "en", ["a"], [row]))
    digests.add(chart_cache.key("trend", "vi", ["a"], [row]))
    digests.add(chart_cache.key("trend", "vi", ["a"], [row], target=0.9))
    assert len(digests) == 12


# --- values on the grid they are drawn at ---------------------------------------------

PERCENT = charts.plain_percent("vi")
DRAW = {
    "targets": lambda labels, rows: charts.rates_chart(labels, rows, percent=PERCENT),
    "breakdown": lambda labels, rows: charts.caterpillar_chart(labels, rows, target=0.8,
                                                              percent=PERCENT),
    "trend": lambda labels, rows: charts.trend_chart(labels, rows, target=0.8, percent=PERCENT),
    "factors": lambda labels, rows: charts.factor_chart(dict(zip(labels, rows, strict=True)),
                                                        percent=PERCENT),
}


def _rows(shift: float = 0.0, n: int = 1000) -> list[RateEstimate]:
    return [RateEstimate(n + i, 0.8 * n + i, 0.81214 + shift - i / 50, 0.78 + shift - i / 50,
                         0.84 + shift - i / 50, 0.8, "undecided") for i in range(4)]


@pytest.mark.parametrize("name", NAMES)
def test_a_change_nobody_can_see_keeps_the_drawing_byte_for_byte(name):
    labels = ["Q1", "Q2", "Q3", "Q4"]
    before = chart_cache.as_drawn(_rows(), PERCENT)
    after = chart_cache.as_drawn(_rows(shift=3e-6, n=1001), PERCENT)  # a few more answers
    assert chart_cache.key(name, "vi", labels, before) == chart_cache.key(name, "vi", labels,
                                                                          after)
    first, second = (svg_bytes(DRAW[name](labels, rows)) for rows in (before, after))
    assert first == second


@pytest.mark.parametrize("name", NAMES)
def test_a_change_of_a_tenth_of_a_point_is_drawn_again(name):
    labels = ["Q1", "Q2", "Q3", "Q4"]
    before = chart_cache.as_drawn(_rows(), PERCENT)
    after = chart_cache.as_drawn(_rows(shift=1e-3), PERCENT)  # 81,2 % -> 81,3 %
    assert chart_cache.key(name, "vi", labels, before) != chart_cache.key(name, "vi", labels,
                                                                          after)
    assert svg_bytes(DRAW[name](labels, before)) != svg_bytes(DRAW[name](labels, after))


def test_the_grid_never_changes_a_written_rate_or_the_axis():
    plain = chart_cache.as_drawn([RateEstimate(10, 8, 0.812345, 0.7, 0.9)], PERCENT)[0]
    assert (plain.rate, plain.n, plain.satisfied) == (0.812, 0, 0)
    edge = RateEstimate(100, 54, 0.5375, 0.4, 0.6)  # written "53,8 %", rounded "53,7 %"
    assert PERCENT(edge.rate, 1) != PERCENT(round(edge.rate, chart_cache.GRID), 1)
    assert chart_cache.as_drawn([edge], PERCENT)[0].rate == edge.rate
    low = RateEstimate(100, 80, 0.8, 0.6496, 0.9)  # rounded, the axis would start at 0.6
    assert chart_cache.as_drawn([low], PERCENT)[0].low == 0.6496


def _ranking(figure) -> list[str]:
    return [tick.get_text() for tick in figure.axes[0].get_yticklabels()]


def test_rates_that_round_alike_keep_their_rows_in_a_ranking():
    labels = ["higher", "lower", "lowest"]
    exact = [RateEstimate(10, 8, 0.80031, 0.7, 0.9), RateEstimate(10, 8, 0.80012, 0.7, 0.9),
             RateEstimate(10, 8, 0.7, 0.6, 0.8)]
    expected = _ranking(charts.caterpillar_chart(labels, exact, percent=PERCENT))
    assert expected == ["lowest", "lower", "higher"]
    ranked_labels, ranked = chart_cache.ranked(labels, exact)
    drawn = chart_cache.as_drawn(ranked, PERCENT)
    assert drawn[1].rate == drawn[2].rate == 0.8  # a tie once rounded
    assert _ranking(charts.caterpillar_chart(ranked_labels, drawn, percent=PERCENT)) == expected
