"""Shared fixtures: a real database (SQLite file, or PostgreSQL via TEST_DATABASE_URL).

The schema is created once per run and emptied after each test. Helpers that
tests import live in support.py.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

# The project root before tests/ on sys.path: `import analysis` must find the package,
# not tests/analysis/ (a folder without __init__.py passes for a namespace package).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402
from sqlalchemy import create_engine, make_url, text  # noqa: E402

from support import PROJECT, StaffActions, cell_differences, make_app  # noqa: E402
from survey_app.database import configure_engine  # noqa: E402
from survey_app.extensions import db  # noqa: E402
from survey_app.models import append_only  # noqa: E402
from survey_app.services import partitions  # noqa: E402

# The suite's partitions (PostgreSQL) start here: the tests' rows are mostly of 2025.
FIRST_PARTITION = date(2025, 1, 1)

# Hypothesis draws the same examples on every run by default ("ci"), so a test run
# never fails at random; a failure it ever found stays in its test as an @example.
# FUZZ_EXPLORE=1 (or HYPOTHESIS_PROFILE=explore) draws new ones and keeps what fails
# in .hypothesis/ to replay; FUZZ_EXAMPLES sets how many the fuzzers draw.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("explore" if os.environ.get("FUZZ_EXPLORE") == "1"
                      else os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_sessionstart(session) -> None:
    """Stop at once, with the fix, when the Vietnamese catalogue is not compiled (or is
    older than its .po): otherwise every Vietnamese assertion fails for no clear reason."""
    po = PROJECT / "survey_app" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        pytest.exit(f"{mo.relative_to(PROJECT)} is missing or older than its .po: "
                    "run `make translations` first", returncode=2)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def _schema(database_url):
    app = make_app(database_url)
    with app.app_context():
        with db.engine.begin() as connection:  # partitioned tables first: drop_all misses them
            if connection.dialect.name == "postgresql":
                for table in partitions.TABLES:
                    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
        db.drop_all()
        db.create_all()
        # Every PostgreSQL test runs on the monthly partitions, as a migrated database has.
        with db.engine.begin() as connection:
            partitions.partition(connection, since=FIRST_PARTITION)
        db.engine.dispose()
    return database_url


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so that a fixture's teardown can tell
    whether the test itself failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def cells_engine(_schema):
    """One engine for every test's cell check: SQLAlchemy caches the compiled check
    (two SELECTs of ~190 columns) per engine, and each test's app has its own."""
    engine = create_engine(_schema)
    configure_engine(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def app(request, _schema, cells_engine):
    app = make_app(_schema)
    yield app
    with app.app_context():
        db.session.remove()
        try:
            found = _cells_left_differing(request.node, cells_engine)
        finally:
            _empty_all_tables()
            db.engine.dispose()
    if found:
        shown = "\n".join(f"  {difference.describe()}" for difference in found[:CELLS_SHOWN])
        more = f" (the first {CELLS_SHOWN} shown)" if len(found) > CELLS_SHOWN else ""
        pytest.fail(f"the rolled-up cells differ from the rows this test left: "
                    f"{len(found)} difference(s){more}\n{shown}\n"
                    "A writer forgot the cells' upkeep, or the test wrote rows behind the "
                    "writers' back (tests/seeding.py). A test meant to leave them differing "
                    "says so with @pytest.mark.cells_differ(reason=...).", pytrace=False)


CELLS_SHOWN = 20


def _cells_left_differing(node, engine) -> list:
    """Issue 19's "verify reports no difference after the test suite's own data": what
    `flask rollups verify` would report on what the test left (not looked at when the
    test failed, nor when it opted out)."""
    opted_out = node.get_closest_marker("cells_differ")
    if opted_out is not None:
        assert opted_out.kwargs.get("reason"), "cells_differ(reason=...) says why"
        return []
    call = getattr(node, "report_call", None)
    if call is not None and call.failed:
        return []  # the test's own failure says more than the cells it left
    return cell_differences(engine)


def _empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            # The audit log's triggers refuse DELETE: lifted while the test data is emptied.
            append_only.remove(connection)
            for table in tables:
                connection.execute(table.delete())
            append_only.install(connection)


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def reference_data(app_context, runner):
    """The province's real reference data and questionnaires, loaded as `make run` does."""
    result = runner.invoke(args=["reference", "load", str(PROJECT / "reference")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["questionnaires", "load", str(PROJECT / "questionnaires")])
    assert result.exit_code == 0, result.output
    return app_context


@pytest.fixture
def reference_only(app_context):
    """Only the real reference data (agencies, counters, sectors): a quarter of the time of
    `reference_data`, for tests that need no questionnaire."""
    from survey_app.services.reference import files as loader

    loader.load(loader.find_files([PROJECT / "reference"]))
    return app_context


@pytest.fixture
def survey_data(app, runner):
    """The real reference data and questionnaires, with no app context left open, so that
    each request gets its own context as in production (a held context is reused by the
    test client, and the language chosen by one request would stick to the next)."""
    with app.app_context():
        for kind, folder in (("reference", "reference"), ("questionnaires", "questionnaires")):
            result = runner.invoke(args=[kind, "load", str(PROJECT / folder)])
            assert result.exit_code == 0, result.output
    return app


@pytest.fixture
def other_app(_schema):
    """Build more apps on the test database with other settings (e.g. rate limits on);
    their connections are closed after the test (PostgreSQL warns about open ones)."""
    built = []

    def build(**overrides):
        built.append(make_app(_schema, **overrides))
        return built[-1]

    yield build
    for extra in built:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def is_postgres(database_url) -> bool:
    return make_url(database_url).get_backend_name() == "postgresql"


@pytest.fixture
def staff(app, client):
    return StaffActions(app, client)


@pytest.fixture
def extra_app(_schema):
    """Build more app objects on the test database (`extra_app(**config)`).

    Requests of another app object get their own app context (and CSRF token),
    not the one a fixture such as `reference_data` holds; their engines are
    closed after the test (an open PostgreSQL connection left to the garbage
    collector is a ResourceWarning, an error under `filterwarnings = error`).
    """
    made = []

    def build(**overrides):
        made.append(make_app(_schema, **overrides))
        return made[-1]

    yield build
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
