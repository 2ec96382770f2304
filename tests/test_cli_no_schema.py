"""A documented command on a database that was never migrated: one line, exit 2."""

import pytest

from support import make_app


@pytest.mark.parametrize("args", [["api-keys", "list"], ["users", "list"],
                                  ["report", "--period", "2025-Q3", "--format", "csv",
                                   "--out", "/dev/null"]])
def test_a_command_before_the_first_migration_says_what_to_do(tmp_path, args):
    app = make_app(f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 2, result.output
    assert "flask db upgrade" in result.output
    assert "Traceback" not in result.output


def test_a_command_on_a_schema_older_than_the_code_says_what_to_do(tmp_path):
    """A table the code changed since the database was migrated (a column it lacks)."""
    from sqlalchemy import text

    from survey_app.extensions import db

    app = make_app(f"sqlite:///{tmp_path / 'old-schema.sqlite3'}")
    with app.app_context():
        db.create_all()
        db.session.execute(text("ALTER TABLE response_cells DROP COLUMN tallied"))
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["rollups", "verify"])
    assert result.exit_code == 2, result.output
    assert "older than this code" in result.output
    assert "flask db upgrade" in result.output
    assert "Traceback" not in result.output
