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
