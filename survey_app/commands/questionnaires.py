"""flask questionnaires validate|load PATH…"""

from __future__ import annotations

from pathlib import Path

import click

from survey_app.services.questionnaires import files as questionnaire_files
from survey_app.services.questionnaires import versions as service

INVALID = 2


@click.group(help="Check and load questionnaire files.")
def questionnaires():
    pass


def _read_or_exit(paths: tuple[str, ...]):
    """Read every file; print every problem and exit 2 if there is any."""
    files = questionnaire_files.find_files([Path(p) for p in paths])
    if not files:
        raise click.ClickException("no questionnaire files found")
    good, problems = [], []
    for path in files:
        try:
            good.append(questionnaire_files.read(path))
        except questionnaire_files.InvalidQuestionnaire as error:
            problems.extend(error.problems)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise SystemExit(INVALID)
    return files, good


@questionnaires.command(help="Check files (exit 0 when all are valid, 2 otherwise).")
@click.argument("paths", nargs=-1, required=True)
def validate(paths):
    files, _good = _read_or_exit(paths)
    click.echo(f"{len(files)} questionnaire file(s) valid")


@questionnaires.command(help="Load files as questionnaire versions (all or nothing).")
@click.argument("paths", nargs=-1, required=True)
def load(paths):
    _files, good = _read_or_exit(paths)
    try:
        outcomes = service.load(good)
    except service.QuestionnaireConflict as error:
        click.echo(str(error), err=True)
        raise SystemExit(INVALID) from None
    for qfile, outcome in outcomes:
        click.echo(f"{qfile.code} v{qfile.version}: {outcome}")
