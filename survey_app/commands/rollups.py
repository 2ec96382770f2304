"""flask rollups verify|rebuild [--from DAY] [--to DAY]: the rolled-up counts and the rows.

`verify` counts the rows into cells and lists every cell that differs (exit 1 on a
difference, 0 when clean, 2 on bad input); `rebuild` counts the cells afresh, month
by month with a progress bar, in one transaction (writers wait for it on PostgreSQL).
Both work on whole local months: --from and --to name days within the first and last.
"""

from __future__ import annotations

from datetime import date

import click

from survey_app.extensions import db
from survey_app.services.rollups import check, upkeep

INVALID, DIFFERENT = 2, 1
SHOWN = 50  # differences printed; the count says how many there are


@click.group("rollups", help="Check or rebuild the rolled-up counts the reports read.")
def rollups():
    pass


def _days(first: str | None, last: str | None) -> tuple[date | None, date | None]:
    try:
        days = tuple(date.fromisoformat(text) if text else None for text in (first, last))
    except ValueError:
        click.echo("error: a day is written YYYY-MM-DD, e.g. 2025-07-01", err=True)
        raise SystemExit(INVALID) from None
    if days[0] and days[1] and days[0] > days[1]:
        click.echo("error: --from must not come after --to", err=True)
        raise SystemExit(INVALID)
    return days[0], days[1]


DAY_OPTIONS = (click.option("--from", "first", metavar="YYYY-MM-DD",
                            help="From the local month holding this day."),
               click.option("--to", "last", metavar="YYYY-MM-DD",
                            help="To the local month holding this day."))


def _with_days(command):
    for option in reversed(DAY_OPTIONS):
        command = option(command)
    return command


@rollups.command("verify", help="Count the rows again and list every cell that differs.")
@_with_days
def verify(first, last):
    first_day, last_day = _days(first, last)
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        db.session.rollback()
        connection = db.session.connection(
            execution_options={"isolation_level": "REPEATABLE READ"})
    found = check.differences(connection, first_day, last_day)
    db.session.rollback()
    for difference in found[:SHOWN]:
        click.echo(difference.describe())
    if found:
        more = f" (the first {SHOWN} shown)" if len(found) > SHOWN else ""
        click.echo(f"{len(found)} difference(s){more}: run `flask rollups rebuild`", err=True)
        raise SystemExit(DIFFERENT)
    click.echo("rolled-up counts match the rows")


@rollups.command("rebuild", help="Count the cells afresh from the rows.")
@_with_days
def rebuild(first, last):
    first_day, last_day = _days(first, last)
    connection = db.session.connection()
    upkeep.lock(connection)
    whole = upkeep.span(connection)
    if whole is None:
        click.echo("no responses: nothing to count")
        return
    steps = upkeep.months(first_day or whole[0], last_day or whole[1])
    with click.progressbar(steps, label="Counting cells", show_pos=True) as bar:
        for month in bar:
            upkeep.rebuild(connection, month)
    db.session.commit()
    click.echo(f"rebuilt the cells of {len(steps)} month(s)")
