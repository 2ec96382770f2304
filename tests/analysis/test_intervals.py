"""proportion_ci against independent implementations (statsmodels, R) and by exact coverage."""

import itertools
import math

import numpy as np
import pytest
from scipy import optimize, stats
from statsmodels.stats.proportion import proportion_confint

from analysis import METHODS, exact_coverage, proportion_ci
from analysis.intervals import STATSMODELS_EQUIVALENT

SIZES = [1, 2, 3, 5, 10, 30, 50, 150, 1000, 10**6]
LEVELS = [0.90, 0.95, 0.99]


def grid():
    """(x, n) pairs covering x = 0, x = n, n = 1, small n and n = 10**6."""
    for n in SIZES:
        for x in sorted({0, 1, n // 3, n // 2, (9 * n) // 10, n - 1, n}):
            if 0 <= x <= n:
                yield x, n


GRID = list(grid())


def test_every_method_but_wilson_cc_is_compared_with_statsmodels():
    assert set(STATSMODELS_EQUIVALENT) == set(METHODS) - {"wilson_cc"}


@pytest.mark.parametrize("method", sorted(STATSMODELS_EQUIVALENT))
@pytest.mark.parametrize("confidence", LEVELS)
def test_agrees_with_statsmodels(method, confidence):
    for x, n in GRID:
        expected = proportion_confint(
            x, n, alpha=1 - confidence, method=STATSMODELS_EQUIVALENT[method]
        )
        expected = np.clip(expected, 0, 1)  # the issue: "then clipped"
        got = proportion_ci(x, n, confidence, method)
        assert got == pytest.approx(tuple(expected), abs=1e-9, rel=0), (x, n)


# R 4.2.2: prop.test(x, n, correct = TRUE, conf.level = lev)$conf.int, which is the
# continuity-corrected score interval (Newcombe 1998, method 4) when x != n/2:
#   for (lev in c(0.90, 0.95, 0.99)) for (cs in cases) {
#     ci <- prop.test(cs[1], cs[2], correct = TRUE, conf.level = lev)$conf.int
#     cat(sprintf("(%d, %d, %.2f, %.15f, %.15f),\n", cs[1], cs[2], lev, ci[1], ci[2])) }
R_PROP_TEST_CC = [
    (132, 150, 0.90, 0.825719200345387, 0.919808306663094),
    (0, 20, 0.90, 0.000000000000000, 0.159753854291608),
    (1, 29, 0.90, 0.002374680173692, 0.165135468134348),
    (81, 263, 0.90, 0.261511202181343, 0.358526584457128),
    (15, 148, 0.90, 0.064710359607506, 0.153462439911247),
    (29, 30, 0.90, 0.839868813625969, 0.997704614103500),
    (10, 10, 0.90, 0.715262612282345, 1.000000000000000),
    (1, 1, 0.90, 0.072760590764398, 1.000000000000000),
    (132, 150, 0.95, 0.814456842944864, 0.925384503795134),
    (0, 20, 0.95, 0.000000000000000, 0.200453345013487),
    (1, 29, 0.95, 0.001802640213280, 0.196281751009759),
    (81, 263, 0.95, 0.253508682295185, 0.368176201043004),
    (15, 148, 0.95, 0.059778208428498, 0.164449779364837),
    (29, 30, 0.95, 0.809469783652179, 0.998257532947615),
    (10, 10, 0.95, 0.655462781693077, 1.000000000000000),
    (1, 1, 0.95, 0.054620755528852, 1.000000000000000),
    (132, 150, 0.99, 0.791180750263196, 0.935132398499499),
    (0, 20, 0.99, 0.000000000000000, 0.285003452308834),
    (1, 29, 0.99, 0.001135130762191, 0.262070225642211),
    (81, 263, 0.99, 0.238403972152825, 0.387256894351187),
    (15, 148, 0.99, 0.051274158327719, 0.187345012190903),
    (29, 30, 0.99, 0.745031556839204, 0.998902743394842),
    (10, 10, 0.99, 0.544329454961932, 1.000000000000000),
    (1, 1, 0.99, 0.033893130087151, 1.000000000000000),
]


@pytest.mark.parametrize(("x", "n", "confidence", "low", "high"), R_PROP_TEST_CC)
def test_wilson_cc_matches_r_prop_test(x, n, confidence, low, high):
    assert proportion_ci(x, n, confidence, "wilson_cc") == pytest.approx((low, high), abs=1e-12)


def _wilson_cc_by_root_finding(x, n, confidence):
    # The bounds solve |x/n - p| - 1/(2n) = z sqrt(p (1 - p) / n) on either side
    # of x/n: found numerically, with no closed form shared with the package.
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    q = x / n

    def gap(p):
        return abs(q - p) - 1 / (2 * n) - z * math.sqrt(p * (1 - p) / n)

    low = 0.0 if x == 0 or gap(0.0) <= 0 else optimize.brentq(gap, 0.0, q, xtol=1e-15)
    high = 1.0 if x == n or gap(1.0) <= 0 else optimize.brentq(gap, q, 1.0, xtol=1e-15)
    return low, high


@pytest.mark.parametrize("confidence", LEVELS)
def test_wilson_cc_solves_its_defining_equation(confidence):
    for x, n in GRID:
        expected = _wilson_cc_by_root_finding(x, n, confidence)
        assert proportion_ci(x, n, confidence, "wilson_cc") == pytest.approx(
            expected, abs=1e-9
        ), (x, n)


def test_worked_example_of_the_docs():
    low, high = proportion_ci(132, 150)
    assert (round(low, 4), round(high, 4)) == (0.8183, 0.9227)


def test_result_unpacks_and_names_its_bounds():
    interval = proportion_ci(45, 50, method="clopper_pearson")
    low, high = interval
    assert (interval.low, interval.high) == (low, high)
    assert all(type(v) is float for v in interval)


def test_bounds_are_exact_at_the_edges():
    for method in ("wilson", "wilson_cc", "clopper_pearson", "agresti_coull"):
        assert proportion_ci(0, 40, method=method).low == 0.0
        assert proportion_ci(40, 40, method=method).high == 1.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 10), "successes must not be negative"),
        ((11, 10), "cannot exceed n"),
        ((0, 0), "n must be at least 1"),
        ((1.5, 10), "whole number"),
        ((1, 10.5), "whole number"),
        ((True, 10), "must be a number"),
        (("3", 10), "must be a number"),
        ((float("nan"), 10), "finite"),
        ((3, 10, 1.0), "confidence must be strictly between 0 and 1"),
        ((3, 10, 0), "confidence must be strictly between 0 and 1"),
        ((3, 10, 95), "confidence must be strictly between 0 and 1"),
        ((3, 10, 0.95, "exact"), "unknown method 'exact'"),
    ],
)
def test_bad_input_is_refused(args, message):
    with pytest.raises(ValueError, match=message):
        proportion_ci(*args)


