"""Reading the JSON body of an invitation request: shape and types, nothing from the database."""

from __future__ import annotations

import json

from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge

from survey_app.api.errors import ApiError
from survey_app.services.responses.invitations import MAX_DOSSIER_LENGTH, MAX_TTL_DAYS
from survey_app.text_input import ControlCharacter, clean

MAX_BODY_BYTES = 4096  # an invitation request is ~200 bytes; refuse anything far larger

FIELDS = {"counter", "sector", "procedure", "dossier", "ttl_days"}
MAX_CODE_LENGTH = 80


def invitation_request(request: Request) -> dict:
    """The fields of a POST /invitations body, or an ApiError (400, 413, 415)."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise _too_large()
    try:
        # One byte more than allowed tells a too-large chunked body (no Content-Length)
        # without reading all of it.
        raw = request.stream.read(MAX_BODY_BYTES + 1)
    except RequestEntityTooLarge:
        raise _too_large() from None
    if len(raw) > MAX_BODY_BYTES:
        raise _too_large()
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        # RecursionError: a body of a thousand nested brackets fits in 4 KB.
        raise ApiError(400, "malformed_json", "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "bad_body", "The body must be a JSON object.")
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise ApiError(400, "unknown_fields", f"Unknown fields: {', '.join(unknown)}.")
    return {
        "counter_code": _text(body, "counter", MAX_CODE_LENGTH, required=True),
        "sector_code": _text(body, "sector", MAX_CODE_LENGTH),
        "procedure_code": _text(body, "procedure", MAX_CODE_LENGTH),
        "dossier": _text(body, "dossier", MAX_DOSSIER_LENGTH),
        "ttl_days": _days(body),
    }


def _too_large() -> ApiError:
    return ApiError(413, "body_too_large", "The body is too large.")


def _text(body: dict, name: str, max_length: int, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise ApiError(400, "missing_field", f"'{name}' is required.")
        return None
    if not isinstance(value, str):
        raise ApiError(400, "wrong_type", f"'{name}' must be a string.")
    value = value.strip()
    if not value or len(value) > max_length:
        raise ApiError(400, "invalid_field", f"'{name}' must be 1 to {max_length} characters.")
    # No code or dossier holds a control character: one is refused, not silently removed.
    try:
        if clean(value) != value:
            raise ControlCharacter
    except ControlCharacter:
        raise ApiError(400, "invalid_field",
                       f"'{name}' must not contain control characters.") from None
    return value


def _days(body: dict) -> int | None:
    value = body.get("ttl_days")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ApiError(400, "wrong_type", "'ttl_days' must be an integer.")
    if not 1 <= value <= MAX_TTL_DAYS:
        raise ApiError(400, "invalid_field", f"'ttl_days' must be between 1 and {MAX_TTL_DAYS}.")
    return value
