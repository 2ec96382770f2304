"""Report downloads: the PDF, DOCX, XLSX and JSON of a period, its responses as CSV with
their codebook, and the package of them all (a ZIP).

Every file is built for the reader's own scope (`current_scope()`), narrowed by the
page's choice (a sector or an agency, a survey): a health analyst's report holds
health rows only. Each download writes an AuditLog row (services.reports does it
before the first byte). The CSV is streamed. A choice holding more responses than
`REPORT_ROWS_IN_REQUEST` is built by the task queue instead (`report_jobs.py`).
"""

from __future__ import annotations

import io

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.routing import Views
from survey_app.services.jobs import reports as report_jobs
from survey_app.services.reporting import exports as reports
from survey_app.services.reporting.exports import codebook
from survey_app.staff import report_choices
from survey_app.staff.common import (
    BadQuery,
    bad_request,
    current_scope,
    period_choices,
    read_period,
)


def _too_large(period, chosen) -> int | None:
    """The number of responses when the files are built by the queue, else None."""
    count = report_jobs.size(period, chosen)
    return count if count > current_app.config["REPORT_ROWS_IN_REQUEST"] else None


views = Views()


@views.get("/reports")
def reports_page():
    scope = current_scope()
    try:
        period = read_period(request.args, scope)
        narrowed = report_choices.narrowing(scope, request.args)
    except BadQuery as error:
        return bad_request(str(error))
    return render_template("staff/reports.html", period=period, period_choices=period_choices(),
                           scope=scope, narrowed=narrowed, choices=report_choices.choices(scope),
                           large=_too_large(period, narrowed), files=report_jobs.FILES)


@views.get("/reports/codebook")
def codebook_download():
    """What each column of the CSV export of the period holds (no personal data)."""
    try:
        period, chosen = report_choices.read(request.args)
    except BadQuery as error:
        return bad_request(str(error))
    body = "".join(codebook.stream(period, chosen.scope, chosen.survey)).encode("utf-8")
    return Response(body, content_type=reports.MEDIA_TYPES["csv"], headers={
        "Content-Disposition": f'attachment; filename="{reports.codebook_name(period)}"',
        "Cache-Control": "no-store"})


@views.get("/reports/<fmt>")
def report_download(fmt: str):
    if fmt not in report_jobs.FILES:
        abort(404)
    try:
        period, chosen = report_choices.read(request.args)
    except BadQuery as error:
        return bad_request(str(error))
    if _too_large(period, chosen):
        # Too long for one request: the page offers to build it on the queue.
        flash(_("This file is large: build it in the background and download it when it "
                "is ready."), "info")
        return redirect(url_for("staff.reports_page", period=period.code, **chosen.args()))
    name = report_jobs.file_name(period, fmt)
    headers = {"Content-Disposition": f'attachment; filename="{name}"',
               "Cache-Control": "no-store"}
    if fmt == "csv":
        chunks = reports.csv_report(period, chosen.scope, current_user.id,
                                    survey=chosen.survey)
        body = (chunk.encode("utf-8") for chunk in chunks)
        return Response(stream_with_context(body), content_type=reports.MEDIA_TYPES[fmt],
                        headers=headers)
    buffer = io.BytesIO()
    report_jobs.build(fmt, period, chosen, current_user.id, buffer)
    return Response(buffer.getvalue(), content_type=report_jobs.media_type(fmt),
                    headers=headers)
