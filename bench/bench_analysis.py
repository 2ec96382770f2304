"""Benchmark: satisfaction_table over a million cells beside statsmodels, in one run.

    .venv/bin/python bench/bench_analysis.py [--cells 1000000] [--repeat 5] [--method wilson]

The baseline is statsmodels' vectorised ``proportion_confint`` over the same
count arrays. The goal (issue 4) is satisfaction_table at most 2x its time for
the same work (an interval per cell). The other lines show what the extra
work costs: verdicts with the exact one-sided p-value, input as a list of
dicts, and building every row as a Python dict. Best of ``--repeat`` runs.
Not a timed test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse

import numpy as np
from common import best_of
from statsmodels.stats.proportion import proportion_confint

from analysis import satisfaction_table
from analysis.intervals import STATSMODELS_EQUIVALENT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--method", choices=sorted(STATSMODELS_EQUIVALENT), default="wilson")
    args = parser.parse_args()

    rng = np.random.default_rng(2025)
    n = rng.integers(1, 2_000, args.cells)
    x = rng.binomial(n, 0.88)
    columns = {"n": n, "satisfied": x}
    sm_method = STATSMODELS_EQUIVALENT[args.method]

    base, (sm_low, sm_high) = best_of(
        args.repeat, lambda: proportion_confint(x, n, alpha=0.05, method=sm_method)
    )
    ours, table = best_of(args.repeat, lambda: satisfaction_table(columns, method=args.method))
    gap = max(
        np.max(np.abs(table.arrays.low - np.clip(sm_low, 0, 1))),
        np.max(np.abs(table.arrays.high - np.clip(sm_high, 0, 1))),
    )
    verdicts, _ = best_of(
        args.repeat, lambda: satisfaction_table(columns, targets=0.9, method=args.method)
    )
    cells = [{"n": a, "satisfied": b} for a, b in zip(n.tolist(), x.tolist(), strict=True)]
    from_rows, _ = best_of(
        max(1, args.repeat // 2), lambda: satisfaction_table(cells, method=args.method)
    )
    rows, _ = best_of(1, table.to_dicts)

    print(f"{args.cells:,} cells, method {args.method}, best of {args.repeat}")
    print(f"  statsmodels proportion_confint            {base:8.3f} s   (baseline)")
    print(f"  satisfaction_table, columns               {ours:8.3f} s   ratio {ours / base:.2f}x"
          "   (goal <= 2x)")  # fmt: skip
    print(f"  ... with targets=0.9 (verdicts, p-values) {verdicts:8.3f} s   ratio "
          f"{verdicts / base:.2f}x")  # fmt: skip
    print(f"  ... from a list of dicts                  {from_rows:8.3f} s   ratio "
          f"{from_rows / base:.2f}x")  # fmt: skip
    print(f"  building all {args.cells:,} row dicts       {rows:8.3f} s")
    print(f"  largest difference from statsmodels: {gap:.1e}")


if __name__ == "__main__":
    main()
