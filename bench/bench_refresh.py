"""Keeping the cells per 1,000 new responses: 1,000 `add_response` + commit on a loaded
database (`python bench/bench_refresh.py URL`), with the time inside the rolled-up
cells' upkeep (`upkeep.count_one`, the response's own cell) taken apart."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta

import common
import numpy as np
from sqlalchemy import select

RESPONSES = 1000


def main(url: str) -> None:
    from survey_app.extensions import db
    from survey_app.models import Counter, Questionnaire, QuestionnaireVersion, counter_sectors
    from survey_app.services.questionnaires.files import items_of
    from survey_app.services.responses import submissions

    spent = [0.0]
    original = submissions.upkeep.count_one

    def timed(connection, *args, **kwargs):
        began = time.perf_counter()
        original(connection, *args, **kwargs)
        spent[0] += time.perf_counter() - began

    submissions.upkeep.count_one = timed
    app = common.make_app(url)
    rng = np.random.default_rng(3)
    with app.app_context():
        version = db.session.execute(
            select(QuestionnaireVersion).join(Questionnaire)
            .where(Questionnaire.kind == "administrative",
                   QuestionnaireVersion.status == "published")
            .order_by(QuestionnaireVersion.id.desc()).limit(1)).scalar_one()
        items = [i for i, item in items_of(version.definition).items() if item["type"] == "scale5"]
        places = db.session.execute(
            select(Counter.agency_id, Counter.id, counter_sectors.c.sector_id)
            .join(counter_sectors, counter_sectors.c.counter_id == Counter.id)).all()
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(RESPONSES):
            agency_id, counter_id, sector_id = places[int(rng.integers(len(places)))]
            origin = submissions.Origin(version.id, version.definition, agency_id, "counter",
                                        "vi", counter_id=counter_id, sector_id=sector_id)
            at = datetime(2025, 1, 1, 2, tzinfo=UTC) + timedelta(hours=int(rng.integers(8700)))
            submissions.add_response(origin, {i: int(rng.choice([2, 3, 4, 5])) for i in items},
                                     extras=submissions.Extras(answered_at=at))
            db.session.commit()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{RESPONSES:,} responses: {wall:.2f} s wall, {cpu:.2f} s client CPU; the cells' "
          f"upkeep {spent[0]:.2f} s ({spent[0] / wall:.0%} of the wall time)")


if __name__ == "__main__":
    main(sys.argv[1])
