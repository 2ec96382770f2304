"""target_verdict, sample_size, difference_ci and adjust_pvalues against scipy/statsmodels."""

import math

import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from analysis import (
    adjust_pvalues,
    difference_ci,
    proportion_ci,
    sample_size,
    target_verdict,
)


def test_worked_example_88_percent_of_150_against_90():
    v = target_verdict(132, 150, 0.90)
    assert v.rate == pytest.approx(0.88)
    assert (round(v.low, 4), round(v.high, 4)) == (0.8183, 0.9227)
    assert v.meets_by_rate is False
    assert v.verdict == "undecided"  # missed by the rate, but not shown to be missed
    # 1.959964**2 * 0.88 * 0.12 / 0.02**2 = 1014.18 -> 1015 answers in all, 865 more
    assert v.additional_n == 865
    assert v.p_value == pytest.approx(stats.binomtest(132, 150, 0.9, "greater").pvalue, abs=1e-12)


@pytest.mark.parametrize(
    ("x", "n", "target", "verdict"),
    [
        (190, 200, 0.90, "met"),  # Wilson (0.910, 0.973)
        (150, 200, 0.90, "not_met"),  # Wilson (0.686, 0.805)
        (9, 10, 0.90, "undecided"),
        (0, 1, 0.5, "undecided"),
        (1000, 1000, 0.99, "met"),
        (0, 1000, 0.01, "not_met"),
    ],
)
def test_verdict_reads_the_interval(x, n, target, verdict):
    v = target_verdict(x, n, target)
    assert v.verdict == verdict
    low, high = proportion_ci(x, n)
    assert (v.low, v.high) == (low, high)
    if verdict == "met":
        assert v.low >= target
    elif verdict == "not_met":
        assert v.high < target
    else:
        assert v.low < target <= v.high


def test_verdict_uses_the_chosen_method_and_confidence():
    v = target_verdict(186, 200, 0.9, confidence=0.90, method="clopper_pearson")
    assert (v.low, v.high) == proportion_ci(186, 200, 0.90, "clopper_pearson")


def test_p_value_is_scipys_one_sided_binomial_test():
    for x, n, target in [(0, 5, 0.9), (5, 5, 0.9), (132, 150, 0.9), (880, 1000, 0.85), (1, 1, 0.5)]:
        expected = stats.binomtest(x, n, target, alternative="greater").pvalue
        assert target_verdict(x, n, target).p_value == pytest.approx(expected, abs=1e-12)


def test_additional_n_rule():
    z2 = stats.norm.ppf(0.975) ** 2
    # Undecided at x = 0: r moves to (x + 1/2)/(n + 1) = 0.125.
    v = target_verdict(0, 3, 0.3)
    assert v.verdict == "undecided"
    assert v.additional_n == math.ceil(z2 * 0.125 * 0.875 / (0.125 - 0.3) ** 2) - 3 == 11
    # The rule is a normal approximation and may say 0 while the Wilson
    # interval still straddles the target (20 of 20 against 90 %): the max(0, .)
    # keeps it from going negative.
    v = target_verdict(20, 20, 0.9)
    r = 20.5 / 21
    assert v.verdict == "undecided"
    assert math.ceil(z2 * r * (1 - r) / (r - 0.9) ** 2) - 20 < 0
    assert v.additional_n == 0
    # r equal to the target: no finite answer.
    assert target_verdict(9, 10, 0.9).additional_n is None
    # decided verdicts need nothing more.
    assert target_verdict(190, 200, 0.9).additional_n is None
    assert target_verdict(150, 200, 0.9).additional_n is None
    # at confidence 0.99 z grows and so does the figure.
    assert target_verdict(132, 150, 0.9, confidence=0.99).additional_n > 865


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((132, 150, 0.0), "target must be strictly between 0 and 1"),
        ((132, 150, 1.0), "target must be strictly between 0 and 1"),
        ((132, 150, 90), "target must be strictly between 0 and 1"),
        ((151, 150, 0.9), "cannot exceed n"),
        ((0, 0, 0.9), "n must be at least 1"),
        ((132, 150, 0.9, 2.0), "confidence"),
        ((132, 150, 0.9, 0.95, "bayes"), "unknown method"),
    ],
)
def test_target_verdict_refuses_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        target_verdict(*args)


