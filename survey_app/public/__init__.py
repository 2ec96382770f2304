"""The citizen's path: landing pages, survey forms, thank-you pages (no login)."""

from flask import Blueprint

from survey_app.public import campaigns, details, kiosk, replies, results, routes

# The modules whose views make up the citizen's side.
VIEW_MODULES = (campaigns, details, kiosk, replies, results, routes)


def make_blueprint() -> Blueprint:
    bp = Blueprint("public", __name__)
    for module in VIEW_MODULES:
        module.views.register(bp)
    return bp
