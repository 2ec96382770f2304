"""Readings of verdicts, changes and extra answers: hand-worked cases and agreement with
target_verdict and difference_ci (the rules they word)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import difference_ci, target_verdict
from analysis.readings import (
    ABOVE_NOT_PROVEN,
    AT_TARGET,
    BELOW_NOT_PROVEN,
    DECREASE,
    INCREASE,
    MET,
    NO_CLEAR_CHANGE,
    NOT_MET,
    TimeToDecide,
    change_reading,
    time_to_decide,
    verdict_reading,
)


def test_the_issue_example_reads_above_the_target_but_not_proven():
    # 90.3 % of 25,445 against 90 %: Wilson (89.9 %, 90.7 %) holds 90 %.
    v = target_verdict(22977, 25445, 0.90)
    assert v.verdict == "undecided"
    assert verdict_reading(v.rate, v.low, v.high, 0.90) == ABOVE_NOT_PROVEN


@pytest.mark.parametrize(("rate", "low", "high", "code"), [
    (0.95, 0.91, 0.97, MET), (0.90, 0.90, 0.93, MET), (0.80, 0.75, 0.85, NOT_MET),
    (0.88, 0.82, 0.92, BELOW_NOT_PROVEN), (0.90, 0.85, 0.95, AT_TARGET),
])
def test_hand_worked_readings(rate, low, high, code):
    assert verdict_reading(rate, low, high, 0.90) == code


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 3000), share=st.floats(0, 1), target=st.floats(0.05, 0.95))
def test_decided_readings_are_exactly_the_verdicts(n, share, target):
    x = round(share * n)
    v = target_verdict(x, n, target)
    code = verdict_reading(v.rate, v.low, v.high, target)
    expected = {"met": MET, "not_met": NOT_MET}.get(v.verdict)
    if expected:
        assert code == expected
    else:
        assert code == (ABOVE_NOT_PROVEN if v.rate > target else
                        BELOW_NOT_PROVEN if v.rate < target else AT_TARGET)


def test_change_readings_follow_the_interval_of_the_difference():
    assert change_reading(*_bounds(difference_ci(950, 1000, 850, 1000))) == INCREASE
    assert change_reading(*_bounds(difference_ci(850, 1000, 950, 1000))) == DECREASE
    assert change_reading(*_bounds(difference_ci(90, 100, 88, 100))) == NO_CLEAR_CHANGE
    assert change_reading(-0.01, 0.0) == NO_CLEAR_CHANGE  # 0 inside: no claim


def _bounds(difference):
    return difference.low, difference.high


def test_time_to_decide_at_the_period_pace():
    # 1,300 answers in 13 weeks is 100 a week: 250 more take 3 weeks (2.5 rounded up).
    assert time_to_decide(250, 1300, 13) == TimeToDecide(3, True)
    assert time_to_decide(1300, 1300, 13) == TimeToDecide(13, True)
    assert time_to_decide(1301, 1300, 13) == TimeToDecide(None, False)
    assert time_to_decide(0, 10, 2) == TimeToDecide(0, True)
    # The issue's 44,894 more answers after 25,445 in a quarter: not within a quarter.
    assert time_to_decide(44894, 25445, 13) == TimeToDecide(None, False)
    # Half-way through a quarter: 650 answers in 6.5 weeks, the same pace.
    assert time_to_decide(250, 650, 6.5) == TimeToDecide(3, True)


@pytest.mark.parametrize("args", [(-1, 10, 13), (5, 0, 13), (5, 10, 0), (5.5, 10, 13)])
def test_time_to_decide_rejects_bad_input(args):
    with pytest.raises(ValueError, match="must"):
        time_to_decide(*args)


def test_readings_reject_an_interval_that_does_not_hold_the_rate():
    with pytest.raises(ValueError, match="within its interval"):
        verdict_reading(0.5, 0.6, 0.7, 0.9)
    with pytest.raises(ValueError, match="above high"):
        change_reading(0.2, 0.1)


def test_independent_difference_by_hand_and_against_scipy():
    from scipy import stats

    from analysis import independent_difference

    # 0.90 (SE 0.01) against 0.86 (SE 0.0075): SE of the difference 0.0125, z = 3.2.
    d = independent_difference(0.90, 0.01, 0.86, 0.0075)
    assert d.diff == pytest.approx(0.04)
    half = stats.norm.ppf(0.975) * 0.0125
    assert (d.low, d.high) == (pytest.approx(0.04 - half), pytest.approx(0.04 + half))
    assert d.p_value == pytest.approx(2 * stats.norm.sf(3.2))
    assert change_reading(d.low, d.high) == INCREASE
    assert independent_difference(0.5, 0.0, 0.5, 0.0).p_value == 1.0
    with pytest.raises(ValueError, match="must not be negative"):
        independent_difference(0.5, -0.1, 0.4, 0.1)
