"""flask import-responses --campaign ID FILE: paper questionnaires from CSV or XLSX.

An admin-level command: whoever runs it on the server can write into any
campaign (as the `flask` shell can), so it takes no staff login; `--user` records
who typed the forms. Exit 0 imported, 2 refused (a bad file with its full report
of `row N, column X: problem` lines on stderr, or the same content imported
before). Nothing is stored unless every row is valid.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from sqlalchemy import func, select

from survey_app.errors import describe
from survey_app.extensions import db
from survey_app.i18n import local_time
from survey_app.models import Campaign, StaffUser
from survey_app.services.paper import imports as paper_import
from survey_app.services.paper.files import UnreadableFile, read_table

INVALID = 2


@click.command("import-responses",
               help="Import paper questionnaires (CSV or XLSX) into a campaign, all or nothing.")
@click.option("--campaign", "campaign_id", type=int, required=True, help="Campaign id.")
@click.option("--user", "username", default=None,
              help="Username of the staff member who typed the forms (recorded).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_responses(campaign_id: int, username: str | None, path: Path):
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        _refuse(f"no campaign with id {campaign_id}")
    user_id = _user_id(username) if username else None
    try:
        table = read_table(path.name, path.read_bytes())
    except UnreadableFile as error:
        _refuse(f"{path.name}: {describe(error, 'en')}")
    try:
        with click.progressbar(length=max(1, 2 * len(table.rows)), label="rows",
                               file=sys.stderr) as bar:
            last = [0]

            def progress(done: int, _total: int) -> None:
                bar.update(done - last[0])
                last[0] = done

            batch = paper_import.import_table(campaign, path.name, table, user_id, progress)
    except paper_import.AlreadyImported as error:
        earlier = error.batch
        _refuse(f"{path.name}: this content was already imported into campaign {campaign_id} "
                f"as {earlier.filename!r} on {local_time(earlier.imported_at):%d/%m/%Y %H:%M} "
                f"({earlier.rows} rows); nothing was stored")
    except paper_import.InvalidFile as error:
        for problem in error.errors:
            click.echo(problem.text(), err=True)
        kept = len(error.errors)
        shown = f" (the first {kept} listed)" if error.count > kept else ""
        _refuse(f"{path.name}: {error.count} problem(s){shown}; nothing was stored")
    click.echo(f"imported {batch.rows} paper questionnaire(s) into campaign {campaign_id} "
               f"({campaign.name_vi}) as batch {batch.id}")


def _user_id(username: str) -> int:
    user_id = db.session.execute(
        select(StaffUser.id).where(func.lower(StaffUser.username) == username.strip().lower())
    ).scalar_one_or_none()
    if user_id is None:
        _refuse(f"no staff user {username!r}")
    return user_id


def _refuse(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(INVALID)
