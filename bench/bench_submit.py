"""Benchmark 1: the submit path under load, beside a one-INSERT Flask app, on loopback.

For each database: gunicorn with gunicorn.conf.py (5 sync workers on 2 cores) serves
the app with TRUSTED_PROXIES=1 (as behind nginx); wrk (C, with Lua scripts) keeps
50 connections busy for BENCH_SECONDS (default 20) on each of:

- *page*: GET of a counter's survey form (/c/<counter>/<sector>);
- *submit*: POST of a filled form (a fresh submission id each time; the session
  cookie and CSRF token come from real GETs made beforehand, 50 of them);
- *citizen*: GET and POST alternating, what a real citizen does;

and the same three against bench/baseline_app.py (GET: one SELECT, POST: one INSERT
and commit) in the same gunicorn configuration. Each request carries its own
X-Forwarded-For address so the per-address rate limits (on, as in production, with
in-memory counters) see many citizens, not one. Afterwards the responses stored
are counted against wrk's successful POSTs.

Goal: submit throughput ≥ 50 % of the baseline's, p99 < 100 ms, at 50 connections.
"""

from __future__ import annotations

import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import common

CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "50"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
SESSIONS = 50

LUA = """
local nonce, path, mode = "%(nonce)s", "%(path)s", "%(mode)s"
local bodies = {%(bodies)s}
local cookies = {%(cookies)s}
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
local n = 0
function request()
  n = n + 1
  local headers = {["X-Forwarded-For"] = string.format("2001:db8:%%x::%%x", tid, n)}
  local post = mode == "post" or (mode == "mix" and n %% 2 == 0)
  if not post then
    return wrk.format("GET", path, headers)
  end
  local i = (n %% #bodies) + 1
  headers["Cookie"] = cookies[i]
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  local id = string.format("%%s-%%04x-4000-8000-%%012x", nonce, tid, n)
  return wrk.format("POST", path, headers, bodies[i] .. "&submission_id=" .. id)
end
"""


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def harvest(port: int, path: str) -> tuple[list[str], list[str]]:
    """Real GETs of the form: a session cookie each, and a filled-in body without its id."""
    from live_server import Browser, fill_form

    rng = random.Random(1)
    bodies, cookies = [], []
    for number in range(SESSIONS):
        browser = Browser(port, address=f"2001:db8:ffff::{number + 1:x}")
        status, _headers, page = browser.send("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        data = fill_form(page, rng).data
        data.pop("submission_id", None)
        bodies.append(urlencode(data, doseq=True))
        cookies.append("; ".join(f"{k}={v}" for k, v in browser.cookies.items()))
    return bodies, cookies


def wrk(port: int, path: str, mode: str, bodies, cookies, seconds: int) -> dict:
    script = LUA % {
        "nonce": secrets.token_hex(4), "path": path, "mode": mode,
        "bodies": ", ".join(lua_string(b) for b in bodies),
        "cookies": ", ".join(lua_string(c) for c in cookies),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        output = subprocess.run(
            ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "--latency",
             "-s", file.name, f"http://127.0.0.1:{port}{path}"],
            capture_output=True, text=True, check=True, timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(file.name)
    return parse_wrk(output)


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> dict:
    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * UNITS[unit]

    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50": latency("50"), "p99": latency("99"),
        "failed": int(failed.group(1)) if failed else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


def counter_path(app) -> str:
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import Counter

    with app.app_context():
        counter = next(c for c in db.session.execute(
            select(Counter).where(Counter.active.is_(True)).order_by(Counter.id)).scalars()
            if c.sectors)
        path = f"/c/{counter.code}/{counter.sectors[0].code}"
        db.engine.dispose()
    return path


def stored_responses(app) -> int:
    from sqlalchemy import func, select

    from survey_app.extensions import db
    from survey_app.models import Response

    with app.app_context():
        count = db.session.execute(select(func.count()).select_from(Response)).scalar()
        db.engine.dispose()
    return count


def measure_server(server, path: str, bodies, cookies) -> dict:
    wrk(server.port, path, "mix", bodies, cookies, 3)  # warm-up: every worker, every path
    return {mode: wrk(server.port, path, mode, bodies, cookies, SECONDS)
            for mode in ("get", "post", "mix")}


def run() -> None:
    from live_server import LiveServer

    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    logs = Path(tempfile.mkdtemp(prefix="bench-submit-"))
    for name, url in common.databases("submit"):
        app = common.make_app(url)
        common.fresh_schema(app)
        path = counter_path(app)
        env = {"TRUSTED_PROXIES": 1, "SECRET_KEY": common.BENCH_SECRET_KEY}
        workers = os.cpu_count() * 2 + 1
        ours_server = LiveServer(url, logs / f"app-{name}.log", workers=workers, **env)
        ours_server.start()
        try:
            bodies, cookies = harvest(ours_server.port, path)
            before = stored_responses(app)
            ours = measure_server(ours_server, path, bodies, cookies)
            stored = stored_responses(app) - before
        finally:
            ours_server.stop()
        base_server = LiveServer(url, logs / f"baseline-{name}.log", workers=workers,
                                 app="bench.baseline_app:app", **env)
        base_server.start()
        try:
            base = measure_server(base_server, "/", bodies, cookies)
        finally:
            base_server.stop()
        _print(name, ours, base, stored)


def _print(name: str, ours: dict, base: dict, stored: int) -> None:
    labels = {"get": "open the survey page", "post": "submit a response",
              "mix": "citizen: page then submit"}
    for mode, label in labels.items():
        o, b = ours[mode], base[mode]
        goal = "goal ≥ 0.50, p99 < 100 ms" if mode == "post" else ""
        extra = {"p50_ms": o["p50"], "p99_ms": o["p99"], "baseline_p50_ms": b["p50"],
                 "baseline_p99_ms": b["p99"], "failed": o["failed"],
                 "connections": CONNECTIONS, "seconds": SECONDS}
        common.report("submit", name, f"{label} ({CONNECTIONS} conn.)", o["rps"], b["rps"],
                      "req/s", goal, extra)
        print(f"           latency p50/p99: ours {o['p50']:.1f}/{o['p99']:.1f} ms, "
              f"baseline {b['p50']:.1f}/{b['p99']:.1f} ms; non-2xx/3xx: ours {o['failed']}, "
              f"baseline {b['failed']} {o['socket_errors']}")
    posts = ours["post"]["requests"] + ours["mix"]["requests"] // 2
    print(f"           responses stored {stored:,} for ~{posts:,} POSTs answered "
          "(plus warm-up and POSTs in flight at the end)")


if __name__ == "__main__":
    print(f"submit path under load — {common.machine()}")
    sys.exit(run())
