"""Report downloads: the PDF, DOCX and XLSX of a period, and its responses as CSV.

Every file is built for the reader's own scope (`current_scope()`): a health
analyst's report holds health rows only. Each download writes an AuditLog row
(services.reports does it before the first byte). The CSV is streamed.
"""

from __future__ import annotations

import io

from flask import Response, abort, render_template, request, stream_with_context
from flask_login import current_user

from survey_app.routing import Views
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
                           scope=scope, narrowed=narrowed, choices=report_choices.choices(scope))


@views.get("/reports/codebook")
def codebook_download():
    """What each column of the CSV export of the period holds (no personal data)."""
    try:
        period = read_period(request.args)
        scope = report_choices.narrowing(current_scope(), request.args).scope
    except BadQuery as error:
        return bad_request(str(error))
    name = reports.file_name(period, "csv").replace("du-lieu-phieu", "ma-cot-du-lieu-phieu")
    body = "".join(codebook.stream(period, scope)).encode("utf-8")
    return Response(body, content_type=reports.MEDIA_TYPES["csv"], headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@views.get("/reports/<fmt>")
def report_download(fmt: str):
    if fmt not in reports.FORMATS:
        abort(404)
    try:
        period = read_period(request.args)
        scope = report_choices.narrowing(current_scope(), request.args).scope
    except BadQuery as error:
        return bad_request(str(error))
    headers = {"Content-Disposition": f'attachment; filename="{reports.file_name(period, fmt)}"',
               "Cache-Control": "no-store"}
    if fmt == "csv":
        chunks = reports.csv_report(period, scope, current_user.id)
        body = (chunk.encode("utf-8") for chunk in chunks)
        return Response(stream_with_context(body), content_type=reports.MEDIA_TYPES[fmt],
                        headers=headers)
    buffer = io.BytesIO()
    reports.BUILDERS[fmt](period, scope, current_user.id, buffer)
    return Response(buffer.getvalue(), content_type=reports.MEDIA_TYPES[fmt], headers=headers)
