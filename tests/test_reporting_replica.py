"""Reports read a streaming replica when REPORTING_DATABASE_URL names one.

CI starts a real replica of the test cluster (.ci/start-replica, TEST_REPLICA_URL).
The test pauses the replica's replay, adds responses on the primary, and shows that
the report still counts the old ones: its figures came from the replica. Writes of
the same request (the export's audit row) reach the primary.
"""

from __future__ import annotations

import csv
import io
import os
import time
from datetime import UTC, datetime

import pytest
from seeding import add_responses, load_reference
from sqlalchemy import create_engine, func, select, text

from support import StaffActions, make_app, missing_part
from survey_app.extensions import db
from survey_app.models import AuditLog, Response

REPLICA_URL = os.environ.get("TEST_REPLICA_URL", "")
AT = datetime(2025, 8, 1, 3, tzinfo=UTC)


@pytest.fixture
def replica(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("a streaming replica is a PostgreSQL feature (TEST_DATABASE_URL)")
    if not REPLICA_URL:
        missing_part("a streaming replica: TEST_REPLICA_URL (.ci/start-replica)")
    engine = create_engine(REPLICA_URL, isolation_level="AUTOCOMMIT")
    yield engine
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_wal_replay_resume()"))
    engine.dispose()


def caught_up(primary_url: str, replica, timeout: float = 30) -> None:
    primary = create_engine(primary_url)
    with primary.connect() as connection:
        lsn = connection.execute(text("SELECT pg_current_wal_lsn()")).scalar()
    primary.dispose()
    deadline = time.monotonic() + timeout
    with replica.connect() as connection:
        while time.monotonic() < deadline:
            replayed = connection.execute(
                text("SELECT pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn)"), {"lsn": lsn}
            ).scalar()
            if replayed:
                return
            time.sleep(0.1)
    raise AssertionError("the replica did not catch up within 30 s")


def csv_rows(client) -> int:
    body = client.get("/staff/reports/csv?period=2025-Q3").get_data(as_text=True)
    return len(list(csv.reader(io.StringIO(body)))) - 1  # less the header


def test_reports_are_read_from_the_replica(app, runner, staff, database_url, replica):
    load_reference(app, runner)
    with app.app_context():
        add_responses(12, scores=5, agency="p-thanh-duc", sector="ho-tich", at=AT)
    staff.create("admin", "admin")
    reporting = make_app(database_url, SQLALCHEMY_BINDS={"reporting": REPLICA_URL})
    client = reporting.test_client()
    StaffActions(reporting, client).login("admin")
    caught_up(database_url, replica)
    assert csv_rows(client) == 12

    with replica.connect() as connection:
        connection.execute(text("SELECT pg_wal_replay_pause()"))
    with app.app_context():
        add_responses(5, scores=2, agency="p-thanh-duc", sector="ho-tich", at=AT)
        assert db.session.execute(select(func.count()).select_from(Response)).scalar() == 17
        audits_before = db.session.execute(select(func.count()).select_from(AuditLog)).scalar()
    assert csv_rows(client) == 12  # the replica's copy, still without the new five
    with app.app_context():  # the export's audit row was written to the primary
        audits_after = db.session.execute(select(func.count()).select_from(AuditLog)).scalar()
    assert audits_after == audits_before + 1

    with replica.connect() as connection:
        connection.execute(text("SELECT pg_wal_replay_resume()"))
    caught_up(database_url, replica)
    assert csv_rows(client) == 17
    with reporting.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def test_without_a_replica_reports_read_the_primary(app, runner, staff, client):
    load_reference(app, runner)
    with app.app_context():
        add_responses(3, scores=4, agency="p-thanh-duc", sector="ho-tich", at=AT)
    staff.create("admin", "admin")
    staff.login("admin")
    assert csv_rows(client) == 3
