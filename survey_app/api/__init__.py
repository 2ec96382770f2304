"""JSON API for one-stop software (authenticated by per-agency API keys, no CSRF)."""

from flask import Blueprint

from ..extensions import csrf, limiter
from .auth import rate_limit, rate_limit_bucket, require_key
from .errors import ApiError, reply

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # bearer-key authenticated, no cookies: CSRF does not apply
bp.before_request(require_key)
bp.register_error_handler(ApiError, reply)
# Per key, not per address: one province-wide one-stop system sits behind one address.
limiter.limit(rate_limit, key_func=rate_limit_bucket)(bp)

from . import routes  # noqa: E402,F401
