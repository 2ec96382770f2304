"""The reporting queries are shaped for monthly partitions: PostgreSQL prunes them.

`responses` is not partitioned yet (docs/deployment.md, §8, says what blocks it). What
can be shown today is that the queries the reports run bound `submitted_hour` by a
plain range, which is what partition pruning needs: the test builds a partitioned
table of the same columns, one partition per local month, in a schema of its own,
puts it first on the search path, captures the SQL that the reporting service and
the CSV export send, and reads their `EXPLAIN`: only the period's months appear.
A query that bounded a function of the column (`EXTRACT(QUARTER FROM …)`) would scan
all thirteen partitions and fail here.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, text

from survey_app.extensions import db
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import figures as reporting
from survey_app.services.reporting.exports import csv_export
from survey_app.services.reporting.periods import parse_period
from survey_app.services.rollups import reading

SCHEMA = "pruning_check"
LOCAL = timedelta(hours=7)  # Asia/Ho_Chi_Minh, no daylight saving


def _month_starts_utc(year: int) -> list[datetime]:
    return [datetime(year + (m - 1) // 12, (m - 1) % 12 + 1, 1) - LOCAL for m in range(1, 14)]


@pytest.fixture
def partitioned(app_context, is_postgres):
    if not is_postgres:
        pytest.skip("partitions are PostgreSQL's; set TEST_DATABASE_URL")
    connection = db.session.connection()
    connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    connection.execute(text(
        f"CREATE TABLE {SCHEMA}.responses (LIKE public.responses INCLUDING DEFAULTS) "
        "PARTITION BY RANGE (submitted_hour)"))
    starts = _month_starts_utc(2025)
    for low, high in zip(starts, starts[1:], strict=False):
        month = (low + LOCAL).strftime("%Y_%m")
        connection.execute(text(
            f"CREATE TABLE {SCHEMA}.responses_{month} PARTITION OF {SCHEMA}.responses "
            f"FOR VALUES FROM ('{low:%Y-%m-%d %H:%M}') TO ('{high:%Y-%m-%d %H:%M}')"))
    connection.execute(text(
        f"CREATE TABLE {SCHEMA}.responses_default PARTITION OF {SCHEMA}.responses DEFAULT"))
    connection.execute(text(f"SET LOCAL search_path TO {SCHEMA}, public"))
    yield connection
    db.session.rollback()  # the schema was made in this transaction: it goes with it


def _explained(connection, run) -> set[str]:
    """The partitions named in the plans of every statement `run` sends on `responses`."""
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
    names: set[str] = set()
    raw = connection.connection.driver_connection
    for statement, parameters in sent:
        with raw.cursor() as cursor:
            # psycopg's server-side binding would plan generically; the literal values
            # (what PostgreSQL sees once a custom plan is chosen) are what prunes.
            cursor.execute("EXPLAIN " + statement, parameters)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        names |= set(re.findall(r"responses_(\d{4}_\d{2}|default)\b", plan))
    return names


def _counts_from_rows(period):
    """The figures' counts as the rows give them (the cells read no response)."""
    with reading.rows_instead():
        return reporting.grouped_counts(period.start, period.end, Scope.all_data(),
                                        reporting.NO_FILTERS)


def test_a_quarters_figures_read_only_its_three_months(partitioned):
    period = parse_period("2025-Q3")
    names = _explained(partitioned, lambda: _counts_from_rows(period))
    assert names == {"2025_07", "2025_08", "2025_09"}


def test_a_custom_range_reads_the_rows_of_its_partial_months_only(partitioned):
    # August is whole: its cells are read; of July and September only the days in range
    period = parse_period("2025-07-15..2025-09-03")
    names = _explained(partitioned, lambda: reporting.grouped_counts(
        period.start, period.end, Scope.all_data(), reporting.NO_FILTERS))
    assert names == {"2025_07", "2025_09"}


def test_a_months_export_reads_only_that_month(partitioned):
    period = parse_period("2025-11-01..2025-11-30")
    names = _explained(partitioned, lambda: list(csv_export.stream(
        period, Scope.all_data(allows_comments=False))))
    assert names == {"2025_11"}


def test_the_check_can_fail_on_a_function_of_the_column(partitioned):
    # The same table, a bound on EXTRACT(…): every partition is planned.
    plan = "\n".join(partitioned.execute(text(
        "EXPLAIN SELECT COUNT(*) FROM responses "
        "WHERE EXTRACT(QUARTER FROM submitted_hour + INTERVAL '7 hours') = 3")).scalars())
    assert len(set(re.findall(r"responses_(\d{4}_\d{2}|default)\b", plan))) == 13



def test_the_year_reads_its_twelve_local_months_and_nothing_else(partitioned):
    period = parse_period("2025")
    names = _explained(partitioned, lambda: _counts_from_rows(period))
    assert names == {f"2025_{month:02d}" for month in range(1, 13)}  # no default, no 2026
