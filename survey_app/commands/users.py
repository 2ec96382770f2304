"""flask users ensure-admin|create|disable"""

from __future__ import annotations

import os

import click

from ..services import accounts


@click.group(help="Staff accounts.")
def users():
    pass


@users.command("ensure-admin", help="Create the first admin if none exists.")
def ensure_admin():
    user, generated = accounts.ensure_admin(os.environ.get("ADMIN_PASSWORD"))
    if user is None:
        click.echo("an admin account exists already")
    elif generated:
        # Printed once, here, and never stored in clear or logged.
        click.echo(f"created admin account 'admin' with password: {generated}")
    else:
        click.echo("created admin account 'admin' with the password from ADMIN_PASSWORD")
