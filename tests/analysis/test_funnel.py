"""Funnel limits, overdispersion and flags against hand computation, scipy and statsmodels."""

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from analysis import adjust_pvalues, funnel, funnel_limits, overdispersion

REPRODUCIBLE = settings(max_examples=60, deadline=None)


def brute_force_limit(n, target, p):
    """Spiegelhalter (2005) A.1.1 read literally: the first r with P(R <= r) >= p."""
    r = int(np.argmax(stats.binom.cdf(np.arange(n + 1), n, target) >= p))
    alpha = (stats.binom.cdf(r, n, target) - p) / stats.binom.pmf(r, n, target)
    return min(max((r - alpha) / n, 0.0), 1.0)


def test_exact_limits_by_hand_for_ten_answers_at_one_half():
    # P(R <= 1) = 11/1024 < 0.025 <= P(R <= 2) = 56/1024, P(R = 2) = 45/1024:
    # alpha = (56 - 25.6)/45, limit = (2 - alpha)/10 = 59.6/450. Likewise at the
    # top: r = 8, alpha = (1013 - 998.4)/45, limit = 345.4/450.
    low, high = funnel_limits([10], 0.5, 0.95)
    assert low[0] == pytest.approx(59.6 / 450, abs=1e-12)
    assert high[0] == pytest.approx(345.4 / 450, abs=1e-12)


@pytest.mark.parametrize("target", [0.05, 0.5, 0.8, 0.9, 0.97])
@pytest.mark.parametrize("level", [0.8, 0.95, 0.998])
def test_exact_limits_equal_the_literal_definition(target, level):
    sizes = [1, 2, 3, 7, 12, 18, 40, 100, 333, 1000, 5000]
    low, high = funnel_limits(sizes, target, level)
    half = (1 - level) / 2
    for i, n in enumerate(sizes):
        assert low[i] == pytest.approx(brute_force_limit(n, target, half), abs=1e-12)
        assert high[i] == pytest.approx(brute_force_limit(n, target, 1 - half), abs=1e-12)


def test_normal_limits_follow_the_formula():
    n = np.array([5.0, 18.0, 120.5, 4000.0])
    low, high = funnel_limits(n, 0.9, 0.998, method="normal", phi=2.5, tau2=0.001)
    z = stats.norm.ppf(0.999)
    half = z * np.sqrt(2.5 * 0.9 * 0.1 / n + 0.001)
    np.testing.assert_allclose(low, np.clip(0.9 - half, 0, 1), rtol=0, atol=1e-12)
    np.testing.assert_allclose(high, np.clip(0.9 + half, 0, 1), rtol=0, atol=1e-12)
    assert high[0] == 1.0  # clipped


def test_overdispersion_by_hand():
    x, n, t = np.array([45, 80, 30, 190, 60]), np.array([50, 100, 40, 200, 80]), 0.85
    z = [(xi / ni - t) / math.sqrt(t * (1 - t) / ni) for xi, ni in zip(x, n, strict=True)]
    lo, hi = np.quantile(z, 0.2), np.quantile(z, 0.8)
    z_w = [min(max(v, lo), hi) for v in z]
    phi = sum(v * v for v in z_w) / 5
    w = [ni / (t * (1 - t)) for ni in n]
    tau2 = max(0.0, (5 * phi - 4) / (sum(w) - sum(v * v for v in w) / sum(w)))
    result = overdispersion(x, n, t, winsor=0.2)
    assert result.phi == pytest.approx(phi, rel=1e-12)
    assert result.tau2 == pytest.approx(tau2, rel=1e-12)
    assert result.tau2 > 0
    np.testing.assert_allclose(result.z, z, rtol=1e-12)
    np.testing.assert_allclose(result.z_winsorised, z_w, rtol=1e-12)


def test_no_excess_spread_gives_tau2_zero():
    # every unit exactly on target: z = 0, phi = 0, I phi <= I - 1
    result = overdispersion([90, 45, 9], [100, 50, 10], 0.9)
    assert result.phi == 0.0
    assert result.tau2 == 0.0


def test_funnel_without_overdispersion_matches_statsmodels_z_and_bh():
    rng = np.random.default_rng(16)
    n = rng.integers(5, 400, size=124)
    x = rng.binomial(n, 0.9)
    result = funnel(x, n, 0.9, overdispersion="none")
    assert result.dispersion == "none"
    for i in range(n.size):
        z, p = proportions_ztest(x[i], n[i], value=0.9, prop_var=0.9)
        assert result.z[i] == pytest.approx(z, rel=1e-10)
        assert result.p_value[i] == pytest.approx(p, rel=1e-10)
    bh = multipletests(result.p_value, method="fdr_bh")[1]
    np.testing.assert_allclose(result.p_adjusted, bh, rtol=1e-12)


def test_auto_switches_to_the_additive_model_when_units_differ():
    rng = np.random.default_rng(7)
    n = rng.integers(30, 300, size=124)
    true_rates = np.clip(rng.normal(0.85, 0.06, size=124), 0.01, 0.99)
    x = rng.binomial(n, true_rates)
    spread = overdispersion(x, n, 0.85)
    result = funnel(x, n, 0.85)
    assert spread.tau2 > 0
    assert (result.dispersion, result.tau2) == ("additive", spread.tau2)
    expected = (x / n - 0.85) / np.sqrt(0.85 * 0.15 / n + spread.tau2)
    np.testing.assert_allclose(result.z, expected, rtol=1e-12)
    binomial = funnel(x, n, 0.85, overdispersion="none")
    # the binomial limits flag many more units than the overdispersed ones
    assert (binomial.flags[0.998] != "inside").sum() > (result.flags[0.998] != "inside").sum()


