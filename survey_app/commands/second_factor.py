"""flask users totp-reset USERNAME: remove an account's second factor (a lost phone).

Attached to the `users` group from here, so that the account commands of the staff
side and the security ones live in separate modules.
"""

from __future__ import annotations

import click

from survey_app.commands.users import users
from survey_app.errors import describe
from survey_app.services.access import totp


@users.command("totp-reset", help="Remove an account's second factor (a lost phone).")
@click.argument("username")
def totp_reset(username):
    try:
        user = totp.reset(username)
    except totp.TotpError as error:
        click.echo(f"error: {describe(error, 'en')}", err=True)
        raise SystemExit(2) from None
    # Its sessions ended too; the user logs in with the password and may enrol again.
    click.echo(f"second factor removed from {user.username}; their sessions were ended")
