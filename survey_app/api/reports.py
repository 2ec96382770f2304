"""GET /api/v1/reports?period=2026-Q1[&survey=…]: the report as JSON, in the reader's scope.

For an API key, the scope is the key's agency and its units (no comment text in any
case); for a logged-in staff member without a key, their own scope. The body is the
one the CLI writes with `flask report --format json` (`exports/json_report.py`), and
every call is audited like a download (`export.json`).
"""

from __future__ import annotations

import io

from flask import Response, request
from flask_login import current_user

from survey_app.api.auth import current_key
from survey_app.api.errors import ApiError
from survey_app.routing import Views
from survey_app.services.access.scope import Scope, agency_subtree
from survey_app.services.reporting import exports as reports
from survey_app.services.reporting.exports import choice
from survey_app.services.reporting.periods import PeriodError, parse_period

views = Views()


def reader_scope() -> tuple[Scope, int | None]:
    """The scope of the key's agency, or the staff member's own, and the user to audit."""
    key = current_key()
    if key is None:
        return Scope.for_user(current_user), current_user.id
    return Scope(agency_ids=agency_subtree({key.agency_id}),
                 root_agency_ids=frozenset({key.agency_id})), None


@views.get("/reports")
def report_json():
    text = request.args.get("period", "")
    if not text:
        raise ApiError(400, "missing_period", "Give the period: ?period=2026-Q1 (or 2026-H1, "
                                              "2026, 2026-01-01..2026-03-31).")
    try:
        period = parse_period(text)
    except PeriodError as error:
        raise ApiError(400, "bad_period", str(error)) from None
    scope, user_id = reader_scope()
    try:
        survey = choice.narrow(scope, survey=request.args.get("survey") or None).survey
    except choice.OutsideScope:
        raise ApiError(400, "bad_survey", "This survey has no answers in your scope: leave "
                                          "out ?survey= or give one of "
                                          f"{', '.join(choice.surveys(scope))}.") from None
    buffer = io.BytesIO()
    reports.json_report(period, scope, user_id, buffer,
                        action=None if user_id else "export.api", survey=survey)
    return Response(buffer.getvalue(), content_type="application/json",
                    headers={"Cache-Control": "no-store"})