def test_multiplicative_never_narrows_the_binomial_limits():
    result = funnel([90, 45, 9, 88], [100, 50, 10, 100], 0.9, overdispersion="multiplicative")
    assert result.dispersion == "multiplicative"
    assert result.phi == 1.0  # the estimate is under 1 here


def test_a_unit_far_below_is_a_signal_after_fdr():
    n = np.array([200] * 30 + [400])
    x = np.array([180] * 30 + [300])  # the last one: 75 % from 400 against 90 %
    result = funnel(x, n, 0.9)
    assert result.signal[-1] == "below"
    assert (result.signal[:-1] == "inside").all()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: funnel_limits([0], 0.9), "at least 1"),
        (lambda: funnel_limits([1.5], 0.9), "whole number"),
        (lambda: funnel_limits([10], 1.0), "target"),
        (lambda: funnel_limits([10], 0.9, 1.2), "level"),
        (lambda: funnel_limits([10], 0.9, method="wald"), "method"),
        (lambda: funnel_limits([10], 0.9, phi=2.0), "exact limits take no phi"),
        (lambda: funnel_limits([10], 0.9, method="normal", tau2=-1.0), "tau2"),
        (lambda: overdispersion([5], [10], 0.9), "two units"),
        (lambda: overdispersion([5, 5], [10, 10], 0.9, winsor=0.5), "winsor"),
        (lambda: funnel([11], [10], 0.9), "cannot exceed"),
        (lambda: funnel([1, 2], [10], 0.9), "same length"),
        (lambda: funnel([], [], 0.9), "no units"),
        (lambda: funnel([5], [10], 0.9, overdispersion="lots"), "overdispersion"),
        (lambda: funnel([5], [10], 0.9, fdr=0.0), "fdr"),
        (lambda: funnel([5], [10], 0.9, levels=()), "at least one level"),
    ],
)
def test_bad_input_is_refused_with_a_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()


targets = st.floats(0.02, 0.98, allow_nan=False)
levels = st.sampled_from([0.8, 0.9, 0.95, 0.99, 0.998])


@REPRODUCIBLE
@given(st.integers(1, 3000), st.integers(1, 3000), targets, levels)
def test_exact_lower_limit_falls_as_n_falls(a, b, target, level):
    small, large = sorted((a, b))
    low, _ = funnel_limits([small, large], target, level)
    assert low[0] <= low[1] + 1e-12


@REPRODUCIBLE
@given(st.floats(1, 1e5), st.floats(1, 1e5), targets, levels, st.floats(1, 5), st.floats(0, 0.01))
def test_normal_limits_widen_as_n_falls(a, b, target, level, phi, tau2):
    small, large = sorted((a, b))
    low, high = funnel_limits([small, large], target, level, "normal", phi, tau2)
    assert low[0] <= low[1]
    assert high[0] >= high[1]


@REPRODUCIBLE
@given(st.integers(1, 5000), targets, levels, st.sampled_from(["exact", "normal"]))
@example(n=1, target=0.02, level=0.8, method="exact")  # n * target < 1: may exclude it
def test_limits_contain_the_target(n, target, level, method):
    low, high = funnel_limits([n], target, level, method)
    if method == "exact" and n * min(target, 1 - target) < 1:
        # with under one expected answer the interpolated limit can fall short
        # of the target (e.g. n = 1, target 0.02, level 0.8: both limits are 0)
        return
    assert low[0] <= target <= high[0]


@REPRODUCIBLE
@given(st.integers(1, 3000), targets)
def test_wider_level_holds_the_narrower(n, target):
    low95, high95 = funnel_limits([n], target, 0.95)
    low998, high998 = funnel_limits([n], target, 0.998)
    assert low998[0] <= low95[0]
    assert high95[0] <= high998[0]


@st.composite
def units(draw):
    size = draw(st.integers(1, 40))
    n = draw(st.lists(st.integers(1, 500), min_size=size, max_size=size))
    x = [draw(st.integers(0, k)) for k in n]
    return np.array(x), np.array(n)


@REPRODUCIBLE
@given(units(), targets, st.sampled_from(["auto", "none", "multiplicative", "additive"]))
def test_funnel_flags_agree_with_the_limits(data, target, dispersion):
    x, n = data
    result = funnel(x, n, target, overdispersion=dispersion)
    method = "exact" if result.dispersion == "none" else "normal"
    options = {} if method == "exact" else {"phi": result.phi, "tau2": result.tau2}
    for level in result.levels:
        low, high = funnel_limits(n, target, level, method, **options)
        rate = x / n
        expected = np.where(rate > high, "above", np.where(rate < low, "below", "inside"))
        assert (result.flags[level] == expected).all()
    outermost = result.flags[result.levels[-1]]
    flagged = result.signal != "inside"
    assert (result.signal[flagged] == outermost[flagged]).all()
    assert (result.p_adjusted[flagged] < result.fdr).all()
    assert (result.p_adjusted >= result.p_value - 1e-15).all()


def test_adjust_pvalues_takes_a_numpy_array_as_it_takes_a_list():
    rng = np.random.default_rng(3)
    p = rng.uniform(0, 1, 500) ** 3
    for method in ("holm", "bh"):
        assert adjust_pvalues(p, method) == adjust_pvalues(p.tolist(), method)
    with pytest.raises(ValueError, match=r"p_values\[1\] must be between 0 and 1"):
        adjust_pvalues(np.array([0.5, np.nan]), "bh")
