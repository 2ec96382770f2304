"""Migrations: upgrade from empty reaches a schema equal to the models, and downgrade undoes it.

Runs on a fresh SQLite file, and on PostgreSQL when TEST_DATABASE_URL points at one
(a sibling database `<name>_migrations`, so the suite's own schema is untouched).
"""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, make_url

from support import make_app
from survey_app.extensions import db


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path, database_url):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL migrations run when TEST_DATABASE_URL points at PostgreSQL")
    migrations_url = url.set(database=f"{url.database}_migrations")
    app = make_app(migrations_url.render_as_string(hide_password=False))
    with app.app_context():
        db.drop_all()  # leftovers of an interrupted run
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()
    return migrations_url.render_as_string(hide_password=False)


def test_upgrade_matches_models_and_downgrade_empties(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            drift = compare_metadata(context, db.metadata)
        assert drift == [], f"models and migrations differ: {drift}"

        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.engine.dispose()
