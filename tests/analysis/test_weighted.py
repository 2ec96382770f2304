"""Stratified and weighted estimators: hand-worked examples and R ``survey`` values.

The R values were computed with R 4.2.2 and survey 4.1.1 (Debian packages
r-base-core, r-cran-survey); the R code is quoted above each table so that
anyone can recompute them. The suite itself does not need R.

Means and standard errors are closed forms in R and agree to 1e-12. The logit
intervals come from ``svyglm``'s iteratively reweighted least squares, which
stops at a relative deviance change of 1e-8, so they are compared to 1e-9.
"""

import math

import pytest
from scipy import stats

from analysis import stratified_proportion, weighted_proportion

# -- Example 1: two sectors, post-stratified to transaction volumes -----------
# R:
#   d <- data.frame(s = c(rep("a", 50), rep("b", 100)),
#                   y = c(rep(1, 45), rep(0, 5), rep(1, 80), rep(0, 20)),
#                   N = c(rep(1000, 50), rep(500, 100)))
#   des <- svydesign(ids = ~1, strata = ~s, fpc = ~N, data = d)
#   svymean(~y, des)                                  # 0.8666666666666667 SE 0.0303178002897161
#   attr(svyciprop(~y, des, method = "logit"), "ci")  # 0.794674431759574 0.916082226877677
#   degf(des)                                         # 148
#   des0 <- svydesign(ids = ~1, strata = ~s, weights = ~rep(1, 150), data = d)
#   svymean(~y, des0)                                 # 0.8333333333333334 SE 0.0303706385227648
#   attr(svyciprop(~y, des0, method = "logit"), "ci") # 0.764465946675748 0.885091395790755
TWO = {"a": (45, 50), "b": (80, 100)}
TWO_N = {"a": 1000, "b": 500}


def test_two_strata_by_hand():
    # W = 2/3, 1/3; p = 2/3 * 0.9 + 1/3 * 0.8 = 0.86667
    # var = (2/3)^2 (1 - 50/1000) 0.9*0.1/49 + (1/3)^2 (1 - 100/500) 0.8*0.2/99
    var = (4 / 9) * 0.95 * 0.09 / 49 + (1 / 9) * 0.8 * 0.16 / 99
    est = stratified_proportion(TWO, TWO_N)
    assert est.rate == pytest.approx(0.9 * 2 / 3 + 0.8 / 3, abs=1e-15)
    assert est.se == pytest.approx(math.sqrt(var), abs=1e-15)
    # weights N_h/n_h = 20 and 5: (50*20 + 100*5)^2 / (50*400 + 100*25) = 1500^2 / 22500
    assert est.n_eff == pytest.approx(100.0)
    assert (est.n, est.df) == (150, 148)
    t = stats.t.ppf(0.975, 148)
    logit = math.log(est.rate / (1 - est.rate))
    half = t * est.se / (est.rate * (1 - est.rate))
    assert est.low == pytest.approx(1 / (1 + math.exp(-(logit - half))), abs=1e-15)
    assert est.high == pytest.approx(1 / (1 + math.exp(-(logit + half))), abs=1e-15)


def test_two_strata_match_r_survey():
    est = stratified_proportion(TWO, TWO_N)
    assert (est.rate, est.se) == pytest.approx((0.8666666666666667, 0.0303178002897161), abs=1e-12)
    assert (est.low, est.high) == pytest.approx((0.794674431759574, 0.916082226877677), abs=1e-9)
    assert est.df == 148
    plain = stratified_proportion(TWO)
    assert (plain.rate, plain.se) == pytest.approx(
        (0.8333333333333334, 0.0303706385227648), abs=1e-12
    )
    assert (plain.low, plain.high) == pytest.approx(
        (0.764465946675748, 0.885091395790755), abs=1e-9
    )
    assert plain.n_eff == 150


# -- Example 2: four sectors of the one-stop survey ------------------------------
# R:
#   x <- c(land = 170, construction = 52, civil = 288, justice = 95)
#   n <- c(land = 212, construction = 61, civil = 301, justice = 104)
#   N <- c(land = 5400, construction = 900, civil = 12000, justice = 2100)
#   d <- do.call(rbind, lapply(names(x), function(s)
#     data.frame(s = s, y = c(rep(1, x[[s]]), rep(0, n[[s]] - x[[s]])), N = N[[s]])))
#   des <- svydesign(ids = ~1, strata = ~s, fpc = ~N, data = d)
#   svymean(~y, des)                 # 0.9067352254666394 SE 0.0104252564733712; degf 674
#   for (lev in c(0.90, 0.95, 0.99)) {
#     attr(svyciprop(~y, des, method = "logit", level = lev), "ci")
#     attr(svyciprop(~y, des, method = "mean", level = lev), "ci") }   # "mean" = t Wald
FOUR = {"land": (170, 212), "construction": (52, 61), "civil": (288, 301), "justice": (95, 104)}
FOUR_N = {"land": 5400, "construction": 900, "civil": 12000, "justice": 2100}
FOUR_R = [
    (0.90, "logit", 0.888087526273988, 0.922546696408185),
    (0.90, "wald", 0.889563602654199, 0.923906848279080),
    (0.95, "logit", 0.884152122122774, 0.925288033095140),
    (0.95, "wald", 0.886265339714546, 0.927205111218732),
    (0.99, "logit", 0.876095177385141, 0.930400319802200),
    (0.99, "wald", 0.879805293303098, 0.933665157630181),
]


