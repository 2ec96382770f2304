"""The staff side. Every view requires login unless it is allow-listed here."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from survey_app.staff import (
    alerts,
    audit,
    auth,
    campaign_paper,
    campaigns,
    cases,
    charts,
    comments,
    comparisons,
    dashboard,
    posters,
    report_jobs,
    reports,
    service_quality,
    totp,
    users,
)
from survey_app.staff.arguments import BadQuery

# The only staff views reachable without a session. Everything else is locked by
# default, so a new view cannot be left open by forgetting a decorator.
PUBLIC_VIEWS = {"staff.login", "staff.login_code", "staff.static"}

# The modules whose views make up the staff side.
VIEW_MODULES = (alerts, audit, auth, campaign_paper, campaigns, cases, charts, comments,
                comparisons, dashboard, posters, report_jobs, reports, service_quality, totp,
                users)


def make_blueprint() -> Blueprint:
    bp = Blueprint("staff", __name__)
    bp.before_request(require_login)  # first, before any module's own hook
    bp.register_error_handler(BadQuery, bad_query)
    for module in VIEW_MODULES:
        module.views.register(bp)
    return bp


def require_login():
    if request.endpoint in PUBLIC_VIEWS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("staff.login", next=request.full_path))
    return None


def bad_query(error: BadQuery):
    """A value in the address or a form that is not usable: a 400 that says so."""
    return render_template("errors.html", code=400, message=str(error)), 400
