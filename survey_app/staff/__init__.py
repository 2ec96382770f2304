"""The staff side. Every view requires login unless it is allow-listed here."""

from flask import Blueprint, redirect, request, url_for
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
    reports,
    service_quality,
    totp,
    users,
)

# The only staff views reachable without a session. Everything else is locked by
# default, so a new view cannot be left open by forgetting a decorator.
PUBLIC_VIEWS = {"staff.login", "staff.login_code", "staff.static"}

# The modules whose views make up the staff side.
VIEW_MODULES = (alerts, audit, auth, campaign_paper, campaigns, cases, charts, comments,
                comparisons, dashboard, posters, reports, service_quality, totp, users)


def make_blueprint() -> Blueprint:
    bp = Blueprint("staff", __name__)
    bp.before_request(require_login)  # first, before any module's own hook
    for module in VIEW_MODULES:
        module.views.register(bp)
    return bp


def require_login():
    if request.endpoint in PUBLIC_VIEWS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("staff.login", next=request.full_path))
    return None
