"""flask report --period 2025-Q3 --format pdf|docx|xlsx|csv|json|codebook --out FILE
[--sector CODE]… [--agency CODE]… [--survey KIND], or flask report --period 2025-Q3
--package DIR [--survey KIND] (every file, `package.py`).

`--format codebook` writes what each column of the CSV export holds (question text, answer
codes), as the Reports page's codebook link does; the package has it beside each CSV.

Exit code 2, with one clear line, for a bad period, an unknown sector or agency, or a
path that cannot be written. The file is written beside its destination and moved
into place when complete, so a failed build never leaves half a report. The progress
bar goes to stderr (animated on a terminal; elsewhere, as under cron, its label once).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from survey_app.database import reads_replica
from survey_app.services.access.scope import Scope, ScopeError
from survey_app.services.printing import pdf_fonts
from survey_app.services.reporting import exports as reports
from survey_app.services.reporting.exports import codebook, csv_export, data, package
from survey_app.services.reporting.periods import PeriodError, last_closed_quarter, parse_period
from survey_app.vocabulary import QuestionnaireKind

INVALID = 2
CODEBOOK = "codebook"
LAST_QUARTER = "last-quarter"  # the quarter closed most recently, in local time
# Progress steps of a document build: the data steps, then (PDF) its body and layout.
PDF_STEPS = 2


def _fail(message: str):
    click.echo(f"error: {message}", err=True)
    raise SystemExit(INVALID)


@click.command(help="Write the report of a period (PDF, DOCX, XLSX, JSON) or its responses "
                    "(CSV); with --package, every file for the province and each department.")
@click.option("--period", required=True,
              help="2025-Q3, 2025-H1, 2025, 2025-01-01..2025-03-31, or last-quarter (for cron)")
@click.option("--format", "fmt", type=click.Choice([*reports.FORMATS, CODEBOOK]),
              help="codebook: the CSV export's columns, their questions and answer codes.")
@click.option("--out", type=click.Path(dir_okay=False), help="File to write.")
@click.option("--package", "package_dir", type=click.Path(file_okay=False),
              help="Folder in which to write the period's package (and its manifest).")
@click.option("--sector", "sectors", multiple=True, help="Narrow to a sector code (repeatable).")
@click.option("--agency", "agencies", multiple=True,
              help="Narrow to an agency code and its sub-units (repeatable).")
@click.option("--survey", type=click.Choice(QuestionnaireKind.values()),
              help="Only this survey (questionnaire kind); every survey if left out.")
@reads_replica
def report(period, fmt, out, package_dir, sectors, agencies, survey):
    chosen = _period(period)
    if package_dir:
        if fmt or out or sectors or agencies:
            _fail("--package writes every format for every scope: leave out --format, --out, "
                  "--sector and --agency")
        _check_fonts()
        _package(chosen, Path(package_dir), survey)
        return
    if not fmt or not out:
        _fail("give --format and --out (or --package DIR)")
    if fmt == "pdf":
        _check_fonts()
    try:
        scope = Scope.from_codes(sectors, agencies)
    except ScopeError as error:
        _fail(str(error))
    _write_into_place(out, lambda stream: _write(fmt, chosen, scope, stream, survey))
    click.echo(f"wrote {out} ({Path(out).stat().st_size:,} bytes)")


def _period(text: str):
    try:
        return last_closed_quarter() if text == LAST_QUARTER else parse_period(text)
    except PeriodError as error:
        _fail(str(error))


def _write_into_place(out: str, write) -> None:
    """Build beside the destination, then move into place: a failure leaves no half file."""
    target = Path(out)
    folder = target.resolve().parent
    if not folder.is_dir() or not os.access(folder, os.W_OK) or (
            target.exists() and not os.access(target, os.W_OK)):
        _fail(f"cannot write {out}: the folder does not exist or is not writable")
    handle, temporary = tempfile.mkstemp(prefix=".report-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _check_fonts() -> None:
    """Before anything is written or audited: the PDF's serif must be installed."""
    try:
        pdf_fonts.register_serif()
    except pdf_fonts.FontMissing as error:
        _fail(str(error))


def _package(period, folder: Path, survey: str | None) -> None:
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        _fail(f"cannot write in {folder}: the folder does not exist or is not writable")
    parts = package.scopes()
    with click.progressbar(length=len(parts) * len(package.FILES), label="package",
                           file=sys.stderr, item_show_func=lambda name: name) as bar:
        def advance(name: str) -> None:
            bar.update(1, name)

        written = package.write(period, folder, advance, survey=survey)
    click.echo(f"wrote {written} ({len(parts) * len(package.FILES)} files, manifest.json, "
               "SHA256SUMS)")


def _write(fmt: str, period, scope: Scope, stream, survey: str | None) -> None:
    if fmt == CODEBOOK:
        for text in codebook.stream(period, scope, survey):
            stream.write(text.encode("utf-8"))
        return
    if fmt == "csv":
        total = csv_export.count(period, scope, survey)
        with click.progressbar(length=total, label="responses", file=sys.stderr) as bar:
            done = [0]

            def advance(rows: int) -> None:
                bar.update(rows - done[0])
                done[0] = rows

            for text in reports.csv_report(period, scope, None, advance, action="export.cli",
                                           survey=survey):
                stream.write(text.encode("utf-8"))
        return
    steps = len(data.STEPS) + (PDF_STEPS if fmt == "pdf" else 0)
    with click.progressbar(length=steps, label=f"{fmt} report", file=sys.stderr) as bar:
        reports.BUILDERS[fmt](period, scope, None, stream, progress=lambda _step: bar.update(1),
                              action="export.cli", survey=survey)
