"""Reports for a period and a scope: PDF and DOCX (documents), XLSX (tables), CSV (responses).

Every export goes through these functions, and each writes an AuditLog row
(who, what, when; the CLI as user None) before any byte leaves:

    pdf_report(period, scope, user_id, out)       # ReportLab, in Vietnamese (Decree 30 layout)
    docx_report(period, scope, user_id, out)      # python-docx, the same document to edit
    json_report(period, scope, user_id, out)      # the same numbers for other systems
    xlsx_report(period, scope, user_id, out)      # openpyxl, numbers as numbers
    csv_report(period, scope, user_id)            # an iterator of CSV text, streamed

The scope is a `services.scope.Scope`: a reader gets only the rows it allows, and
comment text only where it allows comments. Each takes `survey=` (a questionnaire
kind, `choice.py`): the report of that survey only; None, every survey of the scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from survey_app.services.access import audit
from survey_app.services.access.scope import Scope
from survey_app.services.reporting.exports import csv_export, data, docx, pdf, xlsx
from survey_app.services.reporting.exports import json_report as json_module
from survey_app.services.reporting.periods import Period

FORMATS = ("pdf", "docx", "xlsx", "csv", "json")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def file_name(period: Period, fmt: str) -> str:
    """A name that sorts and says what it is: bao-cao-hai-long-2025-Q3.pdf."""
    stem = "du-lieu-phieu" if fmt == "csv" else "bao-cao-hai-long"
    return f"{stem}-{period.code.replace('..', '_')}.{fmt}"


def codebook_name(period: Period) -> str:
    """The codebook beside the CSV: ma-cot-du-lieu-phieu-2025-Q3.csv."""
    return f"ma-cot-{file_name(period, 'csv')}"


def _audit(user_id: int | None, action: str | None, fmt: str, period: Period,
           scope: Scope, survey: str | None) -> None:
    detail: dict[str, Any] = {"format": fmt, "period": period.code, **scope.describe()}
    if survey:
        detail["survey"] = survey
    audit.record(user_id, action or f"export.{fmt}", **detail)


# The documents and tables drawn from one ReportData: (report, out, progress) -> None.
_DRAW = {
    "pdf": pdf.build,
    "docx": lambda report, out, _progress: docx.build(report, out),
    "xlsx": lambda report, out, _progress: xlsx.build(report, out),
    "json": lambda report, out, _progress: json_module.build(report, out),
}


def build_report(fmt: str, period: Period, scope: Scope, user_id: int | None, out,
                 progress: Callable[[str], None] | None = None,
                 action: str | None = None, survey: str | None = None) -> None:
    """Audit, gather the numbers once, and write the `fmt` file (not CSV) to `out`."""
    _audit(user_id, action, fmt, period, scope, survey)
    _DRAW[fmt](data.collect(period, scope, progress, survey), out, progress)


def build_reports(outs: dict, period: Period, scope: Scope, user_id: int | None,
                  action: str | None = None, survey: str | None = None) -> None:
    """Several formats of one scope ({fmt: out}) from one gathering of the numbers."""
    for fmt in outs:
        _audit(user_id, action, fmt, period, scope, survey)
    report = data.collect(period, scope, survey=survey)
    for fmt, out in outs.items():
        _DRAW[fmt](report, out, None)


BUILDERS = {fmt: partial(build_report, fmt) for fmt in _DRAW}
pdf_report, docx_report, xlsx_report, json_report = (BUILDERS[f] for f in _DRAW)


def csv_report(period: Period, scope: Scope, user_id: int | None,
               progress: Callable[[int], None] | None = None,
               action: str | None = None, survey: str | None = None) -> Iterator[str]:
    _audit(user_id, action, "csv", period, scope, survey)
    return csv_export.stream(period, scope, progress, survey)

