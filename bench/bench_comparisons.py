"""Benchmark: funnel and Fay-Herriot for 10,000 units, beside statsmodels and samplics.

    .venv/bin/python bench/bench_comparisons.py [--units 10000] [--samplics-areas 300]
        [--repeat 3]

Goal (issue 16): ``analysis.funnel`` and ``analysis.fay_herriot`` for 10,000
units in under 1 s together. Baselines in the same run:

- funnel: the same numbers from library parts, vectorised: scipy's binomial
  ppf/cdf/pmf for the exact limits at both levels, numpy z and scipy p-values,
  statsmodels ``multipletests(..., "fdr_bh")``;
- Fay-Herriot (REML, intercept and two covariates): samplics
  ``EblupAreaModel`` fit + predict. samplics forms m x m matrices (REML) and loops
  over areas, so it runs on ``--samplics-areas`` areas (300 by default, about
  7 s here; at 10,000 one 10,000 x 10,000 matrix is 800 MB);
  ours is timed on the same areas for the ratio, and at ``--units``.

Best of ``--repeat``. Not a timed test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import warnings

import common
import numpy as np
from scipy import special, stats
from statsmodels.stats.multitest import multipletests

from analysis import fay_herriot, funnel

LEVELS = (0.95, 0.998)


def library_funnel(x, n, target):
    """The binomial funnel from scipy and statsmodels parts (the baseline)."""
    limits = []
    for level in LEVELS:
        for p in ((1 - level) / 2, 1 - (1 - level) / 2):
            r = stats.binom.ppf(p, n, target)
            alpha = (stats.binom.cdf(r, n, target) - p) / stats.binom.pmf(r, n, target)
            limits.append(np.clip((r - alpha) / n, 0, 1))
    z = (x / n - target) / np.sqrt(target * (1 - target) / n)
    p_value = 2 * special.ndtr(-np.abs(z))
    return limits, multipletests(p_value, method="fdr_bh")[1]


def small_areas(rng, m):
    n = rng.integers(8, 300, m)
    covariates = rng.uniform(0, 1, (m, 2))
    truth = np.clip(0.8 + 0.1 * covariates[:, 0] + rng.normal(0, 0.04, m), 0.01, 0.99)
    rate = rng.binomial(n, truth) / n
    centre = (rate * n + 1.92) / (n + 3.84)
    return rate, centre * (1 - centre) / n, covariates


def samplics_fit(rate, psi, covariates):
    from samplics.sae import EblupAreaModel
    from samplics.utils.types import FitMethod

    area = np.arange(rate.size)
    model = EblupAreaModel(method=FitMethod.reml)
    model.fit(yhat=rate, X=covariates, area=area, error_std=np.sqrt(psi), tol=1e-10)
    model.predict(X=covariates, area=area)
    return np.array(list(model.area_est.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--samplics-areas", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # samplics announces that it is archived

    rng = np.random.default_rng(16)
    n = rng.integers(5, 2_000, args.units)
    x = rng.binomial(n, np.clip(rng.normal(0.88, 0.03, args.units), 0, 1))
    base_funnel, _ = common.best_of(args.repeat, lambda: library_funnel(x, n, 0.9))
    ours_funnel, _ = common.best_of(args.repeat, lambda: funnel(x, n, 0.9, overdispersion="none"))
    ours_auto, _ = common.best_of(args.repeat, lambda: funnel(x, n, 0.9))

    rate, psi, cov = small_areas(rng, args.units)
    ours_fh, fit = common.best_of(args.repeat, lambda: fay_herriot(rate, psi, cov))
    small = slice(0, args.samplics_areas)
    base_small, reference = common.best_of(
        1, lambda: samplics_fit(rate[small], psi[small], cov[small])
    )
    ours_small, fit_small = common.best_of(
        args.repeat, lambda: fay_herriot(rate[small], psi[small], cov[small])
    )
    gap = float(np.max(np.abs(fit_small.estimates - reference)))

    print(f"{args.units:,} units, best of {args.repeat}; Fay-Herriot REML with 2 covariates")
    common.report("compare", "-", f"funnel, binomial, {args.units:,} units", ours_funnel * 1e3,
                  base_funnel * 1e3, "ms", "scipy + statsmodels parts")
    common.report("compare", "-", f"funnel, auto (overdispersion), {args.units:,}",
                  ours_auto * 1e3, base_funnel * 1e3, "ms")
    common.report("compare", "-", f"Fay-Herriot, {args.samplics_areas:,} areas", ours_small * 1e3,
                  base_small * 1e3, "ms", "samplics EblupAreaModel")
    slowest = max(ours_auto, ours_funnel) + ours_fh
    print(f"  Fay-Herriot, {args.units:,} areas: {ours_fh * 1e3:.1f} ms "
          f"(sigma2_v {fit.sigma2_v:.2e}); slower funnel + Fay-Herriot: {slowest * 1e3:.1f} ms "
          f"(goal < 1000 ms)")
    print(f"  samplics takes {base_small / ours_small:,.0f}x our time on {args.samplics_areas:,} "
          f"areas; largest difference from its EBLUPs: {gap:.1e}")


if __name__ == "__main__":
    main()
