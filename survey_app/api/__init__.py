"""JSON API for one-stop software (authenticated by per-agency API keys, no CSRF)."""

from flask import Blueprint

from survey_app.api import reports, routes
from survey_app.api.auth import rate_limit, rate_limit_bucket, require_key
from survey_app.api.errors import ApiError, reply
from survey_app.extensions import csrf, limiter

# The modules whose views make up the API.
VIEW_MODULES = (reports, routes)


def make_blueprint() -> Blueprint:
    bp = Blueprint("api", __name__)
    csrf.exempt(bp)  # bearer-key authenticated, no cookies: CSRF does not apply
    bp.before_request(require_key)
    bp.register_error_handler(ApiError, reply)
    # Per key, not per address: one province-wide one-stop system sits behind one address.
    limiter.limit(rate_limit, key_func=rate_limit_bucket)(bp)
    for module in VIEW_MODULES:
        module.views.register(bp)
    return bp
