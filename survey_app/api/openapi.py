"""The OpenAPI 3.1 document served at /api/v1/openapi.json.

Written by hand as data next to the routes it describes; tests/test_api.py checks
that every route under /api/v1 is documented and that real replies of every
documented status match these schemas.
"""

from __future__ import annotations

from survey_app.api import report_schema
from survey_app.api.payload import MAX_BODY_BYTES, MAX_CODE_LENGTH
from survey_app.services.responses.invitations import MAX_DOSSIER_LENGTH, MAX_TTL_DAYS

ERROR = {"$ref": "#/components/schemas/Error"}


def _error(description: str, headers: dict | None = None) -> dict:
    reply = {"description": description, "content": {"application/json": {"schema": ERROR}}}
    if headers:
        reply["headers"] = headers
    return reply


UNAUTHORIZED = _error(
    "No key, a malformed Authorization header, an unknown key or a revoked key "
    "(`missing_key`, `bad_authorization`, `bad_key`, `revoked_key`).",
    {"WWW-Authenticate": {"description": "Bearer challenge (RFC 6750).",
                          "schema": {"type": "string"}}},
)
TOO_MANY = _error(
    "Over the rate limit of this key (`too_many_requests`); retry after the time in "
    "`Retry-After`.",
    {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "string"}}},
)
TOKEN_PARAMETER = {
    "name": "token", "in": "path", "required": True,
    "description": "The token returned when the invitation was issued.",
    "schema": {"type": "string"},
}


def _qr_operation(kind: str, mimetype: str, schema: dict) -> dict:
    return {
        "get": {
            "operationId": f"getInvitationQr{kind.capitalize()}",
            "summary": f"The QR code of an invitation's link as {kind.upper()}",
            "description": (
                "Only for keys of the agency whose key issued the invitation, and only "
                "while the invitation is open."
            ),
            "parameters": [TOKEN_PARAMETER],
            "responses": {
                "200": {"description": f"The QR code ({kind.upper()}).",
                        "content": {mimetype: {"schema": schema}}},
                "401": UNAUTHORIZED,
                "404": _error("No invitation of this key's agency has this token "
                              "(`unknown_invitation`)."),
                "410": _error("The invitation has expired or was answered "
                              "(`invitation_closed`)."),
                "429": TOO_MANY,
            },
        }
    }


def document(public_base_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Citizen-satisfaction survey: one-stop API",
            "version": "1.0.0",
            "description": (
                "A one-stop system (Hệ thống thông tin một cửa điện tử) asks for a "
                "single-use survey link when a dossier is finished, and prints its QR code "
                "on the receipt. Keys are per agency: `flask --app survey_app api-keys "
                "create --agency CODE`. See docs/api.md."
            ),
        },
        "servers": [{"url": f"{public_base_url.rstrip('/')}/api/v1"}],
        "security": [{"bearerKey": []}],
        "paths": {
            "/invitations": {"post": _create_invitation()},
            "/invitations/{token}/qr.svg": _qr_operation(
                "svg", "image/svg+xml", {"type": "string"}
            ),
            "/invitations/{token}/qr.png": _qr_operation(
                "png", "image/png", {"type": "string", "contentMediaType": "image/png"}
            ),
            "/reports": report_schema.operation(_error, UNAUTHORIZED, TOO_MANY),
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {"description": "The OpenAPI document.",
                                "content": {"application/json": {
                                    "schema": {"type": "object", "required": ["openapi"]}}}},
                        "429": TOO_MANY,
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearerKey": {"type": "http", "scheme": "bearer",
                              "description": "An agency's API key, `svk_…`."}
            },
            "schemas": {
                "InvitationRequest": _invitation_request_schema(),
                "Invitation": _invitation_schema(),
                "Report": report_schema.REPORT,
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "additionalProperties": False,
                    "properties": {
                        "error": {"type": "string", "pattern": "^[a-z_]+$",
                                  "description": "A stable code for programs."},
                        "message": {"type": "string", "description": "An English sentence."},
                    },
                },
            },
        },
    }


