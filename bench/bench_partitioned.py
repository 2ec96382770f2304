"""The year's dashboard on PostgreSQL's monthly partitions at national volume (50 M a year).

`fast_load.py` writes ~8,000 responses a second from Python, so 50 M would take hours
here; this benchmark has PostgreSQL generate them itself (`INSERT … SELECT` over
`generate_series`, 5 M per statement): one-stop responses of the administrative
questionnaire at every active counter × sector, hours spread over 2025, overall scores
drawn at fixed rates, no answer rows (the cells count what the dashboard reads; the
export and the factor indices are measured at 1 M by bench_volume). Then:

1. the cells are counted by the product's own `flask rollups rebuild` (timed);
2. the year's dashboard is measured as bench_dashboard measures it (page and four
   charts through the real login, a writer adding 5 responses a second), beside one
   bare GROUP BY over the year's rows;
3. the cost of keeping the cells per 1,000 new responses: 1,000 `add_response` +
   commit with the upkeep timed inside.

`BENCH_PARTITIONED_SIZE` (default 200,000; 50,000,000 with BENCH_LARGE=1),
`BENCH_POSTGRES_URL` (its database gets the suffix `_partitioned`). `--against URL`
skips the load. PostgreSQL only (SQLite has no partitions).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date

import common

CHUNK = 5_000_000
# Overall scores 1–5 and "no opinion" (NULL), cumulative shares.
SCORES = "CASE WHEN r < 0.02 THEN 1 WHEN r < 0.05 THEN 2 WHEN r < 0.12 THEN 3 " \
         "WHEN r < 0.50 THEN 4 WHEN r < 0.97 THEN 5 ELSE NULL END"


def _generate(connection, n: int, version_id: int) -> None:
    from sqlalchemy import text

    connection.execute(text(
        "CREATE TEMP TABLE places AS SELECT row_number() OVER (ORDER BY c.id, cs.sector_id) - 1"
        " AS k, c.agency_id, c.id AS counter_id, cs.sector_id FROM counters c"
        " JOIN counter_sectors cs ON cs.counter_id = c.id WHERE c.active"))
    places = connection.execute(text("SELECT count(*) FROM places")).scalar_one()
    done = 0
    while done < n:
        size = min(CHUNK, n - done)
        began = time.perf_counter()
        connection.execute(text(
            "INSERT INTO responses (questionnaire_version_id, agency_id, counter_id, sector_id,"
            " channel, language, submitted_hour, overall_score, repeat_device)"
            " SELECT :version, p.agency_id, p.counter_id, p.sector_id, 'counter', 'vi',"
            " timestamp '2024-12-31 17:00'"
            " + make_interval(hours => ((g.i::bigint * 7919) % 8760)::int),"
            f" {SCORES}, false"
            " FROM (SELECT i, random() AS r FROM generate_series(:low, :high) AS i) AS g"
            " JOIN places p ON p.k = g.i % :places"),
            {"version": version_id, "low": done + 1, "high": done + size, "places": places})
        connection.commit()
        done += size
        print(f"  generated {done:,} of {n:,} ({size / (time.perf_counter() - began):,.0f}/s)",
              flush=True)


def load(url: str, n: int) -> None:
    from sqlalchemy import select, text

    from support import StaffActions
    from survey_app.extensions import db
    from survey_app.models import Questionnaire, QuestionnaireVersion
    from survey_app.services import partitions

    app = common.make_app(url)
    common.fresh_schema(app)
    StaffActions(app, app.test_client()).create("bench-admin", "admin")
    with app.app_context():
        with db.engine.begin() as connection:
            partitions.partition(connection, since=date(2025, 1, 1))
        version_id = db.session.execute(
            select(QuestionnaireVersion.id).join(Questionnaire)
            .where(Questionnaire.kind == "administrative",
                   QuestionnaireVersion.status == "published")
            .order_by(QuestionnaireVersion.id.desc()).limit(1)).scalar_one()
        with db.engine.connect() as connection:
            began = time.perf_counter()
            _generate(connection, n, version_id)
            print(f"  {n:,} responses generated in {time.perf_counter() - began:.0f} s")
            began = time.perf_counter()
            connection.execute(text("ANALYZE responses"))
            connection.commit()
            print(f"  ANALYZE in {time.perf_counter() - began:.0f} s")
    _timed_command(url, "rollups", "rebuild")


def _timed_command(url: str, *args: str) -> None:
    began = time.perf_counter()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": common.BENCH_SECRET_KEY}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "survey_app", *args],
                          cwd=common.PROJECT, env=env, capture_output=True, text=True)
    last = (done.stdout.strip().splitlines() or [""])[-1]
    print(f"  flask {' '.join(args)}: exit {done.returncode} in "
          f"{time.perf_counter() - began:.0f} s {last[-200:]}{done.stderr[-500:]}")


def upkeep_per_thousand(url: str) -> None:
    script = common.PROJECT / "bench" / "bench_refresh.py"
    done = subprocess.run([sys.executable, str(script), url], cwd=common.PROJECT,
                          capture_output=True, text=True)
    print("  " + (done.stdout.strip() or done.stderr[-800:]))


def run(url: str, loaded: bool) -> None:
    from bench_dashboard import _compare_loaded

    n = int(os.environ.get("BENCH_PARTITIONED_SIZE")
            or (50_000_000 if os.environ.get("BENCH_LARGE") else 200_000))
    if not loaded:
        load(url, n)
    _compare_loaded(url)
    upkeep_per_thousand(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", metavar="URL")
    arguments = parser.parse_args()
    print(f"the year's dashboard on monthly partitions — {common.machine()}")
    if not (arguments.against or common.postgres_available()):
        print("  PostgreSQL is not reachable (BENCH_POSTGRES_URL): skipped")
        sys.exit(0)
    run(arguments.against or common.own_database(common.POSTGRES_URL, "partitioned"),
        loaded=bool(arguments.against))
