"""fay_herriot against samplics, statsmodels, a dense likelihood, closed forms and published values.

The anchor is the milk-expenditure data (Arora & Lahiri 1997; Rao & Molina 2015,
chapter 6): 43 small areas in 4 major areas, whose EBLUPs and MSEs from R
``sae::eblupFH``/``mseFH`` are quoted in samplics' own tests (7 decimals, fitted
to R's default tolerance 1e-4, hence the 1e-6 here). samplics 0.6.1 itself is
only trusted for REML: its ML fit stops after two iterations whatever the
tolerance, so for ML the tests use samplics' MSE formulas at our fitted values
and a dense maximisation of the ML likelihood written here.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize
from statsmodels.regression.linear_model import WLS

from analysis import fay_herriot, proportion_variances

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # samplics announces that it is archived
    from samplics.datasets import load_expenditure_milk
    from samplics.sae import EblupAreaModel
    from samplics.utils.types import FitMethod

    MILK = load_expenditure_milk()["data"]

REPRODUCIBLE = settings(max_examples=50, deadline=None)
Y = MILK["direct_est"].to_numpy(float)
PSI = MILK["std_error"].to_numpy(float) ** 2
AREA = MILK["small_area"].to_numpy()
# major areas 2, 3, 4 as dummies beside the intercept
X = (MILK["major_area"].to_numpy()[:, None] == np.array([2, 3, 4])).astype(float)

# R sae output for the milk data, as quoted in samplics' tests/sae/test_eblup_area_model.py
R_REML_FIRST = [1.0219703, 1.0476018, 1.0679513, 0.7608170, 0.8461574]
R_REML_MSE_FIRST = [0.013460220, 0.005372876, 0.005701990, 0.008541740, 0.009579594]
R_REML_BETA = [0.9681890, 0.1327801, 0.2269462, -0.2413011]
R_ML_FIRST = [1.0161733, 1.0436968, 1.0628168, 0.7753489, 0.8554903]
R_ML_MSE_FIRST = [0.013579953, 0.005512868, 0.005850584, 0.008735454, 0.009774528]
R_ML_BETA = [0.9677986, 0.1278756, 0.2266909, -0.2425804]


def samplics_model(method, **fit):
    model = EblupAreaModel(method=method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(yhat=Y, X=X, area=AREA, error_std=np.sqrt(PSI), **fit)
    return model


def samplics_predict(model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.predict(X=X, area=AREA)
    return np.array(list(model.area_est.values())), np.array(list(model.area_mse.values()))


def dense_loglik(sigma2, y, psi, x, method):
    """The (restricted) log-likelihood with the full m x m matrices."""
    v = np.diag(sigma2 + psi)
    v_inv = np.linalg.inv(v)
    a = x.T @ v_inv @ x
    beta = np.linalg.solve(a, x.T @ v_inv @ y)
    r = y - x @ beta
    value = -0.5 * (np.linalg.slogdet(v)[1] + r @ v_inv @ r)
    if method == "REML":
        value -= 0.5 * np.linalg.slogdet(a)[1]
    return value


def dense_sigma2(y, psi, x, method):
    found = optimize.minimize_scalar(
        lambda s: -dense_loglik(s, y, psi, x, method),
        bounds=(0.0, 10 * np.var(y) + 1.0),
        method="bounded",
        options={"xatol": 1e-14},
    )
    return found.x


def test_reml_on_the_milk_data_matches_r_sae_as_published():
    fit = fay_herriot(Y, PSI, X)
    np.testing.assert_allclose(fit.estimates[:5], R_REML_FIRST, atol=1e-6)
    np.testing.assert_allclose(fit.mse[:5], R_REML_MSE_FIRST, atol=1e-6)
    np.testing.assert_allclose(fit.beta, R_REML_BETA, atol=1e-6)
    assert fit.sigma2_v == pytest.approx(0.01855, abs=1e-5)


def test_reml_on_the_milk_data_matches_samplics_tightly():
    model = samplics_model(FitMethod.reml, tol=1e-13, maxiter=500)
    estimates, mse = samplics_predict(model)
    fit = fay_herriot(Y, PSI, X)
    assert fit.sigma2_v == pytest.approx(float(model.re_std) ** 2, rel=1e-9)
    np.testing.assert_allclose(fit.beta, model.fixed_effects, rtol=0, atol=1e-10)
    np.testing.assert_allclose(fit.estimates, estimates, rtol=0, atol=1e-10)
    np.testing.assert_allclose(fit.mse, mse, rtol=0, atol=1e-10)


def test_ml_on_the_milk_data_matches_r_sae_and_the_dense_likelihood():
    fit = fay_herriot(Y, PSI, X, method="ML")
    np.testing.assert_allclose(fit.estimates[:5], R_ML_FIRST, atol=1e-6)
    np.testing.assert_allclose(fit.mse[:5], R_ML_MSE_FIRST, atol=1e-6)
    np.testing.assert_allclose(fit.beta, R_ML_BETA, atol=1e-6)
    x = np.column_stack([np.ones(Y.size), X])
    assert fit.sigma2_v == pytest.approx(dense_sigma2(Y, PSI, x, "ML"), rel=1e-6)


def test_ml_mse_matches_samplics_formulas_at_our_fit():
    # samplics' ML fit is cut short (see the module docstring); its MSE formulas
    # are not, so hand it our sigma2_v, beta and the inverse information.
    fit = fay_herriot(Y, PSI, X, method="ML")
    model = samplics_model(FitMethod.ml)
    model.re_std = np.sqrt(fit.sigma2_v)
    model.fixed_effects = fit.beta
    model.re_std_cov = 2.0 / np.sum(1.0 / (fit.sigma2_v + PSI) ** 2)
    estimates, mse = samplics_predict(model)
    np.testing.assert_allclose(fit.estimates, estimates, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fit.mse, mse, rtol=0, atol=1e-12)


def test_beta_is_the_gls_of_statsmodels():
    fit = fay_herriot(Y, PSI, X)
    x = np.column_stack([np.ones(Y.size), X])
    wls = WLS(Y, x, weights=1.0 / (fit.sigma2_v + PSI)).fit()
    np.testing.assert_allclose(fit.beta, wls.params, rtol=1e-12)
    shrink = 1.0 - fit.gamma
    g2 = shrink**2 * np.einsum("ij,jk,ik->i", x, wls.normalized_cov_params, x)
    g3 = shrink**2 / (fit.sigma2_v + PSI) * 2.0 / np.sum(1.0 / (fit.sigma2_v + PSI) ** 2)
    np.testing.assert_allclose(fit.mse, fit.gamma * PSI + g2 + 2 * g3, rtol=1e-12)


@pytest.mark.parametrize("method", ["REML", "ML"])
def test_equal_variances_have_the_closed_form(method):
    # intercept only, psi equal: REML sigma2 = S**2 - psi, ML sigma2 = (m-1)/m S**2 - psi
    y = np.array([0.62, 0.91, 0.75, 0.88, 0.70, 0.95, 0.81, 0.66])
    psi, m = 0.004, y.size
    ss = np.sum((y - y.mean()) ** 2)
    sigma2 = ss / (m - 1) - psi if method == "REML" else ss / m - psi
    fit = fay_herriot(y, np.full(m, psi), method=method)
    assert fit.sigma2_v == pytest.approx(sigma2, rel=1e-9)
    gamma = sigma2 / (sigma2 + psi)
    np.testing.assert_allclose(fit.estimates, gamma * y + (1 - gamma) * y.mean(), rtol=1e-9)
    g1, g2 = gamma * psi, (1 - gamma) ** 2 * (sigma2 + psi) / m
    g3 = (1 - gamma) ** 2 * 2 * (sigma2 + psi) / m
    bias = (1 - gamma) ** 2 * (sigma2 + psi) / m if method == "ML" else 0.0
    np.testing.assert_allclose(fit.mse, g1 + g2 + 2 * g3 + bias, rtol=1e-9)


@pytest.mark.parametrize("method", ["REML", "ML"])
def test_sigma2_zero_puts_all_weight_on_the_synthetic_part(method):
    # spread of the direct values (variance 0.0067) far under psi = 1
    y, psi = np.array([1.0, 1.1, 0.9, 1.0]), np.ones(4)
    fit = fay_herriot(y, psi, method=method)
    assert fit.sigma2_v == 0.0
    assert (fit.gamma == 0.0).all()
    np.testing.assert_allclose(fit.estimates, 1.0, rtol=1e-12)
    # g1 = 0, g2 = 1/sum(1/psi) = 0.25, g3 = psi**2/psi**3 * 2/sum(1/psi**2) = 0.5
    # (ML adds (1 - 0)**2 * tr(A^-1 X'V^-2 X) / sum(1/psi**2) = 1 * 1/4)
    expected = 1.25 if method == "REML" else 1.5
    np.testing.assert_allclose(fit.mse, expected, rtol=1e-12)
    # the likelihood really is highest at the boundary
    x = np.ones((4, 1))
    assert dense_loglik(0.0, y, psi, x, method) > dense_loglik(1e-6, y, psi, x, method)


def test_proportion_variances_use_the_wilson_centre():
    z2 = 1.959963984540054**2
    centre = (12 + z2 / 2) / (12 + z2)
    np.testing.assert_allclose(proportion_variances([12], [12]), [centre * (1 - centre) / 12])
    assert proportion_variances([0], [5])[0] > 0


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([0.5, 0.6], [0.01]), {}, "differ in length"),
        (([0.5, np.nan, 0.7], [0.01] * 3), {}, "cell 1: direct must be finite"),
        (([0.5, 0.6, 0.7], [0.01, 0.0, 0.01]), {}, "cell 1: variances must be positive"),
        (([0.5],), {"variances": [0.01]}, "need more areas"),
        (([0.5, 0.6, 0.7], [0.01] * 3), {"covariates": [[1.0], [1.0], [1.0]]}, "collinear"),
        (([0.5, 0.6, 0.7], [0.01] * 3), {"covariates": [[1.0], [2.0]]}, "one row per area"),
        (([0.5, 0.6, 0.7], [0.01] * 3), {"method": "FH"}, "method"),
    ],
)
def test_bad_input_is_refused_with_a_message(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        fay_herriot(*args, **kwargs)


@st.composite
def areas(draw):
    m = draw(st.integers(4, 40))
    direct = draw(st.lists(st.floats(0.0, 1.0), min_size=m, max_size=m))
    psi = draw(st.lists(st.floats(1e-4, 0.05), min_size=m, max_size=m))
    return np.array(direct), np.array(psi)


@REPRODUCIBLE
@given(areas(), st.sampled_from(["REML", "ML"]))
def test_estimates_lie_between_direct_and_synthetic(data, method):
    y, psi = data
    fit = fay_herriot(y, psi, method=method)
    synthetic = np.full(y.size, fit.beta[0])
    assert fit.sigma2_v >= 0.0
    assert ((fit.gamma >= 0) & (fit.gamma <= 1)).all()
    low, high = np.minimum(y, synthetic), np.maximum(y, synthetic)
    assert ((fit.estimates >= low - 1e-12) & (fit.estimates <= high + 1e-12)).all()
    assert (fit.mse > 0).all()
    # the sigma2_v found is the likelihood's maximum over [0, inf)
    x = np.ones((y.size, 1))
    best = dense_loglik(dense_sigma2(y, psi, x, method), y, psi, x, method)
    assert dense_loglik(fit.sigma2_v, y, psi, x, method) >= best - 1e-9


@REPRODUCIBLE
@given(areas(), st.floats(-5, 5))
def test_shifting_the_direct_values_shifts_the_estimates(data, shift):
    y, psi = data
    fit, moved = fay_herriot(y, psi), fay_herriot(y + shift, psi)
    assert moved.sigma2_v == pytest.approx(fit.sigma2_v, rel=1e-6, abs=1e-12)
    np.testing.assert_allclose(moved.estimates, fit.estimates + shift, atol=1e-8)
