"""The staff side. Every view requires login unless it is allow-listed here."""

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user

bp = Blueprint("staff", __name__)

# The only staff views reachable without a session. Everything else is locked by
# default, so a new view cannot be left open by forgetting a decorator.
PUBLIC_VIEWS = {"staff.login", "staff.login_code", "staff.static"}


@bp.before_request
def require_login():
    if request.endpoint in PUBLIC_VIEWS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("staff.login", next=request.full_path))
    return None


from survey_app.staff import alerts, auth, campaign_paper, campaigns, posters, reports, routes, totp  # noqa: E402,F401
