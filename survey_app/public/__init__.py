"""The citizen's path: landing pages, survey forms, thank-you pages (no login)."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from survey_app.public import campaigns, details, kiosk, replies, results, routes  # noqa: E402,F401 - routes attach themselves to bp
