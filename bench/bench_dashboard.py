"""The year's dashboard at volume, while responses keep arriving, beside one bare GROUP BY.

For each database: load the year's responses (bench/fast_load.py, 2025), then, with a
writer process adding responses to that year through the app's own writer
(`submissions.add_response`: answers, factor tallies, rolled-up cells, commit) a few
times a second, measure in a fresh child process:

- *ours*: what a reader waits for on the province's year: `GET /staff/?period=2025`
  (every part of the page) and its four chart images (`/staff/charts/*.svg`), logged
  in as an administrator through the real login form. New responses change the
  numbers between rounds, so the charts are drawn afresh (their store keeps a drawing
  only for the numbers it shows);
- *baseline*: one bare `GROUP BY sector, agency, quarter` over the year's rows
  (bench_volume.GROUP_BY), in the same run.

Goal (issue 19): ≤ 0.3 s on PostgreSQL, ≤ 1 s on SQLite, ≤ 0.2× the bare scan at
1 M and ≤ 0.1× at 5 M. Sizes: 20,000 by default (cheap); BENCH_LARGE=1 for 1 M and
then 5 M (PostgreSQL only, the 4 M extra without answers, as bench_volume loads
them); BENCH_DASHBOARD_SIZES=… for any list. BENCH_ROUNDS rounds, median shown.
`--against URL` measures again on a database this benchmark loaded before (after a
change of the code, without loading a million responses again).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import common

PARTS = ("/staff/?period=2025", "/staff/charts/targets.svg?period=2025",
         "/staff/charts/breakdown.svg?period=2025", "/staff/charts/trend.svg?period=2025",
         "/staff/charts/factors.svg?period=2025")
WRITES_PER_SECOND = 5


def sizes(name: str) -> list[int]:
    if os.environ.get("BENCH_DASHBOARD_SIZES"):
        return [int(s) for s in os.environ["BENCH_DASHBOARD_SIZES"].split(",")]
    if os.environ.get("BENCH_LARGE"):
        return [1_000_000, 5_000_000] if name == "postgresql" else [1_000_000]
    return [20_000]


# --- measurements (each in its own child process) ------------------------------------------

def measure_page(url: str, rounds: int) -> dict:
    from support import StaffActions

    app = common.make_app(url)
    client = app.test_client()
    StaffActions(app, client).login("bench-admin")
    times, parts = [], {}
    for _ in range(rounds):
        began = time.perf_counter()
        for path in PARTS:
            start = time.perf_counter()
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code}")
            parts.setdefault(path, []).append(time.perf_counter() - start)
        times.append(time.perf_counter() - began)
        time.sleep(0.5)  # let the writer add responses: the next round sees new numbers
    return {"seconds": statistics.median(times), "rounds": times,
            "parts": {path: statistics.median(t) for path, t in parts.items()},
            "peak_mb": common.peak_rss_mb()}


def measure_groupby(url: str, rounds: int) -> dict:
    from bench_volume import _bare_group_by

    from survey_app.services.reporting import periods

    app = common.make_app(url)
    times = []
    with app.app_context():
        for _ in range(rounds):
            began = time.perf_counter()
            cells = _bare_group_by(periods.year_period(2025))
            times.append(time.perf_counter() - began)
    return {"seconds": statistics.median(times), "cells": cells, "peak_mb": common.peak_rss_mb()}


def write_forever(url: str) -> None:
    """Responses of 2025 through the app's writer, WRITES_PER_SECOND a second, until killed."""
    from datetime import UTC, datetime, timedelta

    import numpy as np
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import Counter, Questionnaire, QuestionnaireVersion, counter_sectors
    from survey_app.services.questionnaires.files import items_of
    from survey_app.services.responses import submissions

    app = common.make_app(url)
    rng = np.random.default_rng(11)
    with app.app_context():
        version = db.session.execute(
            select(QuestionnaireVersion).join(Questionnaire)
            .where(Questionnaire.kind == "administrative",
                   QuestionnaireVersion.status == "published")
            .order_by(QuestionnaireVersion.id.desc()).limit(1)).scalar_one()
        items = [i for i, item in items_of(version.definition).items() if item["type"] == "scale5"]
        places = db.session.execute(
            select(Counter.agency_id, Counter.id, counter_sectors.c.sector_id)
            .join(counter_sectors, counter_sectors.c.counter_id == Counter.id)
            .where(Counter.active.is_(True))).all()
        written = 0
        while True:
            agency_id, counter_id, sector_id = places[int(rng.integers(len(places)))]
            origin = submissions.Origin(version.id, version.definition, agency_id, "counter", "vi",
                                        counter_id=counter_id, sector_id=sector_id)
            answers = {item: int(rng.choice([2, 3, 4, 5])) for item in items}
            at = datetime(2025, 1, 1, 2, tzinfo=UTC) + timedelta(hours=int(rng.integers(8700)))
            submissions.add_response(origin, answers, extras=submissions.Extras(answered_at=at))
            db.session.commit()
            written += 1
            print(written, flush=True)
            time.sleep(1 / WRITES_PER_SECOND)


