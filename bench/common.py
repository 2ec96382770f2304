"""Shared pieces of the benchmarks: databases, the app, child-process measurements, output.

Every benchmark prints our figure beside a baseline measured in the same run and
the ratio, and appends a JSON line to bench/results.jsonl (ignored by git; the
figures worth keeping go to bench/README.md by hand, with the machine and date).

Databases: SQLite in a temporary folder, and PostgreSQL next to BENCH_POSTGRES_URL
(default: the local server, user survey, which may create databases): each
benchmark uses its own database `survey_bench_<name>`, created when missing.
`BENCH_DATABASES=sqlite` or `=postgresql` runs only one.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(PROJECT), str(PROJECT / "tests")]  # the app, and tests/live_server.py
RESULTS = PROJECT / "bench" / "results.jsonl"
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://survey:survey@127.0.0.1:5432/survey_bench")
BENCH_SECRET_KEY = secrets.token_urlsafe(32)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return f"{os.cpu_count()} cores, {memory / 1024 / 1024:.0f} GB RAM, {cpu}"


def postgres_available() -> bool:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(POSTGRES_URL)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception as error:  # noqa: BLE001 - any failure means "not here"
        print(f"  (PostgreSQL at {POSTGRES_URL.split('@')[-1]} not reachable: "
              f"{type(error).__name__}; set BENCH_POSTGRES_URL)", file=sys.stderr)
        return False


def databases(tag: str) -> list[tuple[str, str]]:
    """(name, SQLAlchemy URL) of each database to benchmark, fresh files for SQLite."""
    wanted = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    found = []
    if "sqlite" in wanted:
        folder = Path(tempfile.mkdtemp(prefix=f"bench-{tag}-"))
        found.append(("sqlite", f"sqlite:///{folder / 'bench.sqlite3'}"))
    if "postgresql" in wanted and postgres_available():
        found.append(("postgresql", own_database(POSTGRES_URL, tag)))
    return found


def own_database(url: str, tag: str) -> str:
    """`<database>_<tag>`, created if missing: each benchmark drops and rebuilds its own
    schema, and two benchmarks sharing a database would wipe each other's rows."""
    from sqlalchemy import create_engine, make_url, text

    base = make_url(url)
    name = f"{base.database}_{tag}"
    engine = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def make_app(database_url: str):
    from survey_app import create_app

    return create_app({
        "SECRET_KEY": BENCH_SECRET_KEY, "SQLALCHEMY_DATABASE_URI": database_url,
        "PUBLIC_BASE_URL": "https://khaosat.example", "RATELIMIT_ENABLED": False,
    })


def fresh_schema(app) -> None:
    """Empty schema with the reference data and questionnaires, as `make setup` leaves it."""
    from survey_app.extensions import db

    with app.app_context():
        db.drop_all()
        db.create_all()
        runner = app.test_cli_runner()
        for args in (["reference", "load", str(PROJECT / "reference")],
                     ["questionnaires", "load", str(PROJECT / "questionnaires")]):
            result = runner.invoke(args=args)
            if result.exit_code != 0:
                raise RuntimeError(result.output)
        db.engine.dispose()


def peak_rss_mb(pid: int | str = "self") -> float:
    """A process's peak resident memory (VmHWM), in MB.

    Not getrusage's ru_maxrss: Linux carries that over fork() and execve(), so a
    child started by a big parent would report the parent's peak as its own.
    """
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_watching_memory(command: list[str], **kwargs) -> float:
    """Run a command to completion; its peak RSS in MB, read from /proc while it runs."""
    process = subprocess.Popen(command, **kwargs)
    peak = 0.0
    while process.poll() is None:
        try:
            peak = max(peak, peak_rss_mb(process.pid))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
        time.sleep(0.02)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command[0])
    return peak


def in_child(script: str, *args: str, timeout: float = 3600) -> dict:
    """Run `python bench/<script> --measure …` in a fresh process; its last stdout line is
    JSON with at least `seconds` and `peak_mb` (so each figure has its own peak memory)."""
    completed = subprocess.run(
        [sys.executable, str(PROJECT / "bench" / script), "--measure", *args],
        capture_output=True, text=True, timeout=timeout, cwd=PROJECT,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{script} {' '.join(args)} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def best_of(repeat: int, call):
    """(fastest time in seconds, last result) over ``repeat`` calls, garbage collected first."""
    times = []
    result = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return min(times), result


def report(benchmark: str, database: str, what: str, ours: float, baseline: float,
           unit: str, goal: str = "", extra: dict | None = None) -> None:
    """One line: our figure, the baseline's, the ratio; and a JSON record."""
    ratio = ours / baseline if baseline else float("nan")
    print(f"  {benchmark:<8} {database:<10} {what:<44} ours {ours:>10.2f} {unit:<6} "
          f"baseline {baseline:>10.2f} {unit:<6} ratio {ratio:5.2f}  {goal}")
    record = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "benchmark": benchmark,
              "database": database, "what": what, "ours": ours, "baseline": baseline,
              "unit": unit, "ratio": ratio, "goal": goal, **(extra or {})}
    with RESULTS.open("a") as out:
        out.write(json.dumps(record) + "\n")


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.began = label, total, time.perf_counter()

    def __call__(self, done: int) -> None:
        elapsed = time.perf_counter() - self.began
        share = done / self.total if self.total else 1
        bar = "#" * int(30 * share)
        rate = done / elapsed if elapsed else 0
        sys.stderr.write(f"\r  {self.label} [{bar:<30}] {done:>10,}/{self.total:,} "
                         f"{rate:>9,.0f}/s")
        if done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()
