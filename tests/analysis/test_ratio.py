"""The ratio estimator against an independent computation from respondent rows.

Independent route: the linearised variance of a ratio R = S/M with respondents as
units is n/(n-1)·Σ((s_i − R·m_i)/M)² (residuals, no covariance matrix); for the mean
of F ratios the residuals are averaged over the factors. Plus the closed form of one
item per factor and respondent: p(1 − p)/(n − 1).
"""

import math

import numpy as np
import pytest
from scipy import stats

from analysis.ratio import ratio_indices
from analysis.verdicts import index_verdict


def _sums(satisfied: np.ndarray, scored: np.ndarray):
    y = np.hstack([satisfied, scored]).astype(float)
    return len(y), y.sum(axis=0), y.T @ y


def _residual_se(satisfied, scored, factors):
    n = satisfied.shape[0]
    residual = np.zeros(n)
    for f in factors:
        total = scored[:, f].sum()
        r = satisfied[:, f].sum() / total
        residual += (satisfied[:, f] - r * scored[:, f]) / total / len(factors)
    return math.sqrt(n / (n - 1) * np.sum(residual**2))


def test_ratio_indices_match_the_residual_form_on_random_respondents():
    rng = np.random.default_rng(7)
    n, factors = 250, 4
    scored = rng.integers(0, 4, size=(n, factors))
    scored[:, 3] = 0  # a factor nobody scored: no index, left out of the mean
    satisfied = rng.binomial(scored, 0.8)
    estimates, mean = ratio_indices(*_sums(satisfied, scored))
    z = stats.norm.ppf(0.975)
    for f in range(3):
        index = satisfied[:, f].sum() / scored[:, f].sum()
        se = _residual_se(satisfied, scored, [f])
        assert estimates[f].index == pytest.approx(index)
        assert estimates[f].se == pytest.approx(se, rel=1e-9)
        assert estimates[f].low == pytest.approx(max(0.0, index - z * se))
    assert estimates[3] is None
    expected = np.mean([satisfied[:, f].sum() / scored[:, f].sum() for f in range(3)])
    assert mean.index == pytest.approx(expected)
    assert mean.se == pytest.approx(_residual_se(satisfied, scored, [0, 1, 2]), rel=1e-9)


def test_one_item_per_respondent_is_the_binomial_closed_form():
    satisfied = np.array([[1]] * 30 + [[0]] * 10)
    scored = np.ones((40, 1), int)
    (estimate,), mean = ratio_indices(*_sums(satisfied, scored))
    assert estimate.se == pytest.approx(math.sqrt(0.75 * 0.25 / 39))
    assert mean == estimate


def test_one_respondent_has_no_interval_and_bad_shapes_are_refused():
    (estimate,), mean = ratio_indices(1, [1, 2], [[1, 2], [2, 4]])
    assert (estimate.index, estimate.se, estimate.low) == (0.5, None, None)
    with pytest.raises(ValueError, match="2F"):
        ratio_indices(5, [1, 2, 3], [[1]])


def test_index_verdict_and_extra_respondents():
    assert index_verdict(0.95, 0.01, 0.93, 0.97, 0.90, 400) == ("met", None)
    assert index_verdict(0.80, 0.01, 0.78, 0.82, 0.90, 400) == ("not_met", None)
    # 0.91 ± 1.96·0.01 straddles 0.90: n·(z·se/gap)² = 400·1.96² = 1536.6 -> 1537, 1137 more.
    verdict, extra = index_verdict(0.91, 0.01, 0.8904, 0.9296, 0.90, 400)
    assert verdict == "undecided"
    assert extra == math.ceil(400 * (stats.norm.ppf(0.975) * 0.01 / 0.01) ** 2) - 400
    assert index_verdict(0.90, 0.01, 0.88, 0.92, 0.90, 400) == ("undecided", None)
