"""flask reference load PATH…; flask reference volumes FILE"""

from __future__ import annotations

from pathlib import Path

import click

from survey_app.errors import describe
from survey_app.services.paper.files import UnreadableFile
from survey_app.services.reference import files as reference_data
from survey_app.services.reference import volumes as transaction_volumes


@click.group(help="Reference data: agencies, counters, sectors, procedures, targets.")
def reference():
    pass


@reference.command(help="Check and load reference files or folders (idempotent, all or nothing).")
@click.argument("paths", nargs=-1, required=True)
def load(paths):
    files = reference_data.find_files([Path(p) for p in paths])
    if not files:
        raise click.ClickException("no reference files found")
    try:
        counts = reference_data.load(files)
    except reference_data.InvalidReferenceData as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        raise SystemExit(2) from None
    click.echo(", ".join(f"{count} {kind}" for kind, count in counts.items() if count))


@reference.command(help="Load transaction counts per agency, sector and period (CSV or XLSX: "
                        "agency, sector, first_day, last_day, transactions, optional late) "
                        "for the volume alerts and the 766 figures. All or nothing; a "
                        "period loaded again replaces its count.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def volumes(file: Path):
    try:
        rows = transaction_volumes.read(file.name, file.read_bytes())
    except UnreadableFile as error:
        click.echo(f"{file.name}: {describe(error, 'en')}", err=True)
        raise SystemExit(2) from None
    except transaction_volumes.InvalidVolumes as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        raise SystemExit(2) from None
    added, replaced = transaction_volumes.load(rows)
    click.echo(f"{added} period(s) added, {replaced} replaced")
