"""Monthly partitions (services/partitions.py, `flask partitions`): created ahead,
idempotent, never silently over rows of the default partition; nothing on SQLite.

On PostgreSQL the suite's schema is partitioned from 2025 to three months ahead
(tests/conftest.py); a month further out has no partition, so its rows go to the
default partition."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from seeding import add_responses
from sqlalchemy import select, text

from survey_app.extensions import db
from survey_app.models import Answer, Response
from survey_app.services import partitions
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import figures as reporting
from survey_app.services.reporting.periods import parse_period
from survey_app.services.rollups import check, reading

FAR = datetime(2031, 5, 10, 3, tzinfo=UTC)  # no partition of May 2031 exists


def _responses_counted(period) -> int:
    counts = reporting.grouped_counts(period.start, period.end, Scope.all_data(),
                                      reporting.NO_FILTERS)
    return sum(row[0] for row in counts)


def _partition_count(connection) -> int:
    return len(partitions._partitions(connection))


def test_months_are_local_and_their_bounds_in_utc():
    assert partitions.month_start(datetime(2025, 8, 1).date()) == datetime(2025, 7, 31, 17)
    assert partitions.local_month(datetime(2025, 7, 31, 16)) == datetime(2025, 7, 1).date()
    assert partitions.local_month(datetime(2025, 7, 31, 17)) == datetime(2025, 8, 1).date()
    assert partitions.include_name("responses_2025_08", "table", {}) is False
    assert partitions.include_name("responses_default", "table", {}) is False
    assert partitions.include_name("responses", "table", {}) is True
    assert partitions.include_name("response_cells", "table", {}) is True


def test_ensure_creates_the_coming_months_once(app_context, is_postgres):
    connection = db.session.connection()
    if not is_postgres:
        assert partitions.ensure(connection, 5) == []
        assert partitions.partition(connection) == partitions.SQLITE
        return
    before = _partition_count(connection)
    created = partitions.ensure(connection, 5)  # the suite's schema goes 3 months ahead
    assert len(created) == 2 * len(partitions.TABLES)
    assert {name.rsplit("_", 2)[0] for name in created} == set(partitions.TABLES)
    assert partitions.ensure(connection, 5) == []
    assert _partition_count(connection) == before + len(created)
    assert partitions.partition(connection) == "already partitioned"
    db.session.rollback()  # the partitions were made in this transaction: they go with it


def test_a_row_of_a_month_without_partition_is_kept_and_counted(reference_data, is_postgres):
    [response] = add_responses(1, scores=5, agency="ttphc-tinh", sector="dat-dai",
                               at=FAR, answers={"q1_1": 4})
    assert db.session.execute(select(Answer.submitted_hour)).scalar_one() == FAR.replace(minute=0)
    period = parse_period("2031-05-01..2031-05-31")
    with reading.rows_instead():
        from_rows = _responses_counted(period)
    assert from_rows == _responses_counted(period) == 1  # from the rows and from the cells
    assert check.differences(db.session.connection()) == []
    if is_postgres:
        places = set(db.session.execute(text(
            "SELECT tableoid::regclass::text FROM responses UNION ALL "
            "SELECT tableoid::regclass::text FROM answers")).scalars())
        assert places == {"responses_default", "answers_default"}
    assert response.id


def test_ensure_refuses_a_month_whose_rows_are_in_the_default(reference_data, runner,
                                                             is_postgres):
    add_responses(1, scores=5, agency="ttphc-tinh", sector="dat-dai", at=FAR)
    if not is_postgres:
        result = runner.invoke(args=["partitions", "ensure", "--months", "60"])
        assert (result.exit_code, result.output.strip()) == (0, partitions.SQLITE)
        return
    connection = db.session.connection()
    before = _partition_count(connection)
    with pytest.raises(partitions.PartitionRefused, match="2031-05.*responses_default"):
        partitions.ensure(connection, 60)
    assert _partition_count(connection) == before  # refused before creating any
    db.session.rollback()
    result = runner.invoke(args=["partitions", "ensure", "--months", "60"])
    assert result.exit_code == 2
    assert "1 row(s) of 2031-05 are in responses_default" in result.output
    assert _partition_count(db.session.connection()) == before
    assert db.session.execute(select(Response.id)).scalars().all() != []


def test_the_commands_list_and_ensure(reference_data, runner, is_postgres):
    add_responses(2, scores=4, agency="ttphc-tinh", sector="dat-dai")  # 1 August 2025
    listed = runner.invoke(args=["partitions", "list"])
    ensured = runner.invoke(args=["partitions", "ensure", "--months", "3"])
    assert (listed.exit_code, ensured.exit_code) == (0, 0)
    if not is_postgres:
        assert listed.output.strip() == ensured.output.strip() == partitions.SQLITE
        return
    lines = listed.output.splitlines()
    assert any(line.startswith("responses_2025_08\tFOR VALUES FROM ('2025-07-31 17:00:00') "
                               "TO ('2025-08-31 17:00:00')\t2 row(s)") for line in lines)
    assert any(line.startswith("responses_default\tDEFAULT\t0 row(s)") for line in lines)
    assert ensured.output.strip() == "nothing to create"  # the schema is 3 months ahead


def test_the_worker_creates_the_coming_months_every_night(app_context):
    from survey_app.services.jobs import periodic

    task = periodic.daily_partitions.task_class()
    due = [minute for minute in range(24 * 60)
           if task.validate_datetime(datetime(2026, 12, 1, minute // 60, minute % 60))]
    assert due == [19 * 60 + 45]  # 02:45 in Vĩnh Long
    periodic.daily_partitions.call_local()  # nothing to create, on either database
