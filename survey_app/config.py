"""Configuration from the environment, checked once at start-up.

The app refuses to start outside debug/testing without a real SECRET_KEY: a
default key would let anyone forge staff sessions and CSRF tokens. On a laptop
(`make run`, `make serve`) the key is a random one kept in `instance/secret_key`
(mode 0600), so the development server and the `flask` commands in another
terminal, debug or not, sign with the same key, and never with a constant.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from limits import parse_many

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Tests point it elsewhere so that they never read or write the checkout's own instance/.
INSTANCE_DIR = Path(os.environ.get("SURVEY_INSTANCE_DIR") or PROJECT_DIR / "instance")
KEY_FILE = "secret_key"
MIGRATIONS_DIR = PROJECT_DIR / "migrations"
UNSAFE_SECRET_KEYS = {"", "dev", "change-me", "secret", "changeme"}
# Where times are shown and local dates read (the province: UTC+7, no daylight saving).
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


class ConfigurationError(RuntimeError):
    """A required setting is missing or unsafe."""


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'survey.sqlite3'}"


def from_environment(env: os._Environ | dict | None = None) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = os.environ if env is None else env
    database_url = _psycopg(env.get("DATABASE_URL") or default_database_url())
    config = {
        # An empty SECRET_KEY in the environment is refused, not replaced by the file.
        "SECRET_KEY": env["SECRET_KEY"] if "SECRET_KEY" in env else _key_file(),
        # Keys of data at rest (server_key below); derived from SECRET_KEY when unset.
        # Set them apart in production so that rotating SECRET_KEY keeps them valid.
        "DOSSIER_HASH_KEY": env.get("DOSSIER_HASH_KEY", ""),
        "TOTP_ENCRYPTION_KEY": env.get("TOTP_ENCRYPTION_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # hide_parameters: SQL logs and database errors (which Flask logs with the failed
        # request) never carry the bound values, i.e. citizens' comments and contacts.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        # The task queue's store (services/jobs/queue.py): a SQLite file on one machine,
        # Redis when the web servers and the worker run on several.
        "JOBS_URL": env.get("JOBS_URL") or f"sqlite:///{INSTANCE_DIR / 'jobs.sqlite3'}",
        # Responses one counter or facility takes per minute/hour, from all addresses
        # together (public/limits.py): raise it for an unusually busy service point.
        "PLACE_RATE_LIMIT": env.get("PLACE_RATE_LIMIT", "30 per minute;300 per hour"),
        "INVITATION_TTL_DAYS": int(env.get("INVITATION_TTL_DAYS", "30")),
        "COMMENT_RETENTION_DAYS": int(env.get("COMMENT_RETENTION_DAYS", "730")),
        # Secure cookies whenever the public address is HTTPS (production), unless overridden.
        "SESSION_COOKIE_SECURE": _flag(env, "SESSION_COOKIE_SECURE",
                                       default=env.get("PUBLIC_BASE_URL", "").startswith("https:")),
        # Reverse proxies in front of the app (nginx: 1): how many X-Forwarded-* hops to
        # trust. Without it every citizen shares the proxy's address in the rate limits.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        # Admins must enrol a one-time-code app before using the staff area.
        "REQUIRE_TOTP_FOR_ADMINS": _flag(env, "REQUIRE_TOTP_FOR_ADMINS", default=False),
        # gzip the citizen's pages in the app: for gunicorn answering browsers itself
        # (`make serve`); behind nginx, nginx compresses (survey_app/compression.py).
        "COMPRESS_RESPONSES": _flag(env, "COMPRESS_RESPONSES", default=False),
        "BABEL_DEFAULT_LOCALE": "vi",
        "DISPLAY_TIMEZONE": env.get("DISPLAY_TIMEZONE") or DEFAULT_TIMEZONE,
    }
    reporting_url = env.get("REPORTING_DATABASE_URL")
    if reporting_url:
        config["SQLALCHEMY_BINDS"] = {"reporting": _psycopg(reporting_url)}
    return config


def _psycopg(url: str) -> str:
    """SQLAlchemy needs the psycopg 3 driver named; accept the plain postgres:// forms too."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _key_file() -> str:
    path = INSTANCE_DIR / KEY_FILE
    return path.read_text(encoding="utf-8").strip() if path.is_file() else ""


def development_key() -> str:
    """The key of `instance/secret_key`, created (random, mode 0600) if missing."""
    path = INSTANCE_DIR / KEY_FILE
    if not path.is_file():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
    return _key_file()


