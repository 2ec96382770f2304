"""A `flask` command that cannot start: one `error: …` line and exit code 2.

The flask CLI builds the app before it runs any command, so a refused configuration
(a missing or weak SECRET_KEY …) would end as a traceback and exit code 1. Inside a
click context, `create_app` raises `Refused` instead, which click shows as one line;
a server (gunicorn) still gets the ConfigurationError itself.
"""

from __future__ import annotations

import click

INVALID = 2


class Refused(click.ClickException):
    exit_code = INVALID

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def refuse_in_cli(error: Exception) -> None:
    """Raise `Refused` with the error's message when a click command is starting."""
    if click.get_current_context(silent=True) is not None:
        raise Refused(str(error)) from None
