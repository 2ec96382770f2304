"""The comment and case counts find each comment's response by its key, on SQLite too.

Comments are a few of a period's responses. As a join with the period as a range on
`responses`, SQLite's planner walked the period's responses by their hour index and
looked each one's comments up: 6 s of the year's dashboard at a million responses,
with not one comment. The counts now drive from the comments (and cases) and check the
period on each one's own response, which SQLite does by the integer primary key. The
test reads SQLite's `EXPLAIN QUERY PLAN` of every statement the counts send, with the
planner's statistics of that benchmark database (a million responses, the comments
never analysed): the old joins fail here.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from seeding import add_responses, load_reference
from sqlalchemy import event, text

from survey_app.extensions import db
from survey_app.services.access.scope import Scope
from survey_app.services.feedback import listing, service_quality
from survey_app.services.reporting.periods import parse_period
from survey_app.services.responses import comments


@pytest.fixture
def few_comments(app, runner, is_postgres):
    if is_postgres:
        pytest.skip("the plan read here is SQLite's; PostgreSQL plans by its own statistics")
    load_reference(app, runner)
    with app.app_context():
        at = datetime(2025, 8, 1, 3, tzinfo=UTC)
        add_responses(300, scores=[4, 5], agency="ttphc-tinh", sector="dat-dai",
                      counter="ttphc-dat-dai", at=at)
        add_responses(2, scores=2, agency="ttphc-tinh", sector="dat-dai",
                      counter="ttphc-dat-dai", at=at, comments=["Chờ lâu", "Thiếu ghế"])
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        # What ANALYZE wrote on the benchmark's database (bench_dashboard.py, 1 M responses).
        db.session.execute(text("DELETE FROM sqlite_stat1 WHERE tbl IN ('responses', 'comments')"))
        db.session.execute(text("INSERT INTO sqlite_stat1 VALUES "
                                "('responses', 'ix_responses_hour_agency', '1000000 274 9'), "
                                "('responses', 'ix_responses_hour_sector', '1000000 274 18'), "
                                "('responses', NULL, '1000000')"))
        db.session.commit()
        db.engine.dispose()  # statistics are read when a connection opens
        yield
        db.session.rollback()
        db.session.execute(text("DROP TABLE IF EXISTS sqlite_stat1"))  # not for later tests
        db.session.commit()


def _plans(run) -> list[str]:
    sent: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "responses" in statement and not statement.startswith("EXPLAIN"):
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert sent, "no statement on responses was sent"
    raw = db.session.connection().connection.driver_connection
    return ["\n".join(row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + statement,
                                                   parameters))
            for statement, parameters in sent]


@pytest.mark.parametrize("count", [
    lambda period: comments.comment_stats(period, Scope.all_data()),
    lambda period: listing.case_counts(Scope.all_data(), listing.CaseFilters(period=period)),
    lambda period: service_quality._case_counts(period, Scope.all_data()),
], ids=["comment stats", "case counts", "service quality cases"])
def test_counts_reach_each_response_by_its_key(app, few_comments, count):
    with app.app_context():
        period = parse_period("2025")
        for plan in _plans(lambda: count(period)):
            assert "ix_responses_hour" not in plan, plan
            assert "SCAN responses" not in plan, plan
