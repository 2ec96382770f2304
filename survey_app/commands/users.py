"""flask users ensure-admin|create|disable|enable|set-scope|list"""

from __future__ import annotations

import os
import sys

import click

from survey_app.errors import DomainError, describe
from survey_app.services.access import accounts, users_admin
from survey_app.text_input import ControlCharacter, clean
from survey_app.vocabulary import Role


def one_line(ctx, param, value: str) -> str:
    """A name typed on the command line, normalised like every other text that comes in
    (text_input.clean): NUL refused with exit 2, other control characters removed."""
    try:
        return clean(value)
    except ControlCharacter:
        raise click.BadParameter("contains a null or broken character") from None


@click.group(help="Staff accounts.")
def users():
    pass


@users.command("ensure-admin", help="Create the first admin if none exists.")
def ensure_admin():
    try:
        user, generated = accounts.ensure_admin(os.environ.get("ADMIN_PASSWORD"))
    except accounts.AccountError as error:
        _fail(error)
    if user is None:
        click.echo("an admin account exists already")
    elif generated:
        # Printed once, here, and never stored in clear or logged.
        click.echo(f"created admin account 'admin' with password: {generated}")
    else:
        click.echo("created admin account 'admin' with the password from ADMIN_PASSWORD")


def _fail(error: DomainError):
    # Service messages are translatable (the admin pages show them too); the command
    # line speaks English like the other commands.
    click.echo(f"error: {describe(error, 'en')}", err=True)
    raise SystemExit(2)


@users.command(help="Create an account with its role and scope.")
@click.argument("username", callback=one_line)
@click.option("--role", type=click.Choice(Role.values()), required=True)
@click.option("--sector", "sectors", multiple=True, help="Sector code (repeatable).")
@click.option("--agency", "agencies", multiple=True, help="Agency code (repeatable).")
@click.option("--name", "display_name", default="", callback=one_line, help="Display name.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input.")
def create(username, role, sectors, agencies, display_name, password_stdin):
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            _fail(accounts.AccountError("no_password"))
    try:
        sector_ids, agency_ids = users_admin.ids_from_codes(sectors, agencies)
        _user, generated = users_admin.create_with_scope(
            username, role, sector_ids, agency_ids, password, display_name)
    except accounts.AccountError as error:
        _fail(error)
    if generated:
        # Shown once here; only its scrypt hash is stored.
        click.echo(f"created {role} account {username!r} with password: {generated}")
    else:
        click.echo(f"created {role} account {username!r}")


@users.command(help="Disable an account (its sessions end at once).")
@click.argument("username")
def disable(username):
    try:
        users_admin.set_active(users_admin.find_user(username), False)
    except accounts.AccountError as error:
        _fail(error)
    click.echo(f"disabled {username!r}")


@users.command(help="Re-enable a disabled account.")
@click.argument("username")
def enable(username):
    try:
        users_admin.set_active(users_admin.find_user(username), True)
    except accounts.AccountError as error:
        _fail(error)
    click.echo(f"enabled {username!r}")


@users.command("set-scope", help="Replace an account's sectors and agencies (and role).")
@click.argument("username")
@click.option("--sector", "sectors", multiple=True, help="Sector code (repeatable).")
@click.option("--agency", "agencies", multiple=True, help="Agency code (repeatable).")
@click.option("--role", type=click.Choice(Role.values()), default=None, help="Change the role too.")
def set_scope(username, sectors, agencies, role):
    try:
        user = users_admin.find_user(username)
        sector_ids, agency_ids = users_admin.ids_from_codes(sectors, agencies)
        users_admin.set_scope(user, sector_ids, agency_ids, role)
    except accounts.AccountError as error:
        _fail(error)
    click.echo(f"scope of {username!r}: {len(sectors)} sector(s), {len(agencies)} agency(ies)")


@users.command("list", help="List accounts with role, state and scope.")
def list_users():
    for row in users_admin.list_users():
        scope = ", ".join([s["code"] for s in row.sectors] + [a["code"] for a in row.agencies])
        state = "active" if row.active else "disabled"
        click.echo(f"{row.username}\t{row.role}\t{state}\t{scope or '-'}")
