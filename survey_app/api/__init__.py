"""JSON API for one-stop software (authenticated by per-agency API keys, no CSRF)."""

from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # bearer-key authenticated, no cookies: CSRF does not apply

from . import routes  # noqa: E402,F401
