"""JSON error replies of the API: `{"error": code, "message": text}` with a 4xx status."""

from __future__ import annotations

from flask import jsonify

# A bearer challenge (RFC 6750): clients learn how to authenticate from a 401.
REALM = 'Bearer realm="survey-api"'


class ApiError(Exception):
    """Raised anywhere in a request of the API; the blueprint turns it into a reply."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


def unauthorized(code: str, message: str, challenge_error: str | None = None) -> ApiError:
    challenge = REALM
    if challenge_error:
        challenge += f', error="{challenge_error}"'
    return ApiError(401, code, message, {"WWW-Authenticate": challenge})


def reply(error: ApiError):
    response = jsonify(error=error.code, message=error.message)
    response.status_code = error.status
    response.headers.update(error.headers)
    response.headers["Cache-Control"] = "no-store"
    return response
