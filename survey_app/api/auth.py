"""Bearer-key authentication and per-key rate limits for the API blueprint.

Like the staff area, the API is locked by default: one before_request guard covers
every view except the allow-listed OpenAPI document, so a new route cannot be left
open by forgetting a decorator.
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from survey_app.api.errors import unauthorized
from survey_app.models import ApiKey
from survey_app.services.access import api_keys

PUBLIC_VIEWS = {"api.openapi"}
# Views a logged-in staff member may also call from the browser, without a key.
SESSION_VIEWS = {"api.report_json"}
DEFAULT_RATE_LIMIT = "120 per minute"


def require_key():
    if request.endpoint in PUBLIC_VIEWS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if not header and request.endpoint in SESSION_VIEWS and current_user.is_authenticated:
        g.api_key = None  # the staff member's own scope applies (api/reports.py)
        return None
    if not header:
        raise unauthorized("missing_key", "Send the API key as 'Authorization: Bearer <key>'.")
    if scheme.lower() != "bearer" or not key.strip():
        raise unauthorized("bad_authorization", "Use 'Authorization: Bearer <key>'.",
                           "invalid_request")
    try:
        g.api_key = api_keys.authenticate(key.strip())
    except api_keys.RevokedKey:
        raise unauthorized("revoked_key", "This API key has been revoked.",
                           "invalid_token") from None
    except api_keys.UnknownKey:
        raise unauthorized("bad_key", "This API key is not valid.", "invalid_token") from None
    return None


def current_key() -> ApiKey:
    return g.api_key


def rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def rate_limit_bucket() -> str:
    """One bucket per API key, by its id: however the header is spelt (`bearer K`,
    `Bearer␠␠K`), one key has one allowance.

    The limiter runs before authentication, so the key is looked up here; requests
    with no valid key share a bucket per client address.
    """
    parts = request.headers.get("Authorization", "").split(None, 1)
    if len(parts) == 2 and parts[0].lower() == "bearer":
        try:
            return f"api-key:{api_keys.authenticate(parts[1].strip()).id}"
        except (api_keys.UnknownKey, api_keys.RevokedKey):
            pass
    return "api-addr:" + (get_remote_address() or "")
