"""flask reference load PATH…"""

from __future__ import annotations

from pathlib import Path

import click

from ..services import reference_data


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
