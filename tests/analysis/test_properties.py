"""Property tests (hypothesis): invariants that must hold for any counts.

Example counts are kept small so that the whole analysis suite stays fast.
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis import (
    METHODS,
    adjust_pvalues,
    difference_ci,
    proportion_ci,
    sample_size,
    satisfaction_table,
    stratified_proportion,
    target_verdict,
    weighted_proportion,
)

FAST = settings(max_examples=100, deadline=None)
levels = st.sampled_from([0.80, 0.90, 0.95, 0.99])
methods = st.sampled_from(METHODS)


@st.composite
def counts(draw, max_n=100_000):
    n = draw(st.integers(1, max_n))
    x = draw(st.one_of(st.just(0), st.just(n), st.integers(0, n)))
    return x, n


@st.composite
def targets(draw):
    return draw(st.floats(0.01, 0.99, allow_nan=False))


@FAST
@given(counts(), levels, methods)
def test_interval_is_in_unit_range_and_holds_the_rate(xn, confidence, method):
    x, n = xn
    low, high = proportion_ci(x, n, confidence, method)
    assert 0.0 <= low <= high <= 1.0
    rate = x / n
    if method == "jeffreys" and x in (0, n):
        # Equal-tailed Jeffreys without boundary modification leaves out the
        # rate itself at 0 and n: its bounds are quantiles of Beta(1/2, n + 1/2).
        assert not low <= rate <= high
    else:
        assert low <= rate <= high


@FAST
@given(st.integers(1, 50), st.integers(1, 50), st.integers(1, 200), levels, methods)
def test_interval_narrows_as_n_grows_at_a_fixed_rate(a, b, k, confidence, method):
    x, n = min(a, b), max(a, b)  # rate x/n in (0, 1]
    low1, high1 = proportion_ci(k * x, k * n, confidence, method)
    low2, high2 = proportion_ci(2 * k * x, 2 * k * n, confidence, method)
    if x < n:
        assert high2 - low2 < high1 - low1
    else:
        assert high2 - low2 <= high1 - low1


@FAST
@given(counts(), targets(), levels, methods)
def test_verdict_is_consistent_with_the_interval(xn, target, confidence, method):
    x, n = xn
    v = target_verdict(x, n, target, confidence, method)
    assert (v.low, v.high) == proportion_ci(x, n, confidence, method)
    assert v.meets_by_rate == (x / n >= target)
    assert (v.verdict == "met") == (v.low >= target)
    assert (v.verdict == "not_met") == (v.high < target)
    assert 0.0 <= v.p_value <= 1.0
    if v.verdict != "undecided":
        assert v.additional_n is None
    elif v.additional_n is not None:
        assert isinstance(v.additional_n, int)
        assert v.additional_n >= 0


@FAST
@given(
    st.floats(0.005, 0.5),
    levels,
    st.floats(0.01, 0.99),
    st.one_of(st.none(), st.integers(1, 10**7)),
)
def test_sample_size_achieves_its_margin(margin, confidence, p, population):
    n = sample_size(margin, confidence, p, population)
    z = stats.norm.ppf(1 - (1 - confidence) / 2)

    def half_width(m):
        if population is None:
            fpc = 1.0
        elif m >= population:
            fpc = 0.0  # a census has no sampling error
        else:
            fpc = (population - m) / (population - 1)
        return z * math.sqrt(p * (1 - p) / m * fpc)

    assert n >= 1
    assert half_width(n) <= margin * (1 + 1e-12)
    if population is not None:
        assert n <= population
    if n > 1:  # and it is the smallest such n
        assert half_width(n - 1) > margin * (1 - 1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(counts(max_n=5000), min_size=1, max_size=30), targets(), levels, methods)
def test_table_rows_equal_the_scalar_functions(cells, target, confidence, method):
    table = satisfaction_table(
        [{"i": i, "n": n, "satisfied": x} for i, (x, n) in enumerate(cells)],
        targets=target,
        confidence=confidence,
        method=method,
    )
    for (x, n), row in zip(cells, table, strict=True):
        v = target_verdict(x, n, target, confidence, method)
        assert (row["low"], row["high"], row["verdict"]) == (v.low, v.high, v.verdict)
        assert (row["additional_n"], row["meets_by_rate"]) == (v.additional_n, v.meets_by_rate)
        assert row["p_value"] == pytest.approx(v.p_value, rel=1e-12, abs=1e-300)


@st.composite
def strata(draw):
    keys = draw(st.lists(st.text(min_size=1, max_size=5), min_size=1, max_size=6, unique=True))
    result, sizes = {}, {}
    for key in keys:
        n = draw(st.integers(2, 500))
        result[key] = (draw(st.integers(0, n)), n)
        sizes[key] = n + draw(st.integers(0, 10_000))
    return result, draw(st.one_of(st.none(), st.just(sizes)))


@FAST
@given(strata(), levels, st.sampled_from(["logit", "wald"]))
def test_stratified_estimate_is_a_weighted_mean_inside_its_interval(data, confidence, method):
    cells, population = data
    est = stratified_proportion(cells, population, confidence, method)
    rates = [x / n for x, n in cells.values()]
    assert min(rates) - 1e-12 <= est.rate <= max(rates) + 1e-12
    assert 0.0 <= est.low <= est.rate <= est.high <= 1.0
    assert est.se >= 0
    assert est.n == sum(n for _, n in cells.values())
    assert est.df == est.n - len(cells)
    assert 0 < est.n_eff <= est.n + 1e-9


@FAST
@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.floats(0.1, 100), st.sampled_from("abc")),
        min_size=2,
        max_size=60,
    ),
    levels,
)
def test_weighted_estimate_properties(rows, confidence):
    values = [r[0] for r in rows]
    weights = [r[1] for r in rows]
    est = weighted_proportion(values, weights, confidence=confidence)
    expected = sum(v * w for v, w in zip(values, weights, strict=True)) / sum(weights)
    assert est.rate == pytest.approx(expected, abs=1e-12)
    assert 0.0 <= est.low <= est.rate <= est.high <= 1.0
    assert 0 < est.n_eff <= len(rows) + 1e-9
    # scaling every weight leaves the estimate unchanged
    scaled = weighted_proportion(values, [3.5 * w for w in weights], confidence=confidence)
    assert scaled.rate == pytest.approx(est.rate, abs=1e-12)
    assert scaled.se == pytest.approx(est.se, rel=1e-9, abs=1e-15)


@FAST
@given(counts(5000), counts(5000), levels)
def test_difference_interval_holds_the_difference(a, b, confidence):
    d = difference_ci(a[0], a[1], b[0], b[1], confidence)
    assert -1.0 <= d.low <= d.diff <= d.high <= 1.0
    assert 0.0 <= d.p_value <= 1.0


@FAST
@given(st.lists(st.floats(0, 1), max_size=40))
def test_adjusted_p_values_are_ordered_and_bounded(pvals):
    holm, bh = adjust_pvalues(pvals, "holm"), adjust_pvalues(pvals, "bh")
    for p, h, b in zip(pvals, holm, bh, strict=True):
        assert p <= b <= 1.0
        assert b <= h * (1 + 1e-12)  # p*m/k against p*(m-k+1): equal up to rounding at k = 1
        assert h <= 1.0
    order = sorted(range(len(pvals)), key=pvals.__getitem__)
    for adjusted in (holm, bh):
        ranked = [adjusted[i] for i in order]
        assert ranked == sorted(ranked)