def test_sample_size_formula():
    z2 = stats.norm.ppf(0.975) ** 2
    assert sample_size(0.05) == math.ceil(z2 * 0.25 / 0.0025) == 385
    n0 = z2 * 0.25 / 0.0025
    assert sample_size(0.05, population=2000) == math.ceil(n0 / (1 + (n0 - 1) / 2000)) == 323
    assert sample_size(0.03, confidence=0.99, p=0.9) == math.ceil(
        stats.norm.ppf(0.995) ** 2 * 0.09 / 0.0009
    )
    assert sample_size(0.05, population=10) <= 10
    assert sample_size(0.9, p=0.01) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"margin": 0}, "margin must be strictly between 0 and 1"),
        ({"margin": 5}, "margin must be strictly between 0 and 1"),
        ({"margin": 0.05, "p": 1.0}, "p must be strictly between 0 and 1"),
        ({"margin": 0.05, "population": 0}, "population must be at least 1"),
        ({"margin": 0.05, "population": -3}, "population must not be negative"),
        ({"margin": 0.05, "population": 10.5}, "population must be a whole number"),
        ({"margin": 0.05, "confidence": 1.5}, "confidence"),
    ],
)
def test_sample_size_refuses_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sample_size(**kwargs)


DIFFERENCE_CASES = [
    (132, 150, 120, 150),
    (56, 70, 48, 80),
    (9, 10, 3, 10),
    (0, 10, 0, 20),
    (10, 10, 0, 10),
    (1, 1, 0, 1),
    (880_000, 1_000_000, 879_000, 1_000_000),
]


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), DIFFERENCE_CASES)
@pytest.mark.parametrize("confidence", [0.90, 0.95, 0.99])
def test_difference_matches_statsmodels(x1, n1, x2, n2, confidence):
    got = difference_ci(x1, n1, x2, n2, confidence)
    low, high = confint_proportions_2indep(
        x1, n1, x2, n2, method="newcomb", compare="diff", alpha=1 - confidence
    )
    assert got.diff == pytest.approx(x1 / n1 - x2 / n2, abs=1e-15)
    assert (got.low, got.high) == pytest.approx((low, high), abs=1e-9)
    if 0 < x1 + x2 < n1 + n2:
        _, p_value = proportions_ztest([x1, x2], [n1, n2])
        assert got.p_value == pytest.approx(p_value, abs=1e-9)
    else:
        assert got.p_value == 1.0  # 0/0 statistic: reported as no evidence


def test_difference_newcombe_by_hand():
    # Newcombe's method 10 from the two Wilson intervals, written out.
    l1, u1 = proportion_confint(56, 70, method="wilson")
    l2, u2 = proportion_confint(48, 80, method="wilson")
    d = 56 / 70 - 48 / 80
    got = difference_ci(56, 70, 48, 80)
    assert got.low == pytest.approx(d - math.hypot(56 / 70 - l1, u2 - 48 / 80), abs=1e-12)
    assert got.high == pytest.approx(d + math.hypot(u1 - 56 / 70, 48 / 80 - l2), abs=1e-12)


def test_difference_refuses_bad_input():
    with pytest.raises(ValueError, match="first sample: successes"):
        difference_ci(11, 10, 1, 10)
    with pytest.raises(ValueError, match="second sample: n must be at least 1"):
        difference_ci(1, 10, 0, 0)


P_SETS = [
    [0.01, 0.04, 0.03, 0.2],
    [0.5],
    [0.001, 0.001, 0.5, 0.9, 0.049, 0.051, 0.2, 0.0],
    [1.0, 0.99, 0.02, 0.03],
]


@pytest.mark.parametrize("pvals", P_SETS)
@pytest.mark.parametrize(("ours", "theirs"), [("holm", "holm"), ("bh", "fdr_bh")])
def test_adjust_pvalues_matches_statsmodels(pvals, ours, theirs):
    expected = multipletests(pvals, method=theirs)[1]
    assert adjust_pvalues(pvals, ours) == pytest.approx(list(expected), abs=1e-12)


def test_adjust_pvalues_hand_worked():
    # Holm: sorted 0.01, 0.03, 0.04, 0.2 times 4, 3, 2, 1 -> 0.04, 0.09, 0.08 -> 0.09, 0.2
    assert adjust_pvalues([0.01, 0.04, 0.03, 0.2]) == pytest.approx([0.04, 0.09, 0.09, 0.2])
    # BH: times 4/1, 4/2, 4/3, 4/4 -> 0.04, 0.06, 0.0533, 0.2 -> running min from the top
    assert adjust_pvalues([0.01, 0.04, 0.03, 0.2], "bh") == pytest.approx(
        [0.04, 0.16 / 3, 0.16 / 3, 0.2]
    )
    assert adjust_pvalues([]) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([0.5, 1.2],), r"p_values\[1\] must be between 0 and 1"),
        (([-0.1],), r"p_values\[0\] must be between 0 and 1"),
        (([0.1, "a"],), r"p_values\[1\] must be a number"),
        (("0.1",), "not a string"),
        (([0.1], "bonferroni"), "unknown method 'bonferroni'"),
    ],
)
def test_adjust_pvalues_refuses_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        adjust_pvalues(*args)