def test_numpy_integers_are_counts():
    assert proportion_ci(np.int64(3), np.int32(10)) == proportion_ci(3, 10)


# Exact coverage (no simulation): mean over true p = 0.80, 0.81, ..., 0.95.
COVERAGE_SIZES = [30, 50, 100, 400]
COVERAGE_PS = [round(0.80 + k / 100, 2) for k in range(16)]


def _coverage_by_enumeration(n, p, method):
    # Independent of exact_coverage's vectorised path: one proportion_ci call per x.
    total = 0.0
    for x in range(n + 1):
        low, high = proportion_ci(x, n, 0.95, method)
        if low <= p <= high:
            total += stats.binom.pmf(x, n, p)
    return total


def mean_coverage(n, method):
    return float(np.mean([exact_coverage(n, p, 0.95, method) for p in COVERAGE_PS]))


def test_exact_coverage_matches_enumeration():
    for n, p, method in itertools.product([30, 100], [0.8, 0.87, 0.95], METHODS):
        assert exact_coverage(n, p, 0.95, method) == pytest.approx(
            _coverage_by_enumeration(n, p, method), abs=1e-12
        )


def test_coverage_table_and_wilson_within_one_point(capsys):
    table = {m: [mean_coverage(n, m) for n in COVERAGE_SIZES] for m in METHODS}
    with capsys.disabled():
        print("\nmean exact coverage of nominal 95 % intervals, p = 0.80..0.95")
        print(f"{'method':<16}" + "".join(f"{'n=' + str(n):>9}" for n in COVERAGE_SIZES))
        for method, row in table.items():
            print(f"{method:<16}" + "".join(f"{100 * c:>8.2f}%" for c in row))
    for n, coverage in zip(COVERAGE_SIZES, table["wilson"], strict=True):
        assert abs(coverage - 0.95) <= 0.01, (n, coverage)
    # The exact interval is conservative by construction, Wald is known to undercover.
    assert all(c >= 0.95 for c in table["clopper_pearson"])
    assert table["wald"][0] < 0.93


def test_exact_coverage_validates():
    with pytest.raises(ValueError, match="p must be between 0 and 1"):
        exact_coverage(30, 1.2)
    with pytest.raises(ValueError, match="n must be at least 1"):
        exact_coverage(0, 0.5)
