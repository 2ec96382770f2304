"""Time the dashboard's reporting queries on a large synthetic quarter.

    .venv/bin/python bench/bench_reporting.py [DATABASE_URL] [--responses N]

Default: a temporary SQLite file and 100 000 responses (about 2.3 million answers).
The database is emptied and filled: never point it at real data. The baseline in the
same run is a bare `SELECT COUNT(*)` over the quarter's responses, so the figures can
be read as "how many plain scans of the quarter each report costs".
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import func, insert, select

from survey_app import create_app
from survey_app.extensions import db
from survey_app.models import (
    Agency,
    Answer,
    Counter,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Sector,
)
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import factor_indices
from survey_app.services.reporting import figures as reporting
from survey_app.services.reporting.figures import Filters
from survey_app.services.reporting.periods import parse_period
from survey_app.services.responses import comments
from survey_app.services.rollups import upkeep

PROJECT = Path(__file__).resolve().parent.parent
ITEMS = ["tc1", "tc2", "tc3", "tc4", "tt1", "tt2", "tt3", "tt4", "tt5", "cc1", "cc2", "cc3",
         "cc4", "cc5", "cc6", "kq1", "kq2", "kq3", "gy1", "gy2", "gy3", "gy4"]


def _fill(count: int, rng: np.random.Generator) -> None:
    version = db.session.execute(select(QuestionnaireVersion.id).join(Questionnaire).where(
        Questionnaire.kind == "administrative")).scalars().first()
    counters = db.session.execute(select(Counter.id, Counter.agency_id)).all()
    sectors = list(db.session.execute(select(Sector.id)).scalars())
    start = datetime(2025, 7, 1, tzinfo=UTC)
    chosen = rng.integers(len(counters), size=count)
    hours = rng.integers(0, 92 * 24, size=count)
    scores = rng.choice([1, 2, 3, 4, 5, 0], p=[.03, .04, .08, .35, .45, .05], size=count)
    channels = rng.choice(["token", "counter", "kiosk", "paper"], size=count)
    batch = 5000
    for first in range(0, count, batch):
        rows = []
        for i in range(first, min(count, first + batch)):
            counter_id, agency_id = counters[chosen[i]]
            rows.append({
                "questionnaire_version_id": version, "agency_id": agency_id,
                "counter_id": counter_id, "sector_id": sectors[i % len(sectors)],
                "channel": str(channels[i]), "language": "vi",
                "submitted_hour": start + timedelta(hours=int(hours[i])),
                "overall_score": int(scores[i]) or None, "repeat_device": bool(i % 50 == 0),
            })
        db.session.execute(insert(Response), rows)
        ids = db.session.execute(select(Response.id).order_by(Response.id.desc()).limit(
            len(rows))).scalars().all()
        answer_scores = rng.choice([1, 2, 3, 4, 5, 0], p=[.03, .05, .1, .37, .4, .05],
                                   size=(len(ids), len(ITEMS)))
        db.session.execute(insert(Answer), [
            {"response_id": rid, "item_code": item, "score": int(s) or None,
             "choice": None if s else "not_used"}
            for rid, row in zip(ids, answer_scores, strict=True)
            for item, s in zip(ITEMS, row, strict=True)])
        upkeep.count_ids(db.session.connection(), ids)
        db.session.commit()


def _time(label: str, call, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - began)
    print(f"{label:<44} {1000 * best:9.1f} ms")
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url", nargs="?")
    parser.add_argument("--responses", type=int, default=100_000)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        runner = app.test_cli_runner()
        for group in ("reference", "questionnaires"):
            result = runner.invoke(args=[group, "load", str(PROJECT / group)])
            assert result.exit_code == 0, result.output
        began = time.perf_counter()
        _fill(args.responses, np.random.default_rng(7))
        answers = db.session.execute(select(func.count()).select_from(Answer)).scalar()
        print(f"{db.engine.dialect.name}: {args.responses} responses, {answers} answers "
              f"(filled in {time.perf_counter() - began:.0f} s)")
        period, everything = parse_period("2025-Q3"), Scope.all_data()
        health = Scope(sector_ids=frozenset({db.session.execute(
            select(Sector.id).where(Sector.code == "y-te")).scalar()}))
        commune = Scope(agency_ids=frozenset(
            db.session.execute(select(Agency.id).where(Agency.level_code == "commune")
                               ).scalars()))
        admin = Filters(kinds=("administrative",))
        base = _time("baseline: COUNT(*) of the quarter", lambda: db.session.execute(
            select(func.count()).select_from(Response).where(
                Response.submitted_hour >= period.start, Response.submitted_hour < period.end)
        ).scalar())
        timings = {
            "target_summary (all targets, 2 periods)":
                lambda: reporting.target_summary(period, everything),
            "breakdown by sector group": lambda: reporting.breakdown(
                period, everything, "group", admin),
            "breakdown by agency": lambda: reporting.breakdown(
                period, everything, "agency", admin),
            "breakdown by counter, health scope": lambda: reporting.breakdown(
                period, health, "counter", admin),
            "breakdown by channel, communes scope": lambda: reporting.breakdown(
                period, commune, "channel", admin),
            "trend over 4 quarters": lambda: reporting.trend(period, everything, admin),
            "service index (5 factors, linearised SE)": lambda: factor_indices.service_index(
                period, everything),
            "comment statistics": lambda: comments.comment_stats(period, everything),
        }
        for label, call in timings.items():
            spent = _time(label, call)
            print(f"{'':<44} {spent / base:9.1f} x baseline")


if __name__ == "__main__":
    main()
