"""flask partitions ensure [--months N] | list: the monthly partitions on PostgreSQL.

`ensure` creates the partitions of this month and the N next (3 by default) of
responses, answers and response_factors; run it again and it creates nothing. It
refuses (exit 2) a month whose rows already sit in a default partition. The worker
runs it every day (services/jobs/periodic.py). `list` prints each partition with its
bounds and rows. On SQLite both say there is nothing to do.
"""

from __future__ import annotations

import click

from survey_app.extensions import db
from survey_app.services import partitions as service

REFUSED = 2


@click.group("partitions", help="Keep the monthly partitions of responses (PostgreSQL).")
def partitions():
    pass


@partitions.command("ensure", help="Create the partitions of the coming months.")
@click.option("--months", default=service.MONTHS_AHEAD, show_default=True,
              type=click.IntRange(0, 120), help="Months ahead of this one.")
def ensure(months: int):
    connection = db.session.connection()
    if not service.is_postgres(connection):
        click.echo(service.SQLITE)
        return
    try:
        created = service.ensure(connection, months)
    except service.PartitionRefused as refused:
        db.session.rollback()
        click.echo(f"error: {refused}", err=True)
        raise SystemExit(REFUSED) from None
    db.session.commit()
    click.echo(f"created: {', '.join(created)}" if created else "nothing to create")


@partitions.command("list", help="Each partition with its bounds and rows.")
def list_partitions():
    connection = db.session.connection()
    if not service.is_postgres(connection):
        click.echo(service.SQLITE)
        return
    for partition in service.listing(connection):
        click.echo(f"{partition.name}\t{partition.bounds}\t{partition.rows} row(s)")
    db.session.rollback()
