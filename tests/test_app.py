"""The app factory, configuration checks, health check and cross-cutting headers."""

import pytest

from survey_app import create_app
from survey_app.config import ConfigurationError


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database(tmp_path):
    broken = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/no/such/dir/db.sqlite3",
    })
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error"
    assert body["database"] == "unreachable"
    assert body["reason"]


@pytest.mark.parametrize("key", ["", "dev", "short", "change-me"])
def test_refuses_to_start_in_production_without_a_real_secret_key(monkeypatch, key):
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"TESTING": False, "DEBUG": False})


def test_starts_in_production_with_a_strong_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x9" * 24)
    app = create_app({"TESTING": False, "DEBUG": False})
    assert app.config["SECRET_KEY"] == "x9" * 24


def test_database_url_accepts_plain_postgres_scheme(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@localhost/db")
    from survey_app.config import from_environment

    assert from_environment()["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@localhost/db"


def test_security_headers_on_pages(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_unknown_page_is_a_friendly_404_in_vietnamese(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Trang này không tồn tại" in response.get_data(as_text=True)


def test_language_switch_to_english(client):
    response = client.get("/?lang=en")
    assert 'lang="en"' in response.get_data(as_text=True)
    assert "Citizen satisfaction survey" in response.get_data(as_text=True)


def test_sqlite_connections_use_wal_and_busy_timeout(app_context, is_postgres):
    if is_postgres:
        pytest.skip("SQLite pragmas: this run is on PostgreSQL")
    from sqlalchemy import text

    from survey_app.extensions import db

    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 10000
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