def server_key(config, setting: str) -> bytes:
    """The key of one use of data at rest (`DOSSIER_HASH_KEY`, `TOTP_ENCRYPTION_KEY`).

    Its own setting when given, else an HMAC of the setting's name under SECRET_KEY, so
    that one use's key tells nothing about another's. Never stored in the database:
    whoever holds a dump without the configuration cannot recompute a dossier's hash.
    """
    own = (config.get(setting) or "").strip()
    if own:
        return hashlib.sha256(own.encode("utf-8")).digest()
    secret = (config.get("SECRET_KEY") or "").encode("utf-8")
    return hmac.new(secret, setting.encode("ascii"), hashlib.sha256).digest()


def _check_zone(name: str) -> None:
    """A zone that exists, one whole number of hours from UTC all year: responses are
    stored by the UTC hour and rolled up by local day in SQL (services/rollups), so a
    local midnight must fall on a UTC hour, always the same one."""
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigurationError(
            f"DISPLAY_TIMEZONE {name!r} is not a time zone like 'Asia/Ho_Chi_Minh'") from error
    offsets = {zone.utcoffset(datetime(2026, month, 1)) for month in (1, 7)}
    offset = offsets.pop()
    if offsets or offset is None or offset % timedelta(hours=1):
        raise ConfigurationError(
            f"DISPLAY_TIMEZONE {name!r} is not one whole number of hours from UTC all year")


def _flag(env, name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


# Settings that do not come from the environment: the app's fixed, safe defaults.
FIXED = {
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # A staff session lasts a working day at most (staff sessions are made permanent at
    # login so that this bound applies even to a browser left open).
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    "WTF_CSRF_TIME_LIMIT": 4 * 3600,  # a citizen may leave the form open a while
    # Largest upload: a paper-survey import file (100,000 questionnaires fit in 16 MB).
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "JSON_SORT_KEYS": False,
    # A paper file of up to this many rows is imported within the web request (1,000
    # rows take about 17 s on SQLite and 28 s on PostgreSQL, inside the server's 60 s
    # timeout); a larger one goes to the task queue.
    "PAPER_ROWS_IN_REQUEST": 1_000,
    # A report or package of a choice holding more responses than this is built by the
    # task queue, its page showing the progress; a smaller one within the request. On
    # SQLite on a loaded 2-core machine the province's PDF took 48 s for a quarter of
    # 12,500 demo responses and 77 s for a year of 50,000 (docs/staff.md).
    "REPORT_ROWS_IN_REQUEST": 10_000,
    "RATELIMIT_HEADERS_ENABLED": True,
    # WTForms has no Vietnamese catalogue, so every form writes its own messages;
    # Flask-WTF's lookup would only re-read WTForms' catalogues on every request.
    "WTF_I18N_ENABLED": False,
}


def validate(config) -> None:
    """Refuse unsafe or incomplete configuration (outside debug and testing)."""
    try:
        parse_many(config["PLACE_RATE_LIMIT"])
    except ValueError as error:
        raise ConfigurationError(
            f"PLACE_RATE_LIMIT {config['PLACE_RATE_LIMIT']!r} is not a rate limit "
            "like '30 per minute;300 per hour'") from error
    _check_zone(config["DISPLAY_TIMEZONE"])
    # The remember-me cookie follows the session cookie (Flask-Login defaults it off).
    config.setdefault("REMEMBER_COOKIE_SECURE", config.get("SESSION_COOKIE_SECURE", False))
    if config.get("DEBUG") and not config.get("TESTING"):
        # A 500 is the app's own error page: Werkzeug's debugger (`flask run` in debug)
        # would show source and locals to whoever caused it, and its PIN is guessable.
        config["PROPAGATE_EXCEPTIONS"] = False
    if config.get("TESTING") or config.get("DEBUG"):
        if not config.get("SECRET_KEY"):
            # Never a constant: a known key forges an admin session on a shared host.
            config["SECRET_KEY"] = (secrets.token_urlsafe(32) if config.get("TESTING")
                                    else development_key())
        return
    key = (config.get("SECRET_KEY") or "").strip()
    # Sixteen spaces or "aaaa…" would pass a length check alone.
    if key.lower() in UNSAFE_SECRET_KEYS or len(key) < 16 or len(set(key)) < 2:
        raise ConfigurationError(
            "SECRET_KEY is missing or too weak: set it to a long random value, e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