@pytest.mark.parametrize(("confidence", "method", "low", "high"), FOUR_R)
def test_four_sectors_match_r_survey(confidence, method, low, high):
    est = stratified_proportion(FOUR, FOUR_N, confidence=confidence, method=method)
    assert (est.rate, est.se) == pytest.approx((0.9067352254666394, 0.0104252564733712), abs=1e-12)
    assert (est.low, est.high) == pytest.approx((low, high), abs=1e-9)
    assert est.df == 674


def test_strata_keys_order_does_not_matter():
    reordered = dict(reversed(list(FOUR.items())))
    a, b = stratified_proportion(reordered, FOUR_N), stratified_proportion(FOUR, FOUR_N)
    assert a.rate == pytest.approx(b.rate, abs=1e-15)
    assert (a.se, a.low, a.high, a.n_eff) == pytest.approx((b.se, b.low, b.high, b.n_eff))


def test_rate_of_zero_or_one_falls_back_to_clopper_pearson_on_n_eff():
    est = stratified_proportion({"a": (10, 10), "b": (20, 20)}, {"a": 100, "b": 50})
    assert (est.rate, est.se, est.high) == (1.0, 0.0, 1.0)
    # n_eff = (100 + 50)^2 / (10*10^2 + 20*2.5^2) = 22500 / 1125 = 20
    assert est.n_eff == pytest.approx(20.0)
    assert est.low == pytest.approx(0.025 ** (1 / 20), abs=1e-12)  # Beta(n_eff, 1) quantile
    est = stratified_proportion({"a": (0, 10), "b": (0, 20)})
    assert (est.rate, est.low) == (0.0, 0.0)
    assert est.high == pytest.approx(1 - 0.025 ** (1 / 30), abs=1e-12)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (({"a": (5, 5), "b": (1, 1)},), {}, "stratum 'b' has n = 1"),
        (({"a": (6, 5)},), {}, "stratum 'a': successes"),
        (({"a": (5, 0)},), {}, "stratum 'a': n must be at least 1"),
        (({"a": 5},), {}, "stratum 'a': expected"),
        (({},), {}, "non-empty mapping"),
        (([(5, 10)],), {}, "non-empty mapping"),
        ((TWO, {"a": 1000}), {}, "same keys"),
        ((TWO, {"a": 1000, "b": 50}), {}, r"population\['b'\] = 50 is smaller"),
        ((TWO, {"a": 1000, "b": "x"}), {}, "must be a number"),
        ((TWO,), {"method": "probit"}, "unknown method 'probit'"),
        ((TWO,), {"confidence": 0}, "confidence"),
    ],
)
def test_stratified_refuses_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        stratified_proportion(*args, **kwargs)


# -- Example 3: row-level weights of a hospital survey ----------------------------
# R:
#   y <- c(1,1,1,0,1,1,1,0,  1,1,0,1,1,1,1,1,  0,1,1,1,0,1,1,1)
#   w <- c(12,12,15,15,9,9,20,20,  30,30,30,25,25,25,40,40,  8,8,8,8,11,11,11,11)
#   h <- rep(c("h1", "h2", "h3"), each = 8)
#   des2 <- svydesign(ids = ~1, strata = ~h, weights = ~w, data = data.frame(y, w, h))
#   svymean(~y, des2)        # 0.8060046189376443 SE 0.0913261391302087; degf 21
#   attr(svyciprop(~y, des2, method = "logit"), "ci")
#                            # 0.552211843444796 0.933323465818568
#   attr(svyciprop(~y, des2, method = "mean", level = 0.90), "ci")
#                            # 0.648855813188127 0.963153424687161
#   des3 <- svydesign(ids = ~1, weights = ~w, data = data.frame(y, w))
#   svymean(~y, des3)        # 0.8060046189376443 SE 0.0892419300261753; degf 23
#   attr(svyciprop(~y, des3, method = "logit"), "ci")
#                            # 0.560596875591504 0.931177901428672
Y = [1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1]
W = [12, 12, 15, 15, 9, 9, 20, 20, 30, 30, 30, 25, 25, 25, 40, 40, 8, 8, 8, 8, 11, 11, 11, 11]
H = ["h1"] * 8 + ["h2"] * 8 + ["h3"] * 8


