"""`make run` on a shared host: a random key kept in instance/, no debugger for
strangers, request logs without addresses or tokens, and the documented `flask`
commands working in a second terminal with the same key."""

import logging
import os
import re
import stat
import subprocess
import sys
import threading
import urllib.request

import pytest
from werkzeug.debug import DebuggedApplication
from werkzeug.serving import make_server
from werkzeug.test import Client

from survey_app import config, create_app
from survey_app.extensions import db

TOKEN = "Zq7HcM4pWk2RtY9sLx3NbA"
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the development server colours its lines


@pytest.fixture
def laptop(tmp_path, monkeypatch):
    """A fresh checkout's instance/ with no SECRET_KEY in the environment."""
    instance = tmp_path / "instance"
    monkeypatch.setattr(config, "INSTANCE_DIR", instance)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    return instance


def _debug_app(tmp_path):
    return create_app({"DEBUG": True,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dev.sqlite3'}"})


def test_debug_mode_signs_with_a_random_key_kept_in_instance(laptop, tmp_path):
    key = _debug_app(tmp_path).config["SECRET_KEY"]
    assert key != "insecure-development-key"  # the constant of before
    assert len(key) >= 48
    stored = laptop / "secret_key"
    assert stored.read_text().strip() == key
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    # The next start, and a command without debug mode (a second terminal), use it too.
    assert _debug_app(tmp_path).config["SECRET_KEY"] == key
    production = create_app({"DEBUG": False, "TESTING": False, "SQLALCHEMY_DATABASE_URI":
                             f"sqlite:///{tmp_path / 'dev.sqlite3'}"})
    assert production.config["SECRET_KEY"] == key


def test_a_500_in_debug_mode_is_the_app_s_page_not_the_debugger(laptop, tmp_path):
    app = _debug_app(tmp_path)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret local state")

    # What `flask run` serves in debug mode when the debugger is on.
    response = Client(DebuggedApplication(app, evalex=True)).get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Werkzeug" not in body
    assert "Traceback" not in body
    assert "secret local state" not in body


def test_the_development_server_logs_no_address_token_or_query(laptop, tmp_path):
    app = _debug_app(tmp_path)
    with app.app_context():
        db.create_all()
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(ANSI.sub("", record.getMessage()))
    werkzeug_logger = logging.getLogger("werkzeug")
    werkzeug_logger.addHandler(handler)
    previous = werkzeug_logger.level, werkzeug_logger.disabled
    # Alembic's fileConfig (an earlier migration test) disables the loggers it finds.
    werkzeug_logger.setLevel(logging.INFO)
    werkzeug_logger.disabled = False
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in (f"/t/{TOKEN}?lang=en&phone=0912345678", "/staff/login?next=/x"):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=30)
            except urllib.error.HTTPError:
                pass  # the status does not matter, the log line does
    finally:
        server.shutdown()
        thread.join()
        werkzeug_logger.removeHandler(handler)
        werkzeug_logger.setLevel(previous[0])
        werkzeug_logger.disabled = previous[1]
    requests = [line for line in lines if '"GET ' in line]
    assert len(requests) == 2, lines
    assert any('"GET /t/<token> HTTP/1.1"' in line for line in requests), requests
    for secret in ("127.0.0.1", TOKEN, "0912345678", "next="):
        assert not any(secret in line for line in requests), (secret, requests)


def _flask(args, env):
    return subprocess.run([sys.executable, "-m", "flask", "--app", "survey_app", *args],
                          env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.slow
def test_documented_commands_work_in_a_second_terminal_after_make_run(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if key not in {"SECRET_KEY", "FLASK_DEBUG", "TEST_DATABASE_URL"}}
    env.update(SURVEY_INSTANCE_DIR=str(tmp_path / "instance"),
               DATABASE_URL=f"sqlite:///{tmp_path / 'survey.sqlite3'}")
    # `make run`'s setup, in debug mode as the Makefile runs it
    for args in (["db", "upgrade"], ["reference", "load", str(config.PROJECT_DIR / "reference")]):
        done = _flask(args, {**env, "FLASK_DEBUG": "1"})
        assert done.returncode == 0, done.stderr
    # what the README then shows, in another terminal (no FLASK_DEBUG)
    created = _flask(["api-keys", "create", "--agency", "ttphc-tinh", "--name", "one-stop"], env)
    assert created.returncode == 0, created.stderr
    listed = _flask(["api-keys", "list"], env)
    assert listed.returncode == 0, listed.stderr
    assert "one-stop" in listed.stdout
    assert "ConfigurationError" not in created.stderr + listed.stderr
