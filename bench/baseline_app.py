"""The framework-plus-database baseline of the submit benchmark: Flask doing one query.

Served by the same gunicorn configuration as the app (`-c gunicorn.conf.py
bench.baseline_app:app`) against the same database: GET reads one row, POST
inserts one row and commits, then redirects as the survey form does. Whatever the
survey app spends beyond this is its own work (forms, CSRF, templates, validation,
the answers, the rate limiter).
"""

from __future__ import annotations

import os

from flask import Flask, redirect, request
from sqlalchemy import create_engine, text

from survey_app.config import from_environment
from survey_app.database import configure_engine

app = Flask(__name__)
engine = create_engine(from_environment()["SQLALCHEMY_DATABASE_URI"], pool_pre_ping=True)
configure_engine(engine)  # the same SQLite pragmas (WAL, busy timeout) as the app
with engine.begin() as connection:
    connection.execute(text(
        "CREATE TABLE IF NOT EXISTS bench_baseline "
        "(id INTEGER PRIMARY KEY, payload VARCHAR(200) NOT NULL)"
        if engine.dialect.name == "sqlite" else
        "CREATE TABLE IF NOT EXISTS bench_baseline (id SERIAL PRIMARY KEY, payload VARCHAR(200) "
        "NOT NULL)"))
PID = os.getpid()


@app.get("/")
def read():
    with engine.connect() as connection:
        row = connection.execute(text("SELECT COUNT(*) FROM bench_baseline WHERE id = 1")).scalar()
    return f"ok {row}"


@app.get("/healthz")
def healthz():
    return "ok"


@app.post("/")
def write():
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO bench_baseline (payload) VALUES (:payload)"),
                           {"payload": request.form.get("submission_id", "")[:200]})
    return redirect("/thanks")
