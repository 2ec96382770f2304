"""Cross-cutting web behaviour: security headers, error pages, template helpers, and
which views read the reporting replica."""

from __future__ import annotations

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from survey_app import formatting
from survey_app.database import REPORTING_ENDPOINTS
from survey_app.errors import DomainError, describe
from survey_app.i18n import LANGUAGES, local_time, pick

# No inline script or style anywhere: the policy can then forbid both.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


# Responses that may carry personal data or a single-use token: never stored by a
# browser or a shared proxy (a surveyor's tablet, a commune office's PC).
NO_STORE_PREFIXES = ("/staff", "/t/", "/api/")
HSTS = "max-age=63072000; includeSubDomains"


def register_web_hooks(app: Flask) -> None:
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        # Behind nginx the client's address and scheme arrive in X-Forwarded-*: trust
        # exactly `hops` proxies, so a client cannot forge its address to escape limits.
        # (Flask's documented way to wrap the WSGI app: an attribute over the method)
        setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0))  # noqa: B010
    app.before_request(_replica_reads)
    app.after_request(_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DomainError, _domain_error)
    app.context_processor(_template_helpers)
    formatting.register(app)


def _replica_reads() -> None:
    """Reporting views read the replica when one is configured (survey_app/database.py)."""
    if request.method == "GET" and request.endpoint in REPORTING_ENDPOINTS:
        g.read_replica = True


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    # Survey links carry single-use tokens in their path: never send them onward.
    headers["Referrer-Policy"] = "no-referrer"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    # HSTS on HTTPS requests, and whenever the public address is HTTPS: behind a TLS
    # proxy without TRUSTED_PROXIES the app itself only sees plain HTTP.
    if request.is_secure or current_app.config.get("PUBLIC_BASE_URL", "").startswith("https:"):
        headers["Strict-Transport-Security"] = HSTS
    if request.path.startswith(NO_STORE_PREFIXES) and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _http_error(error: HTTPException):
    if _wants_json():
        return jsonify(error=error.name.lower().replace(" ", "_"), message=error.description), (
            error.code
        )
    messages = {
        400: _("The request could not be understood. Please go back and try again."),
        403: _("You do not have access to this page."),
        404: _("This page does not exist. Please check the address."),
        405: _("This action is not allowed here."),
        413: _("What you sent is too large."),
        429: _("Too many requests from your connection. Please wait a minute and try again."),
    }
    code = error.code or 500  # every HTTPException the app meets has a code
    message = messages.get(code, _("Something went wrong. Please try again later."))
    return render_template("errors.html", code=code, message=message), code


def _domain_error(error: DomainError):
    """A service's refusal that no view turned into a page of its own: its 4xx and its
    sentence in the reader's language."""
    message = describe(error)
    if _wants_json():
        return jsonify(error=error.code, message=message), error.status
    return render_template("errors.html", code=error.status, message=message), error.status


def _csrf_error(error: CSRFError):
    if _wants_json():
        return jsonify(error="csrf", message=error.description), 400
    message = _(
        "This form has expired or was opened in another window. "
        "Please go back, reload the page and send it again."
    )
    return render_template("errors.html", code=400, message=message), 400


def _template_helpers() -> dict:
    lang = str(get_locale() or "vi")
    return {
        "lang": lang,
        "languages": LANGUAGES,
        "t": lambda texts: pick(texts, lang),
        "local_time": local_time,
    }
