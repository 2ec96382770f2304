"""`make bench`: every benchmark in turn, each printing our figure, the baseline's and the ratio.

Benchmarks are not tests: nothing here fails on a slow figure. Figures worth
keeping are copied into bench/README.md with the machine and the date; every run
also appends its records to bench/results.jsonl.

Environment: BENCH_DATABASES (sqlite,postgresql), BENCH_POSTGRES_URL,
BENCH_LARGE=1 (the goals' sizes: 1 and 5 million responses; cheap sizes
without it), BENCH_SIZES, BENCH_SECONDS (10) and BENCH_ROUNDS (3),
BENCH_CONNECTIONS (50),
BENCH_POSTERS (1000); BENCH_IMPORT_ROWS (100000);
BENCH_ONLY=submit,volume,dashboard,rollups,posters,analysis,comparisons,import,partitioned runs a
subset.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import common

BENCHMARKS = {
    "submit": "bench_submit.py",
    "volume": "bench_volume.py",
    "dashboard": "bench_dashboard.py",  # the year's page and its charts while responses arrive
    "rollups": "bench_rollups.py",  # the dashboard from the cells against from the rows
    "posters": "bench_posters.py",
    "analysis": "bench_analysis.py",  # the analysis package's own benchmark
    "comparisons": "bench_comparisons.py",  # funnel and Fay-Herriot, 10,000 units
    "import": "bench_import.py",  # a paper file through the task queue's worker
    "partitioned": "bench_partitioned.py",  # PostgreSQL's monthly partitions, 50 M with BENCH_LARGE
}


def main() -> int:
    only = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]
    print(f"make bench — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {common.machine()} — "
          f"load average {os.getloadavg()[0]:.1f}")
    failed = []
    for name, script in BENCHMARKS.items():
        if only and name not in only:
            continue
        path = Path(__file__).with_name(script)
        if not path.exists():
            print(f"\n== {name}: {script} is missing, skipped")
            continue
        print(f"\n== {name} ({script})", flush=True)
        began = time.perf_counter()
        if subprocess.run([sys.executable, str(path)], cwd=common.PROJECT).returncode != 0:
            failed.append(name)
        print(f"   ({time.perf_counter() - began:.0f} s)", flush=True)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
