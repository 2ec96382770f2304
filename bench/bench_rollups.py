"""Rolled-up counts: the dashboard's figures from the cells against the same code counting
the rows, in one run; and the cells' upkeep's share of a submission's CPU.

- dashboard: every figure of the staff dashboard for the year 2025, province scope
  (targets with weights, indices and changes; totals; agency cells split by target
  group; channels; the service index; the trend), read from the cells and, as the
  baseline, from the rows (`reading.rows_instead`, what the code did before); then
  the whole page (`GET /staff/?period=2025`, comments and comparisons included) both
  ways. Best of BENCH_ROUNDS.
- submit: BENCH_ROLLUP_SUBMITS responses through `submissions.add_response` and a
  commit, CPU time (process_time) with the cells' upkeep and with it left out; then
  the same number from 8 threads at once, all into one cell against each into its
  own (on PostgreSQL the one cell's row is what they wait on).

BENCH_ROLLUP_SIZE responses (20,000 by default, 200,000 with BENCH_LARGE=1) are loaded
by fast_load.py, which counts them into the cells as every writer does; the check of
`flask rollups verify` must then be clean, and the figures equal both ways.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from datetime import UTC, datetime

import common

SIZE = int(os.environ.get("BENCH_ROLLUP_SIZE",
                          "200000" if os.environ.get("BENCH_LARGE") else "20000"))
SUBMITS = int(os.environ.get("BENCH_ROLLUP_SUBMITS", "500"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WRITERS = 8


def _dashboard_figures():
    from survey_app.services.access.scope import Scope
    from survey_app.services.reporting import factor_indices, figures, served_groups, trends
    from survey_app.services.reporting.periods import parse_period

    period, scope = parse_period("2025"), Scope.all_data()
    filters = figures.Filters(kinds=("administrative",))
    return (figures.target_summary(period, scope, filters), figures.totals(period, scope, filters),
            served_groups.breakdown(period, scope, "agency", filters),
            figures.breakdown(period, scope, "channel", filters),
            factor_indices.service_index(period, scope, ("administrative",), (), filters),
            trends.trend(period, scope, filters))


def _page(client):
    response = client.get("/staff/?period=2025")
    assert response.status_code == 200, response.status_code
    return response


def _login(app):
    from survey_app.services.access import accounts

    with app.app_context():
        accounts.create_user("bench", "correct horse battery staple", "admin")
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/staff/login", data={"username": "bench", "password":
                                      "correct horse battery staple", "csrf_token": token})
    return client


def dashboard(name: str, app) -> None:
    from survey_app.extensions import db
    from survey_app.services.rollups import check, reading

    with app.app_context():
        assert check.differences(db.session.connection()) == [], "cells differ from the rows"
        cells, from_cells = common.best_of(ROUNDS, _dashboard_figures)
        with reading.rows_instead():
            rows, from_rows = common.best_of(ROUNDS, _dashboard_figures)
        assert from_cells == from_rows, "the figures differ"
    common.report("rollups", name, f"dashboard figures, year, {SIZE:,} responses", cells, rows,
                  "s", "cells vs rows")
    client = _login(app)
    page, _ = common.best_of(ROUNDS, lambda: _page(client))
    with reading.rows_instead():
        page_rows, _ = common.best_of(ROUNDS, lambda: _page(client))
    common.report("rollups", name, f"dashboard page, year, {SIZE:,} responses", page, page_rows,
                  "s", "cells vs rows")


def _submit(count: int) -> float:
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import Counter
    from survey_app.services.questionnaires import versions
    from survey_app.services.responses import submissions

    version = versions.current_version("administrative")
    counter_id, agency_id = db.session.execute(select(Counter.id, Counter.agency_id)).first()
    origin = submissions.Origin(version.id, version.definition, agency_id, "counter", "vi",
                                counter_id)
    answers = {item: 4 for factor in version.definition["factors"] for item in factor["items"]}
    answers[version.definition["overall_item"]] = 5
    now = datetime.now(UTC)
    began = time.process_time()
    for _ in range(count):
        submissions.add_response(origin, answers, submission_id=str(uuid.uuid4()), now=now)
        db.session.commit()
    return time.process_time() - began


def submit_share(name: str, app) -> None:
    from survey_app.services.rollups import upkeep

    with app.app_context():
        _submit(50)  # warm caches and compiled statements
        kept = _submit(SUBMITS)
        real = upkeep.count
        upkeep.count = lambda *_args: None  # the same path without the cells' upkeep
        try:
            bare = _submit(SUBMITS)
        finally:
            upkeep.count = real
    common.report("rollups", name, f"submit CPU per response ({SUBMITS})", kept / SUBMITS * 1e3,
                  bare / SUBMITS * 1e3, "ms", f"upkeep share {(kept - bare) / kept:.0%}")


def _writer(app, counter_id: int, agency_id: int, count: int) -> None:
    from survey_app.extensions import db
    from survey_app.services.questionnaires import versions
    from survey_app.services.responses import submissions

    with app.app_context():
        version = versions.current_version("administrative")
        origin = submissions.Origin(version.id, version.definition, agency_id, "counter", "vi",
                                    counter_id)
        answers = {version.definition["overall_item"]: 4}
        for _ in range(count):
            submissions.add_response(origin, answers, submission_id=str(uuid.uuid4()))
            db.session.commit()
        db.session.remove()


def contention(name: str, app) -> None:
    """WRITERS threads submitting at once: all to one cell (one counter) against each to
    its own: what waiting on the same cell's row costs."""
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import Counter

    with app.app_context():
        places = db.session.execute(select(Counter.id, Counter.agency_id)
                                    .order_by(Counter.id).limit(WRITERS)).all()
    timings = {}
    for label, chosen in (("one cell", [places[0]] * WRITERS), ("own cells", places)):
        threads = [threading.Thread(target=_writer, args=(app, *place, SUBMITS // WRITERS))
                   for place in chosen]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        timings[label] = SUBMITS / (time.perf_counter() - began)
    common.report("rollups", name, f"submits/s, {WRITERS} writers, one cell vs own cells",
                  timings["one cell"], timings["own cells"], "/s", "contention on a cell")


def main() -> None:
    import fast_load

    for name, url in common.databases("rollups"):
        app = common.make_app(url)
        common.fresh_schema(app)
        fast_load.load(app, SIZE)
        dashboard(name, app)
        submit_share(name, app)
        contention(name, app)


if __name__ == "__main__":
    main()
