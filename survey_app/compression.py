"""gzip for the pages the app sends itself, when no proxy in front compresses them.

Behind nginx (production) nginx compresses (docs/deployment.md) and this stays off.
Under `make serve`, where gunicorn answers browsers directly, COMPRESS_RESPONSES=1
turns it on for the citizen's pages: the first page goes out at 40 % of its size for
about a quarter of a millisecond of CPU (docs/deployment.md has the figures).

Left alone: responses already encoded or streamed (static files compress themselves,
survey_app/assets.py), small ones, other types, and the staff and API paths: those
carry a session's CSRF token or personal data beside text a visitor can make the page
repeat, the ingredients of a compression side channel (BREACH). A citizen's page has
only its own form token, new in every response.
"""

from __future__ import annotations

import gzip

from flask import Flask, request

MIN_SIZE = 1024  # below this, gzip's header costs more than it saves
TYPES = {"text/html", "application/json", "image/svg+xml", "text/plain"}
SKIPPED_PATHS = ("/staff", "/api/")


def init_app(app: Flask) -> None:
    if app.config.get("COMPRESS_RESPONSES"):
        app.after_request(compress)


def compress(reply):
    """`reply` gzipped when the client takes it and it is worth it (module doc)."""
    if (reply.direct_passthrough or reply.is_streamed or "Content-Encoding" in reply.headers
            or reply.mimetype not in TYPES or request.path.startswith(SKIPPED_PATHS)
            or request.accept_encodings["gzip"] <= 0):
        return reply
    body = reply.get_data()
    if len(body) < MIN_SIZE:
        return reply
    reply.set_data(gzip.compress(body, 6, mtime=0))
    reply.headers["Content-Encoding"] = "gzip"
    reply.vary.add("Accept-Encoding")
    return reply