# --- the run -------------------------------------------------------------------------------

def run() -> None:
    import fast_load

    from support import StaffActions

    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    for name, url in common.databases("dashboard"):
        app = common.make_app(url)
        common.fresh_schema(app)
        StaffActions(app, app.test_client()).create("bench-admin", "admin")
        loaded = 0
        for size in sizes(name):
            began = time.perf_counter()
            counts = fast_load.load(app, size - loaded, answers=(loaded == 0))
            print(f"  loaded {counts['responses']:,} responses into {name} in "
                  f"{time.perf_counter() - began:.0f} s")
            loaded = size
            _compare(name, url, size, rounds)


def _compare_loaded(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        size = connection.execute(text("SELECT COUNT(*) FROM responses")).scalar_one()
    engine.dispose()
    _compare(engine.dialect.name, url, size, int(os.environ.get("BENCH_ROUNDS", "3")))


def _compare(name: str, url: str, size: int, rounds: int) -> None:
    writer = subprocess.Popen([sys.executable, __file__, "--write", url], cwd=common.PROJECT,
                              stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(2)
        bare = common.in_child("bench_dashboard.py", "groupby", url, str(rounds))
        ours = common.in_child("bench_dashboard.py", "page", url, str(rounds))
    finally:
        writer.terminate()
        written = len((writer.communicate(timeout=30)[0] or "").split())
    goal = "goal ≤ 0.3 s" if name == "postgresql" else "goal ≤ 1 s"
    goal += ", ≤ 0.2×" if size < 2_000_000 else ", ≤ 0.1×"
    common.report("dashboard", name, f"year's page + 4 charts, {size / 1e6:g}M responses",
                  ours["seconds"], bare["seconds"], "s", goal,
                  {"size": size, "rounds": ours["rounds"], "parts": ours["parts"],
                   "peak_mb": ours["peak_mb"], "written_meanwhile": written})
    print("           parts (median s): " + ", ".join(
        f"{path.split('?')[0].rsplit('/', 1)[-1] or 'page'} {t:.3f}"
        for path, t in ours["parts"].items()))
    print(f"           {written} responses written meanwhile; peak memory {ours['peak_mb']:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", nargs=3, metavar=("KIND", "URL", "ROUNDS"))
    parser.add_argument("--write", metavar="URL")
    parser.add_argument("--against", metavar="URL",
                        help="measure again on a database this benchmark loaded before")
    arguments = parser.parse_args()
    if arguments.against:
        _compare_loaded(arguments.against)
    elif arguments.write:
        write_forever(arguments.write)
    elif arguments.measure:
        kind, url, rounds = arguments.measure
        measure = {"page": measure_page, "groupby": measure_groupby}[kind]
        print(json.dumps(measure(url, int(rounds))))
    else:
        print(f"the year's dashboard at volume — {common.machine()}")
        run()