def test_weighted_matches_r_survey():
    est = weighted_proportion(Y, W, H)
    assert (est.rate, est.se) == pytest.approx((0.8060046189376443, 0.0913261391302087), abs=1e-12)
    assert (est.low, est.high) == pytest.approx((0.552211843444796, 0.933323465818568), abs=1e-9)
    assert (est.n, est.df) == (24, 21)
    wald = weighted_proportion(Y, W, H, confidence=0.90, method="wald")
    assert (wald.low, wald.high) == pytest.approx((0.648855813188127, 0.963153424687161), abs=1e-12)
    one = weighted_proportion(Y, W)
    assert (one.rate, one.se) == pytest.approx((0.8060046189376443, 0.0892419300261753), abs=1e-12)
    assert (one.low, one.high) == pytest.approx((0.560596875591504, 0.931177901428672), abs=1e-9)
    assert one.df == 23


def test_weighted_by_hand():
    # y = 1, 0, 1 | 1, 1, 0 with weights 1, 2, 1 | 3, 1, 1; strata a | b.
    # p = (1 + 1 + 3 + 1) / 9 = 2/3; z_i = w_i (y_i - 2/3) / 9
    values, weights = [1, 0, 1, 1, 1, 0], [1, 2, 1, 3, 1, 1]
    est = weighted_proportion(values, weights, ["a", "a", "a", "b", "b", "b"])
    z = [w * (y - 2 / 3) / 9 for y, w in zip(values, weights, strict=True)]
    var = 0.0
    for part in (z[:3], z[3:]):
        mean = sum(part) / 3
        var += 3 / 2 * sum((v - mean) ** 2 for v in part)
    assert est.rate == pytest.approx(2 / 3, abs=1e-15)
    assert est.se == pytest.approx(math.sqrt(var), abs=1e-15)
    assert est.n_eff == pytest.approx(81 / 17)  # (sum w)^2 / sum w^2 = 81 / 17
    # R (survey 4.1.1) for the same data: 0.666666666666667 SE 0.245675910396696,
    # svyciprop logit 0.0849956784818873 0.9773043032730838
    assert est.se == pytest.approx(0.245675910396696, abs=1e-12)
    assert (est.low, est.high) == pytest.approx((0.0849956784818873, 0.9773043032730838), abs=1e-9)


def test_equal_weights_agree_with_stratified_counts():
    # Unit weights and strata are the counts-per-stratum design without a population.
    values = [1] * 45 + [0] * 5 + [1] * 80 + [0] * 20
    strata = ["a"] * 50 + ["b"] * 100
    rows = weighted_proportion(values, [1.0] * 150, strata)
    counts = stratified_proportion(TWO)
    for field in ("rate", "se", "low", "high", "n_eff"):
        assert getattr(rows, field) == pytest.approx(getattr(counts, field), abs=1e-12)
    assert rows.df == counts.df


def test_booleans_are_answers():
    assert weighted_proportion([True, False, True], [1, 1, 2]).rate == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([1, 0, 2], [1, 1, 1]), r"values\[2\] must be 0 or 1"),
        (([1, 0, 1], [1, 0, 1]), r"weights\[1\] must be a positive number"),
        (([1, 0, 1], [1, -2, 1]), r"weights\[1\] must be a positive number"),
        (([1, 0, 1], [1, float("nan"), 1]), r"weights\[1\] must be a positive number"),
        (([1, 0, 1], [1, 1]), "differ in length"),
        (([1], [1]), "at least 2 answers"),
        (([1, 0, 1], [1, 1, 1], ["a", "a", "b"]), "stratum 'b' has 1 answer"),
        (([1, 0, 1], [1, 1, 1], ["a", "a"]), "one stratum label per answer"),
        ((["yes", "no"], [1, 1]), "values must be a one-dimensional sequence of numbers"),
        (("10", [1, 1]), "values must be a sequence of numbers"),
    ],
)
def test_weighted_refuses_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        weighted_proportion(*args)


def test_no_spread_within_strata_gives_a_point_interval():
    # All satisfied in one stratum, none in the other: p_h (1 - p_h) = 0 everywhere.
    est = stratified_proportion({"a": (41, 41), "b": (0, 2)})
    assert est.se == 0.0
    assert est.low == est.rate == est.high == pytest.approx(41 / 43)
