"""flask demo seed|accounts: synthetic data and logins for a demo database.

Both refuse a database whose URL does not contain "demo" unless --force is
given: synthetic responses in the real database would corrupt its reports, and
`accounts` resets passwords.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import date

import click
from flask import current_app
from sqlalchemy import func, select

from survey_app.demo import generate as demo_data
from survey_app.extensions import db
from survey_app.models import Agency, Sector, StaffScope, StaffUser
from survey_app.services.access import accounts

INVALID = 2
# (username, role, display name, scope: ("sector"|"agency", code) or None)
DEMO_ACCOUNTS = (
    ("demo-admin", "admin", "Sở Nội vụ (demo)", None),
    ("demo-health", "analyst", "Sở Y tế – chuyên viên phân tích (demo)", ("sector", "y-te")),
    ("demo-land", "agency", "Văn phòng Đăng ký đất đai (demo)", ("agency", "vpdk-dat-dai")),
)


@click.group(help="Demo data: synthetic responses and demo logins (demo databases only).")
def demo():
    pass


def _refuse_real_database(force: bool) -> None:
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if not force and "demo" not in url.rsplit("/", 1)[-1]:
        click.echo(
            "refusing: the database name does not contain 'demo' (set DATABASE_URL to a demo "
            "database, e.g. sqlite:///instance/demo.sqlite3, or pass --force)", err=True,
        )
        raise SystemExit(INVALID)


@demo.command(help="Add N synthetic responses (deterministic for a seed).")
@click.option("--responses", "n_responses", type=click.IntRange(min=1), default=30_000,
              show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--year", "years", type=click.IntRange(2000, 2100), multiple=True,
              help="Calendar year to fill (repeat for several; default: last year).")
@click.option("--no-campaigns", is_flag=True, help="Only one-stop responses, no health/education.")
@click.option("--force", is_flag=True, help="Allow a database whose name lacks 'demo'.")
def seed(n_responses, seed, years, no_campaigns, force):
    _refuse_real_database(force)
    start = date(min(years), 1, 1) if years else None
    end = date(max(years) + 1, 1, 1) if years else None
    with click.progressbar(length=n_responses, label="responses", file=sys.stderr) as bar:
        last = [0]

        def progress(done: int, total: int) -> None:
            bar.update(done - last[0])
            last[0] = done

        try:
            summary = demo_data.generate(n_responses, seed, start, end,
                                         campaigns=not no_campaigns, progress=progress)
        except demo_data.DemoDataError as error:
            click.echo(f"error: {error}", err=True)
            raise SystemExit(INVALID) from None
    rate = summary.responses / summary.seconds if summary.seconds else 0
    click.echo(
        f"{summary.responses} responses, {summary.answers} answers, {summary.comments} comments "
        f"from {summary.start} to {summary.end} ({summary.campaigns} campaigns) in "
        f"{summary.seconds:.1f} s ({rate:,.0f} responses/s)"
    )


@demo.command("accounts", help="Create (or reset) the demo logins and print their password.")
@click.option("--force", is_flag=True, help="Allow a database whose name lacks 'demo'.")
def demo_accounts(force):
    _refuse_real_database(force)
    password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
    try:
        accounts.check_password_strength(password)
    except accounts.AccountError as error:
        click.echo(f"error: DEMO_PASSWORD: {error}", err=True)
        raise SystemExit(INVALID) from None
    for username, role, name, scope in DEMO_ACCOUNTS:
        user = db.session.execute(
            select(StaffUser).where(func.lower(StaffUser.username) == username)
        ).scalar_one_or_none()
        if user is None:
            user = accounts.create_user(username, password, role, name)
        user.set_password(password)
        user.active, user.failed_logins, user.locked_until = True, 0, None
        user.scopes.clear()
        if scope:
            user.scopes.append(_scope(*scope))
        db.session.commit()
        where = f" ({scope[0]} {scope[1]})" if scope else ""
        click.echo(f"  {username:<12} {role:<8}{where}")
    # Printed once, here; never stored in clear or logged.
    click.echo(f"password of the demo logins: {password}")


def _scope(kind: str, code: str) -> StaffScope:
    model: type[Sector] | type[Agency] = Sector if kind == "sector" else Agency
    row_id = db.session.execute(select(model.id).where(model.code == code)).scalar_one_or_none()
    if row_id is None:
        click.echo(f"error: unknown {kind} {code!r}: load the reference data first", err=True)
        raise SystemExit(INVALID)
    return StaffScope(sector_id=row_id) if kind == "sector" else StaffScope(agency_id=row_id)