def _create_invitation() -> dict:
    return {
        "operationId": "createInvitation",
        "summary": "Issue a single-use survey link for one finished transaction",
        "description": (
            "Give the counter and either the sector or the procedure (a procedure implies its "
            "sector; a counter that serves one sector needs neither). The counter must belong "
            "to the key's agency or one of its units. A `dossier` reference is stored only as "
            "a hash: asking again for the same dossier ends the earlier link, and a dossier "
            "whose survey was answered gets no second link."
        ),
        "requestBody": {
            "required": True,
            "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/InvitationRequest"}}},
        },
        "responses": {
            "201": {"description": "Issued.", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Invitation"}}}},
            "400": _error("Malformed JSON, not an object, unknown fields, a missing field, a "
                          "wrong type or an out-of-range value (`malformed_json`, `bad_body`, "
                          "`unknown_fields`, `missing_field`, `wrong_type`, `invalid_field`)."),
            "401": UNAUTHORIZED,
            "403": _error("The counter belongs to another agency "
                          "(`counter_of_another_agency`)."),
            "409": _error("The survey of this dossier was already answered "
                          "(`dossier_answered`)."),
            "413": _error(f"The body is larger than {MAX_BODY_BYTES} bytes (`body_too_large`)."),
            "415": _error("The body is not `application/json` (`unsupported_media_type`)."),
            "422": _error(
                "The body names something unknown or inconsistent (`unknown_counter`, "
                "`inactive_counter`, `unknown_sector`, `unknown_procedure`, "
                "`sector_not_served`, `sector_required`, `procedure_of_another_sector`)."
            ),
            "429": TOO_MANY,
        },
    }


def _code(description: str) -> dict:
    return {"type": ["string", "null"], "minLength": 1, "maxLength": MAX_CODE_LENGTH,
            "description": description}


def _invitation_request_schema() -> dict:
    return {
        "type": "object",
        "required": ["counter"],
        "additionalProperties": False,
        "properties": {
            "counter": {"type": "string", "minLength": 1, "maxLength": MAX_CODE_LENGTH,
                        "description": "Counter code, as on the counter's poster.",
                        "examples": ["ttphc-tu-phap"]},
            "sector": _code("Sector code (lĩnh vực)."),
            "procedure": _code("Procedure code (thủ tục hành chính)."),
            "dossier": {"type": ["string", "null"], "minLength": 1,
                        "maxLength": MAX_DOSSIER_LENGTH,
                        "description": "The dossier's reference (mã hồ sơ); stored hashed."},
            "ttl_days": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_TTL_DAYS,
                         "description": "Days the link stays valid (default: the server's "
                                        "INVITATION_TTL_DAYS, 30)."},
        },
    }


def _invitation_schema() -> dict:
    return {
        "type": "object",
        "required": ["token", "url", "expires_at", "qr_svg", "qr_png"],
        "additionalProperties": False,
        "properties": {
            "token": {"type": "string", "pattern": "^[A-Za-z0-9_-]{22}$",
                      "description": "128 random bits; shown once, stored hashed."},
            "url": {"type": "string", "format": "uri",
                    "pattern": "^https?://[^/]+(/[^/]+)*/t/[A-Za-z0-9_-]{22}$",
                    "description": "The survey link to print or send (PUBLIC_BASE_URL/t/…)."},
            "expires_at": {"type": "string", "format": "date-time",
                           "pattern": "Z$", "description": "ISO 8601, UTC."},
            "qr_svg": {"type": "string", "format": "uri", "pattern": "^https?://.*/qr\\.svg$",
                       "description": "The QR code of `url` as SVG (needs the same key)."},
            "qr_png": {"type": "string", "format": "uri", "pattern": "^https?://.*/qr\\.png$",
                       "description": "The QR code of `url` as PNG (needs the same key)."},
        },
    }
