"""A `flask` command that cannot start or is refused: one `error: …` line and exit 2.

The flask CLI builds the app before it runs any command, so a refused configuration
(a missing or weak SECRET_KEY …) would end as a traceback and exit code 1. Inside a
click context, `create_app` raises `Refused` instead, which click shows as one line;
a server (gunicorn) still gets the ConfigurationError itself.

Every command is wrapped (`refuse_missing_schema`) so that a database that was never
migrated (or not since the code changed a table), and any `DomainError` a service
raises that the command does not handle itself, end the same way: the error's English
sentence (`errors.describe`), exit 2.
"""

from __future__ import annotations

import functools

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

from survey_app.errors import DomainError, describe

INVALID = 2
NO_SCHEMA = ("the database has no tables yet: run `flask db upgrade` first "
             "(`make run` does it)")
OLD_SCHEMA = ("the database's schema is older than this code: run `flask db upgrade` "
              "first")


class Refused(click.ClickException):
    exit_code = INVALID

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def refuse_in_cli(error: Exception) -> None:
    """Raise `Refused` with the error's message when a click command is starting."""
    if click.get_current_context(silent=True) is not None:
        raise Refused(str(error)) from None


def refuse_missing_schema(command: click.Command) -> None:
    """Make `command` (and a group's subcommands) answer a database that was never
    migrated, or a service's DomainError, with one line and exit 2, not a traceback."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            refuse_missing_schema(sub)
    callback = command.callback
    if callback is None or getattr(callback, "refuses_missing_schema", False):
        return  # commands are module-level objects: wrapped once, whatever the app

    @functools.wraps(callback)
    def checked(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except (OperationalError, ProgrammingError) as error:
            if _missing_table(error):
                raise Refused(NO_SCHEMA) from None
            if _missing_column(error):
                raise Refused(OLD_SCHEMA) from None
            raise
        except DomainError as error:
            raise Refused(describe(error, "en")) from None

    setattr(checked, "refuses_missing_schema", True)  # noqa: B010 - a mark on a wrapper
    command.callback = checked


def _missing_table(error) -> bool:
    # SQLite says so in words; PostgreSQL gives SQLSTATE 42P01 (undefined_table).
    return ("no such table" in str(error.orig)
            or getattr(error.orig, "sqlstate", None) == "42P01")


def _missing_column(error) -> bool:
    # A table the code has changed since the database was migrated: SQLSTATE 42703.
    return ("no such column" in str(error.orig)
            or getattr(error.orig, "sqlstate", None) == "42703")
