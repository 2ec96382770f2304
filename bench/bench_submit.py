"""Benchmark 1: the submit path under load, beside a one-INSERT Flask app, on loopback.

For each database: gunicorn with gunicorn.conf.py (5 sync workers on 2 cores) serves
the app with TRUSTED_PROXIES=1 (as behind nginx); wrk (C, with Lua scripts) keeps
10 connections busy (BENCH_CONNECTIONS) on each of:

- *page*: GET of a counter's survey form (/c/<counter>/<sector>);
- *submit*: POST of a filled form (a fresh submission id each time; the session
  cookie and CSRF token come from real GETs made beforehand, 50 of them);
- *citizen*: GET and POST alternating, what a real citizen does;

and the same three against bench/baseline_app.py (GET: one SELECT, POST: one INSERT
and commit) in the same gunicorn configuration. Between them, the POSTs go to
bench/floor_app.py: the baseline plus only what a survey submit must do (CSRF,
rate limits, the questionnaire's WTForms validation, the response's INSERTs), i.e.
how far the libraries alone let the ratio go. The three servers run side by side
and take turns: BENCH_ROUNDS rounds (3) of BENCH_SECONDS (10) per server and
line, the median round reported. Each request carries its own
X-Forwarded-For address so the per-address rate limits (on, as in production, with
in-memory counters) see many citizens, not one. Afterwards the responses stored
are counted against wrk's successful POSTs.

Goal (issue 19, replacing the old ≥ 50 % of the baseline): the app's submit ≥ 0.85× the
floor's in the same run, p99 < 100 ms at 10 concurrent clients, no error. The
baseline stays beside them, for the libraries' own cost.
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

CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "10"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))  # a round
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SESSIONS = 50
# Ids minted per wrk run: more than a run can send (~300 POSTs a second on two idle cores).
POSTS_PER_RUN = int(os.environ.get("BENCH_POSTS_PER_RUN", "20000"))

LUA = """
local nonce, prefix, path, mode = "%(nonce)s", "%(prefix)s", "%(path)s", "%(mode)s"
local bodies = {%(bodies)s}
local cookies = {%(cookies)s}
-- Fresh submission ids with their signed form tokens (public/form_token.py), minted
-- beforehand with the servers' key: each POST sends a form no one sent before.
local ids = {%(ids)s}
local tokens = {%(tokens)s}
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
local n = 0
function request()
  n = n + 1
  -- A new address for every request of every run: the per-address limits never bite.
  local headers = {["X-Forwarded-For"] = string.format("%%s:%%x::%%x:%%x", prefix, tid,
                                                       math.floor(n / 65536), n %% 65536)}
  local post = mode == "post" or (mode == "mix" and n %% 2 == 0)
  if not post then
    return wrk.format("GET", path, headers)
  end
  local i = (n %% #bodies) + 1
  headers["Cookie"] = cookies[i]
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  local k = ((n * 2 + tid) %% #ids) + 1  -- wrk -t2: the threads take turns
  return wrk.format("POST", path, headers,
                    bodies[i] .. "&submission_id=" .. ids[k] .. "&csrf_token=" .. tokens[k])
end
"""


def _minted(path: str, count: int) -> dict:
    """`count` fresh submission ids and their form tokens, as Lua table bodies."""
    import uuid

    from itsdangerous import URLSafeTimedSerializer

    from survey_app.public.form_token import SALT

    signer = URLSafeTimedSerializer(common.BENCH_SECRET_KEY, salt=SALT)
    ids = [str(uuid.uuid4()) for _ in range(count)]
    return {"ids": ", ".join(lua_string(i) for i in ids),
            "tokens": ", ".join(lua_string(signer.dumps([i, path])) for i in ids)}


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
        data.pop("csrf_token", None)  # the form token names its submission id: minted per POST
        bodies.append(urlencode(data, doseq=True))
        cookies.append("; ".join(f"{k}={v}" for k, v in browser.cookies.items()))
    return bodies, cookies


def wrk(port: int, path: str, mode: str, bodies, cookies, seconds: int) -> dict:
    script = LUA % {
        "nonce": secrets.token_hex(4), "prefix": f"2001:db8:{secrets.token_hex(2)}",
        "path": path, "mode": mode,
        "bodies": ", ".join(lua_string(b) for b in bodies),
        "cookies": ", ".join(lua_string(c) for c in cookies),
        **_minted(path, POSTS_PER_RUN),
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


def worker_cpu_seconds(server) -> float:
    """CPU time (user + system) used so far by the gunicorn master's worker processes.

    Throughput and latency on a shared machine depend on what else runs; the CPU a
    worker spends per request does much less, so it is reported beside them.
    """
    tick = os.sysconf("SC_CLK_TCK")
    master = server.process.pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0.0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def measure(servers: dict, bodies, cookies) -> dict:
    """Figures of each server (name -> (server, path, modes)) for each of its modes.

    The servers take turns, ROUNDS rounds of SECONDS each, so that a stretch of a
    slower or faster machine (a shared host) weighs on every server alike.
    Throughput and latency are the median round's; CPU is over all rounds.
    """
    for server, path, modes in servers.values():
        wrk(server.port, path, modes[-1], bodies, cookies, 3)  # warm-up: every worker
    rounds: dict = {}
    for mode in ("get", "post", "mix"):
        for _ in range(ROUNDS):
            for name, (server, path, modes) in servers.items():
                if mode not in modes:
                    continue
                before = worker_cpu_seconds(server)
                result = wrk(server.port, path, mode, bodies, cookies, SECONDS)
                result["cpu"] = worker_cpu_seconds(server) - before
                rounds.setdefault((name, mode), []).append(result)
    results: dict = {}
    for (name, mode), done in rounds.items():
        median = sorted(done, key=lambda r: r["rps"])[len(done) // 2]
        requests = sum(r["requests"] for r in done)
        results.setdefault(name, {})[mode] = {
            **median, "requests": requests, "failed": sum(r["failed"] for r in done),
            "cpu_ms": 1000 * sum(r["cpu"] for r in done) / max(requests, 1)}
    return results


def run() -> None:
    from live_server import LiveServer

    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    logs = Path(tempfile.mkdtemp(prefix="bench-submit-"))
    for name, url in common.databases("submit"):
        app = common.make_app(url)
        common.fresh_schema(app)
        path = counter_path(app)
        # Every POST goes to one counter: its per-place cap (30 a minute by default)
        # would answer nearly all of them 429 and measure the limiter, not the submit.
        # Workers are not recycled: a recycled worker's CPU would drop out of the sums.
        env = {"TRUSTED_PROXIES": 1, "SECRET_KEY": common.BENCH_SECRET_KEY,
               "PLACE_RATE_LIMIT": "1000000 per minute", "GUNICORN_MAX_REQUESTS": 0}
        workers = os.cpu_count() * 2 + 1
        apps = {"ours": "survey_app.wsgi:app", "floor": "bench.floor_app:app",
                "baseline": "bench.baseline_app:app"}
        servers = {key: LiveServer(url, logs / f"{key}-{name}.log", workers=workers, app=module,
                                   **env) for key, module in apps.items()}
        try:
            for server in servers.values():
                server.start()
            bodies, cookies = harvest(servers["ours"].port, path)
            before = stored_responses(app)
            results = measure({
                "ours": (servers["ours"], path, ("get", "post", "mix")),
                "floor": (servers["floor"], path, ("post",)),
                "baseline": (servers["baseline"], "/", ("get", "post", "mix")),
            }, bodies, cookies)
            stored = stored_responses(app) - before
        finally:
            for server in servers.values():
                server.stop()
        ours, base = results["ours"], results["baseline"]
        _print(name, ours, base)
        _print_floor(name, results["floor"]["post"], base["post"])
        _print_against_floor(name, ours["post"], results["floor"]["post"])
        posts = (ours["post"]["requests"] + ours["mix"]["requests"] // 2
                 + results["floor"]["post"]["requests"])
        print(f"           responses stored {stored:,} for ~{posts:,} POSTs answered by ours and "
              "the floor (plus warm-up and POSTs in flight at the end)")


def _print(name: str, ours: dict, base: dict) -> None:
    labels = {"get": "open the survey page", "post": "submit a response",
              "mix": "citizen: page then submit"}
    for mode, label in labels.items():
        o, b = ours[mode], base[mode]
        goal = "(the goal is against the floor)" if mode == "post" else ""
        extra = {"p50_ms": o["p50"], "p99_ms": o["p99"], "baseline_p50_ms": b["p50"],
                 "cpu_ms": o["cpu_ms"], "baseline_cpu_ms": b["cpu_ms"],
                 "baseline_p99_ms": b["p99"], "failed": o["failed"],
                 "connections": CONNECTIONS, "seconds": SECONDS}
        common.report("submit", name, f"{label} ({CONNECTIONS} conn.)", o["rps"], b["rps"],
                      "req/s", goal, extra)
        print(f"           latency p50/p99: ours {o['p50']:.1f}/{o['p99']:.1f} ms, "
              f"baseline {b['p50']:.1f}/{b['p99']:.1f} ms; non-2xx/3xx: ours {o['failed']}, "
              f"baseline {b['failed']} {o['socket_errors']}")
        print(f"           worker CPU per request: ours {o['cpu_ms']:.1f} ms, baseline "
              f"{b['cpu_ms']:.1f} ms (ratio {b['cpu_ms'] / o['cpu_ms']:.2f}; 2 idle cores "
              f"would serve ~{2000 / o['cpu_ms']:.0f} req/s of ours)")


def _print_floor(name: str, floor: dict, base: dict) -> None:
    extra = {"p50_ms": floor["p50"], "p99_ms": floor["p99"], "cpu_ms": floor["cpu_ms"],
             "baseline_cpu_ms": base["cpu_ms"], "failed": floor["failed"],
             "connections": CONNECTIONS, "seconds": SECONDS}
    common.report("submit", name, f"floor: libraries only, submit ({CONNECTIONS} conn.)",
                  floor["rps"], base["rps"], "req/s", "what the goal can reach", extra)
    print(f"           latency p50/p99 {floor['p50']:.1f}/{floor['p99']:.1f} ms; worker CPU per "
          f"request {floor['cpu_ms']:.1f} ms; non-2xx/3xx {floor['failed']} "
          f"{floor['socket_errors']}")


def _print_against_floor(name: str, ours: dict, floor: dict) -> None:
    """The goal's own figure: the app's submit beside the floor's, same run, same clients."""
    common.report("submit", name, f"submit, ours vs the floor ({CONNECTIONS} conn.)",
                  ours["rps"], floor["rps"], "req/s", "goal ≥ 0.85, p99 < 100 ms, no error",
                  {"p99_ms": ours["p99"], "floor_p99_ms": floor["p99"], "failed": ours["failed"],
                   "socket_errors": ours["socket_errors"], "connections": CONNECTIONS})


if __name__ == "__main__":
    print(f"submit path under load — {common.machine()}")
    sys.exit(run())

