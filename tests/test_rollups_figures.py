"""Every figure read from the rolled-up cells equals the figure counted from the rows.

Hypothesis draws sequences of what changes responses (a citizen's submission, its
second page, a paper import, a purge, a deletion) and then compares, for several
periods, scopes and filters, each figure of the dashboard, the reports, /ket-qua and
the API (targets with weights, indices and changes; drill-down cells of every
dimension; trends; the service index; the default period and survey) read both ways
(`reading.rows_instead`): equal to the last digit, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime, timedelta
from itertools import product

import pytest
from campaign_support import analyst, csv_file, health_input, paper_row, today
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from survey_app.extensions import db
from survey_app.models import (
    Agency,
    Counter,
    ImportBatch,
    Response,
    TransactionVolume,
    counter_sectors,
    response_cells,
)
from survey_app.services.access.scope import Scope, agency_subtree
from survey_app.services.campaigns import setup as campaigns
from survey_app.services.paper import imports as paper_import
from survey_app.services.paper.files import read_table
from survey_app.services.questionnaires import versions as questionnaires
from survey_app.services.reporting import (
    defaults,
    factor_indices,
    figures,
    served_groups,
    targets,
    trends,
)
from survey_app.services.reporting.figures import Filters
from survey_app.services.reporting.periods import current_quarter, parse_period
from survey_app.services.responses import details, retention, submissions
from survey_app.services.rollups import check, reading, upkeep

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
START = datetime(2025, 6, 20, tzinfo=UTC)  # late Q2 to early Q4 2025, local days
CHANNELS = ("token", "counter", "kiosk", "paper")
SCORES = st.sampled_from([None, 1, 2, 3, 4, 5])
SUBMIT = st.tuples(st.just("submit"), st.integers(0, 5), st.sampled_from(CHANNELS),
                   st.integers(0, 24 * 110), SCORES, st.lists(SCORES, max_size=8),
                   st.booleans())
OPERATION = st.one_of(
    SUBMIT,
    st.tuples(st.just("details"), st.integers(0, 40), st.lists(SCORES, min_size=1, max_size=8)),
    st.tuples(st.just("paper"), st.lists(st.integers(1, 5), min_size=1, max_size=4)),
    st.tuples(st.just("purge")),
    st.tuples(st.just("delete"), st.integers(0, 40), st.integers(1, 3)),
)


class World:
    """The places answers come from (counters with a sector), the questionnaire, a
    health campaign for paper imports, and some transaction volumes to weight by."""

    def __init__(self):
        version = questionnaires.current_version("administrative")
        self.version_id, self.definition = version.id, version.definition
        self.items = [item for factor in self.definition["factors"] for item in factor["items"]]
        rows = db.session.execute(
            select(Counter.id, Counter.agency_id, counter_sectors.c.sector_id)
            .join(counter_sectors, counter_sectors.c.counter_id == Counter.id)
            .order_by(Counter.id, counter_sectors.c.sector_id)).all()
        self.places = [rows[i * len(rows) // 6] for i in range(6)]
        self.campaign = campaigns.create(health_input(), analyst("yte", "y-te"))
        for _counter, agency_id, sector_id in self.places[:3]:
            db.session.add(TransactionVolume(agency_id=agency_id, sector_id=sector_id,
                                             period_start=date(2025, 7, 1),
                                             period_end=date(2025, 7, 31), transactions=400))
        db.session.commit()
        self.first_ids: list[str] = []
        self.imports = 0

    def empty(self) -> None:
        """Back to no response (between examples)."""
        db.session.rollback()
        db.session.execute(delete(Response))
        db.session.execute(delete(ImportBatch))
        db.session.execute(delete(response_cells))
        db.session.commit()
        self.first_ids = []

    def run(self, operation) -> None:
        getattr(self, operation[0])(*operation[1:])

    def submit(self, place, channel, hours, overall, scores, repeat) -> None:
        counter_id, agency_id, sector_id = self.places[place]
        origin = submissions.Origin(self.version_id, self.definition, agency_id, channel, "vi",
                                    counter_id if hours % 5 else None, sector_id)
        answers = {self.definition["overall_item"]: overall}
        answers.update(zip(self.items[::3], scores, strict=False))
        first = str(uuid.uuid4())
        submissions.add_response(origin, answers, submission_id=first,
                                 extras=submissions.Extras(repeat_device=repeat),
                                 now=START + timedelta(hours=hours))
        db.session.commit()
        self.first_ids.append(first)

    def details(self, which, scores) -> None:
        if not self.first_ids:
            return
        first = self.first_ids.pop(which % len(self.first_ids))
        try:
            details.add(first, dict(zip(self.items[1::3], scores, strict=False)),
                        submission_id=str(uuid.uuid4()))
        except details.DetailsGone:  # deleted meanwhile: the real refusal
            pass

    def paper(self, scores) -> None:
        self.imports += 1
        rows = [paper_row(self.campaign, "bv-da-khoa-tra-vinh", today(), score)
                for score in scores]
        rows.append(paper_row(self.campaign, "bv-da-khoa-vinh-long", today() - timedelta(days=1),
                              self.imports % 5 + 1))  # a different file every time
        table = read_table("paper.csv", csv_file(self.campaign, rows))
        paper_import.import_table(self.campaign, "paper.csv", table, None)

    def purge(self) -> None:
        retention.purge(timedelta(days=30))

    def delete(self, which, how_many) -> None:
        ids = sorted(db.session.execute(select(Response.id)).scalars())
        chosen = ids[which % len(ids):which % len(ids) + how_many] if ids else []
        if chosen:
            upkeep.forget(db.session.connection(), Response.id.in_(chosen))
            db.session.commit()




def views(world: World) -> list[tuple]:
    """(period, scope, filters) to read every figure in."""
    _counter, agency_id, sector_id = world.places[0]
    level = db.session.scalar(select(Agency.level_code).where(Agency.id == agency_id))
    scopes = [Scope.all_data(), Scope(sector_ids=frozenset({sector_id})),
              Scope(agency_ids=agency_subtree({agency_id}), root_agency_ids=frozenset({agency_id}))]
    filters = [figures.NO_FILTERS,
               Filters(kinds=("administrative",), channels=("kiosk", "token"), level=level),
               Filters(sector_id=sector_id), Filters(kinds=("health_inpatient",))]
    periods = [parse_period(code) for code in ("2025-Q3", "2025", "2025-07-15..2025-09-03",
                                               "2025-07-01..2025-09-10")]
    periods.append(current_quarter())
    return [(period, scopes[i % len(scopes)], chosen)
            for i, (period, chosen) in enumerate(product(periods, filters))]


def figures_of(period, scope, filters) -> list:
    kinds = filters.kinds or ("administrative",)
    return [
        targets.target_summary(period, scope, filters),
        figures.totals(period, scope, filters),
        *[figures.breakdown(period, scope, dimension, filters)
          for dimension in figures.DIMENSIONS],
        served_groups.breakdown(period, scope, "agency", filters),
        served_groups.breakdown(period, scope, "counter", filters),
        factor_indices.service_index(period, scope, kinds, (), filters),
        factor_indices.service_index(period, scope, kinds, ("land-construction-investment",),
                                     filters),
        trends.trend(period, scope, filters),
        defaults.last_period_with_data(scope), defaults.own_survey(scope),
    ]


def assert_figures_match(world: World) -> None:
    assert check.differences(db.session.connection()) == []
    for view in views(world):
        from_cells = figures_of(*view)
        with reading.rows_instead():
            from_rows = figures_of(*view)
        assert from_cells == from_rows, view


@pytest.fixture
def world(reference_data):
    return World()


# Reproducible (or exploring, FUZZ_EXPLORE=1) by the profile conftest.py loads.
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=st.lists(OPERATION, min_size=1, max_size=10))
@example(operations=[("submit", 0, "kiosk", 300, 5, [4, 5, None, 2], False),
                     ("submit", 1, "token", 17, 2, [1], True),
                     ("details", 0, [5, 4, 4]), ("paper", [5, 1]), ("purge",),
                     ("delete", 0, 1), ("submit", 2, "counter", 2000, None, [], False)])
def test_every_figure_from_the_cells_equals_the_figure_from_the_rows(world, operations):
    world.empty()
    for operation in operations:
        world.run(operation)
    assert_figures_match(world)
