"""The reporting queries read only their period's monthly partitions on PostgreSQL.

The suite's PostgreSQL schema is partitioned as a migrated database is (tests/conftest.py
calls services/partitions.partition: one partition per local month from 2025, and a
default). The test captures the SQL that the reporting service, the rollups' rebuild
and check, and the CSV export send, and reads their `EXPLAIN` on the real tables:
only the period's months appear, of responses and of the child rows they join.
A query that bounded a function of the column (`EXTRACT(QUARTER FROM …)`) would scan
every partition and fail here.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from seeding import add_responses
from sqlalchemy import event, text

from survey_app.extensions import db
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import figures as reporting
from survey_app.services.reporting.exports import csv_export
from survey_app.services.reporting.periods import parse_period
from survey_app.services.rollups import check, reading, upkeep

PARTITION = re.compile(r"\b(responses|answers|response_factors)_(\d{4}_\d{2}|default)\b")


@pytest.fixture
def partitioned(app_context, is_postgres):
    if not is_postgres:
        pytest.skip("partitions are PostgreSQL's; set TEST_DATABASE_URL")
    connection = db.session.connection()
    assert connection.execute(text(
        "SELECT COUNT(*) FROM pg_partitioned_table "
        "WHERE partrelid IN ('responses'::regclass, 'answers'::regclass)")).scalar() == 2
    yield connection
    db.session.rollback()


def _explained(connection, run) -> set[tuple[str, str]]:
    """The partitions (table, month) named in the plans of every statement `run` sends
    on `responses`."""
    sent: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "responses" in statement and not statement.lstrip().upper().startswith("EXPLAIN"):
            sent.append((statement, parameters))

    engine = connection.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert sent, "the service sent no query on responses"
    names: set[tuple[str, str]] = set()
    raw = connection.connection.driver_connection
    for statement, parameters in sent:
        with raw.cursor() as cursor:
            # psycopg's server-side binding would plan generically; the literal values
            # (what PostgreSQL sees once a custom plan is chosen) are what prunes.
            cursor.execute("EXPLAIN " + statement, parameters)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        names |= set(PARTITION.findall(plan))
    return names


def _months(table: str, *months: str) -> set[tuple[str, str]]:
    return {(table, month) for month in months}


def _counts_from_rows(period):
    """The figures' counts as the rows give them (the cells read no response)."""
    with reading.rows_instead():
        return reporting.grouped_counts(period.start, period.end, Scope.all_data(),
                                        reporting.NO_FILTERS)


def test_a_quarters_figures_read_only_its_three_months(partitioned):
    period = parse_period("2025-Q3")
    names = _explained(partitioned, lambda: _counts_from_rows(period))
    assert names == _months("responses", "2025_07", "2025_08", "2025_09")


def test_a_custom_range_reads_the_rows_of_its_partial_months_only(partitioned):
    # August is whole: its cells are read; of July and September only the days in range
    period = parse_period("2025-07-15..2025-09-03")
    names = _explained(partitioned, lambda: reporting.grouped_counts(
        period.start, period.end, Scope.all_data(), reporting.NO_FILTERS))
    assert names == _months("responses", "2025_07", "2025_09")


def test_a_months_export_reads_only_that_month(reference_data, partitioned):
    # with a response in the month, or the export has no version and joins no answers
    add_responses(1, scores=4, agency="ttphc-tinh", sector="dat-dai",
                  at=datetime(2025, 11, 10, 3, tzinfo=UTC), answers={"q1_1": 4})
    period = parse_period("2025-11-01..2025-11-30")
    names = _explained(db.session.connection(), lambda: list(csv_export.stream(
        period, Scope.all_data(allows_comments=False))))
    assert names == _months("responses", "2025_11") | _months("answers", "2025_11")


def test_a_months_rebuild_and_check_read_only_that_month(partitioned):
    month = date(2025, 8, 1)
    names = _explained(partitioned, lambda: upkeep.rebuild(partitioned, month))
    assert names == _months("responses", "2025_08") | _months("response_factors", "2025_08")
    names = _explained(partitioned, lambda: check.differences(
        partitioned, month, date(2025, 8, 31)))
    assert names == _months("responses", "2025_08") | _months("response_factors", "2025_08")


def test_the_check_can_fail_on_a_function_of_the_column(partitioned):
    # The same table, a bound on EXTRACT(…): every partition is planned.
    every = set(partitioned.execute(text(
        "SELECT inhrelid::regclass::text FROM pg_inherits "
        "WHERE inhparent = 'responses'::regclass")).scalars())
    plan = "\n".join(partitioned.execute(text(
        "EXPLAIN SELECT COUNT(*) FROM responses "
        "WHERE EXTRACT(QUARTER FROM submitted_hour + INTERVAL '7 hours') = 3")).scalars())
    assert {f"{table}_{month}" for table, month in PARTITION.findall(plan)} == every
    assert len(every) > 13  # 2025 to three months ahead of today, and the default


def test_the_year_reads_its_twelve_local_months_and_nothing_else(partitioned):
    period = parse_period("2025")
    names = _explained(partitioned, lambda: _counts_from_rows(period))
    # no default, no 2026
    assert names == _months("responses", *(f"2025_{month:02d}" for month in range(1, 13)))
