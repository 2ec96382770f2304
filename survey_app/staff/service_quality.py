"""The 766 satisfaction group per agency (aggregates: every staff role in its scope)."""

from __future__ import annotations

from flask import render_template, request

from survey_app.routing import Views
from survey_app.services.feedback import service_quality as service
from survey_app.staff.common import (
    BadQuery,
    bad_request,
    current_scope,
    period_choices,
    read_period,
)

views = Views()


@views.get("/service-quality")
def service_quality_page():
    try:
        period = read_period(request.args)
    except BadQuery as error:
        return bad_request(str(error))
    scope = current_scope()
    groups = service.agency_groups(period, scope)
    rules = service.load_rules()
    return render_template("staff/service_quality.html", period=period, groups=groups,
                           rules=rules, codes=service.RULE_CODES,
                           period_choices=period_choices())
