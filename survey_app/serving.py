"""What the production server (gunicorn) needs from the app: logs without personal data.

Survey links carry single-use tokens in their path (`/t/<token>`, the API's
`/api/v1/invitations/<token>/qr.svg`), so a raw access log would hold every
token a citizen opened. Two guards:

- `record_route(app)` stores the matched route *pattern* (`/t/<token>`) in the
  WSGI environ; gunicorn's access log (see gunicorn.conf.py) prints that, never
  the path, the query string or the client's address.
- `redact(text)` masks anything shaped like a token path, for the paths that
  matched no route and for Flask's own "Exception on /t/… [POST]" error lines.
- The development server's request lines (`flask run`, logger "werkzeug") lose
  the client's address and the query string, and are redacted the same way.
"""

from __future__ import annotations

import logging
import re

from flask import Flask, request

ROUTE_KEY = "survey_app.route"
# A path segment after /t/ or /invitations/ is a secret; so is anything long and
# token-shaped anywhere (a mistyped path may still hold a real token).
_TOKEN_PATH = re.compile(r"(/t/|/invitations/)[^/?#\s]+")
_TOKEN_LIKE = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])")


def redact(text: str) -> str:
    """`text` with token path segments and token-like strings replaced by placeholders."""
    text = _TOKEN_PATH.sub(r"\1<token>", text)
    return _TOKEN_LIKE.sub("<redacted>", text)


def record_route(app: Flask) -> None:
    """Put the matched route pattern into the environ, for the access log."""

    @app.before_request
    def _remember_route():
        rule = request.url_rule
        request.environ[ROUTE_KEY] = rule.rule if rule is not None else "<unmatched>"


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with `redact` (Flask logs the path of a failed request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


# `127.0.0.1 - - [01/Dec/2026 10:00:00] "GET /t/… HTTP/1.1" 200 -`: address, then a query.
_DEV_ADDRESS = re.compile(r"^\S+ - - \[")
_DEV_QUERY = re.compile(r"\?[^\s\"]*")


class DevServerFilter(logging.Filter):
    """Werkzeug's request lines without the client's address or the query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(_DEV_QUERY.sub("", _DEV_ADDRESS.sub("- - - [", message)))
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def redact_app_logs(app: Flask) -> None:
    """Attach the filters to the app's logger and to the development server's (once)."""
    for logger, kind in ((app.logger, RedactingFilter),
                         (logging.getLogger("werkzeug"), DevServerFilter)):
        # Loggers are per name, not per app: every create_app would add one more.
        if not any(type(existing) is kind for existing in logger.filters):
            logger.addFilter(kind())


# IPv4 and IPv6 literals (gunicorn's "Invalid request from ip=…" lines).
_ADDRESS = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"
                      r"|(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?!\w)")


class ServerErrorFilter(logging.Filter):
    """gunicorn's error log with client addresses and token-like strings blanked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(_ADDRESS.sub("<address>", message))
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def write_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's own error reply (a malformed request, a request line over its limit),
    with the app's security headers and without echoing the request back."""
    from survey_app.web import CONTENT_SECURITY_POLICY

    body = (f"<!doctype html><title>{status_int} {reason}</title>"
            f"<h1>{status_int} {reason}</h1>").encode("latin-1", "replace")
    head = "\r\n".join([
        f"HTTP/1.1 {status_int} {reason}", "Connection: close",
        "Content-Type: text/html; charset=utf-8", f"Content-Length: {len(body)}",
        f"Content-Security-Policy: {CONTENT_SECURITY_POLICY}",
        "X-Content-Type-Options: nosniff", "X-Frame-Options: DENY",
        "Referrer-Policy: no-referrer", "Cache-Control: no-store", "", "",
    ])
    from gunicorn import util

    util.write_nonblock(sock, head.encode("latin-1") + body)
