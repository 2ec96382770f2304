"""Every `flask` command refuses bad input or an unsafe setting with one line and exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("key", "command"), [
    (None, ["report", "--period", "2025-Q3", "--format", "pdf", "--out", "r.pdf"]),
    ("changeme", ["report", "--period", "2025-Q3", "--package", "."]),
    ("aaaaaaaaaaaaaaaaaaaaaaaa", ["users", "list"]),
    (None, ["db", "current"]),
])
def test_a_missing_or_weak_secret_key_is_one_line_and_exit_2(tmp_path, key, command):
    env = {name: value for name, value in os.environ.items()
           if name not in ("SECRET_KEY", "FLASK_DEBUG", "FLASK_APP")}
    # An empty instance folder: no key file to fall back on.
    env.update(SURVEY_INSTANCE_DIR=str(tmp_path / "instance"),
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    if key is not None:
        env["SECRET_KEY"] = key
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "survey_app", *command],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: SECRET_KEY is missing or too weak")
    assert "Traceback" not in done.stderr + done.stdout
    assert list(tmp_path.glob("*.pdf")) == []


@pytest.mark.parametrize(("command", "message"), [
    (["users", "create", "bob", "--role", "analyst", "--sector", "khong-co"], "khong-co"),
    (["users", "create", "bob", "--role", "agency", "--agency", "khong-co"], "khong-co"),
    (["api-keys", "create", "--agency", "khong-co"], "khong-co"),
    (["qr", "posters", "--agency", "khong-co", "--out", "posters"], "unknown agency"),
    (["report", "--period", "2025-13", "--format", "json", "--out", "r.json"], "period"),
    (["report", "--period", "2025-Q3", "--format", "json", "--out", "r.json", "--sector",
      "khong-co"], "unknown sector"),
])
def test_unknown_codes_and_bad_periods_are_one_line_and_exit_2(reference_data, runner,
                                                               tmp_path, monkeypatch,
                                                               command, message):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=command)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert list(tmp_path.iterdir()) == []
