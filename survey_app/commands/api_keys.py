"""flask api-keys create|list|revoke: keys of the one-stop systems that call the API."""

from __future__ import annotations

import click

from survey_app.errors import describe
from survey_app.i18n import local_time
from survey_app.services.access import api_keys as service

INVALID = 2


@click.group("api-keys", help="API keys of one-stop systems (shown once, stored hashed).")
def api_keys():
    pass


@api_keys.command(help="Create a key for an agency; the key is printed alone on the last line.")
@click.option("--agency", "agency_code", required=True, help="Code of the agency.")
@click.option("--name", default="", help="What uses the key, e.g. 'Hệ thống một cửa điện tử'.")
def create(agency_code, name):
    try:
        key, info = service.create(agency_code, name)
    except service.ApiKeyError as error:
        click.echo(f"error: {describe(error, 'en')}", err=True)
        raise SystemExit(INVALID) from None
    click.echo(f"created key {info.prefix}… for {info.agency_code} ({info.name})")
    click.echo("store it now: it is shown this once and cannot be recovered")
    click.echo(key)  # last line, alone, so scripts can take it with `tail -n 1`


@api_keys.command("list", help="List keys by prefix (the keys themselves are not stored).")
@click.option("--agency", "agency_code", default=None, help="Only this agency's keys.")
def list_command(agency_code):
    try:
        keys = service.list_keys(agency_code)
    except service.ApiKeyError as error:
        click.echo(f"error: {describe(error, 'en')}", err=True)
        raise SystemExit(INVALID) from None
    if not keys:
        click.echo("no keys")
    for info in keys:
        state = (
            f"revoked {local_time(info.revoked_at):%Y-%m-%d %H:%M}" if info.revoked_at
            else "active"
        )
        created = local_time(info.created_at)
        click.echo(f"{info.prefix}  {info.agency_code}  {created:%Y-%m-%d %H:%M}  {state}  "
                   f"{info.name}")


@api_keys.command(help="Revoke the key with this prefix (as shown by `list`).")
@click.argument("prefix")
def revoke(prefix):
    try:
        info = service.revoke(prefix.rstrip("…"))
    except service.ApiKeyError as error:
        click.echo(f"error: {describe(error, 'en')}", err=True)
        raise SystemExit(INVALID) from None
    click.echo(f"revoked {info.prefix} of {info.agency_code}")
