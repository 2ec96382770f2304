"""Static files under content-hashed names, cached by browsers for good.

`url_for("static", filename="app.css")` gives `/static/app.3f2a9c1b7d04.css`: the
first 12 hex digits of the file's SHA-256 sit in its name. A changed file gets a new
name, so its response can say `Cache-Control: public, max-age=31536000, immutable`
and a phone never asks again, not even for a 304. Such a name is served from memory,
gzip-compressed when the client takes it (computed once at start-up: the files are a
few KB). An unhashed name (an old bookmark, a page cached before a deploy) and a
stale hash still get the current file, revalidated on every use (`no-cache`), never
kept for a year with the wrong content.

Behind nginx, nginx serves these names itself (docs/deployment.md strips the hash).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, request, send_from_directory
from flask.sessions import SecureCookieSessionInterface

IMMUTABLE = "public, max-age=31536000, immutable"
HASHED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)$")
# Text worth compressing; images (PNG) are compressed already.
COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".txt", ".html"}


@dataclass(frozen=True)
class Asset:
    name: str  # the hashed name
    body: bytes
    gzipped: bytes | None
    mimetype: str


def _hashed_name(name: str, digest: str) -> str:
    path = Path(name)
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def _read(folder: Path) -> dict[str, Asset]:
    assets = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        body = path.read_bytes()
        digest = hashlib.sha256(body).hexdigest()[:12]
        small = gzip.compress(body, 9, mtime=0) if path.suffix in COMPRESSIBLE else None
        assets[name] = Asset(
            name=_hashed_name(name, digest), body=body,
            gzipped=small if small is not None and len(small) < len(body) else None,
            mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream")
    return assets


def init_app(app: Flask) -> None:
    """Hash the static folder once, and serve and link the hashed names."""
    folder = Path(app.static_folder or "")
    assets = _read(folder) if folder.is_dir() else {}
    by_hashed = {asset.name: asset for asset in assets.values()}

    @app.url_defaults
    def _hashed_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in assets:
            values["filename"] = assets[values["filename"]].name

    def static(filename: str):
        asset = by_hashed.get(filename)
        if asset is not None:
            return _send(asset)
        match = HASHED.match(filename)
        real = f"{match['stem']}{match['suffix']}" if match else filename
        if real not in assets:
            abort(404)
        reply = send_from_directory(folder, real, max_age=0)
        reply.headers["Cache-Control"] = "no-cache"
        return reply

    app.view_functions["static"] = static
    app.session_interface = NoSessionOnStatic()


class NoSessionOnStatic(SecureCookieSessionInterface):
    """The usual signed-cookie session, never saved on a static file's response.

    Flask marks the session as used on every request whose code looks at it (Flask-Login
    does, after every request) and then adds `Vary: Cookie`: a browser would fetch the
    stylesheet again as soon as a cookie changed, which defeats `immutable`. A static
    file neither reads nor sets a cookie.
    """

    def save_session(self, app, session, response) -> None:
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def _send(asset: Asset) -> Response:
    compressed = asset.gzipped is not None and request.accept_encodings["gzip"] > 0
    reply = Response(asset.gzipped if compressed else asset.body, mimetype=asset.mimetype)
    if compressed:
        reply.headers["Content-Encoding"] = "gzip"
    if asset.gzipped is not None:
        reply.headers["Vary"] = "Accept-Encoding"
    reply.headers["Cache-Control"] = IMMUTABLE
    return reply
