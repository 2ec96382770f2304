"""Reports for a period and a scope: PDF and DOCX (documents), XLSX (tables), CSV (responses).

Every export goes through these functions, and each writes an AuditLog row
(who, what, when; the CLI as user None) before any byte leaves:

    pdf_report(period, scope, user_id, out)       # ReportLab, in Vietnamese (Decree 30 layout)
    docx_report(period, scope, user_id, out)      # python-docx, the same document to edit
    xlsx_report(period, scope, user_id, out)      # openpyxl, numbers as numbers
    csv_report(period, scope, user_id)            # an iterator of CSV text, streamed

The scope is a `services.scope.Scope`: a reader gets only the rows it allows, and
comment text only where it allows comments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from survey_app.services.access import audit
from survey_app.services.access.scope import Scope
from survey_app.services.reporting.exports import csv_export, data, docx, pdf, xlsx
from survey_app.services.reporting.periods import Period

FORMATS = ("pdf", "docx", "xlsx", "csv")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def file_name(period: Period, fmt: str) -> str:
    """A name that sorts and says what it is: bao-cao-hai-long-2025-Q3.pdf."""
    stem = "du-lieu-phieu" if fmt == "csv" else "bao-cao-hai-long"
    return f"{stem}-{period.code.replace('..', '_')}.{fmt}"


def _audit(user_id: int | None, action: str | None, fmt: str, period: Period,
           scope: Scope) -> None:
    audit.record(user_id, action or f"export.{fmt}", format=fmt, period=period.code,
                 **scope.describe())


def pdf_report(period: Period, scope: Scope, user_id: int | None, out,
               progress: Callable[[str], None] | None = None, action: str | None = None) -> None:
    _audit(user_id, action, "pdf", period, scope)
    pdf.build(data.collect(period, scope, progress), out, progress)


def docx_report(period: Period, scope: Scope, user_id: int | None, out,
                progress: Callable[[str], None] | None = None, action: str | None = None) -> None:
    _audit(user_id, action, "docx", period, scope)
    docx.build(data.collect(period, scope, progress), out)


def xlsx_report(period: Period, scope: Scope, user_id: int | None, out,
                progress: Callable[[str], None] | None = None, action: str | None = None) -> None:
    _audit(user_id, action, "xlsx", period, scope)
    xlsx.build(data.collect(period, scope, progress), out)


def csv_report(period: Period, scope: Scope, user_id: int | None,
               progress: Callable[[int], None] | None = None,
               action: str | None = None) -> Iterator[str]:
    _audit(user_id, action, "csv", period, scope)
    return csv_export.stream(period, scope, progress)


BUILDERS = {"pdf": pdf_report, "docx": docx_report, "xlsx": xlsx_report}
