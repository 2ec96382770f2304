"""Production serving: gunicorn with the project's config, logs, proxies, shared limits.

These start real servers on loopback: gunicorn (tests/live_server.py) and, for the
shared rate-limit store, a throw-away redis-server.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
from live_server import Browser, LiveServer, free_port

from support import csrf_token_from, make_app, missing_part
from survey_app.extensions import db
from survey_app.serving import RedactingFilter, redact

TOKEN = "Zx9_qT3-kLm8Np2Rs4Uv6W"  # token-shaped, as tokens.new_token() makes them


@pytest.fixture
def redis_url(tmp_path):
    """A redis-server of our own on a free loopback port, no persistence."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing_part("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def failed_logins(browser: Browser, username: str, count: int) -> list[int]:
    """POST wrong passwords through the real login form; the statuses in order."""
    _status, _headers, page = browser.send("GET", "/staff/login")
    token = csrf_token_from(page)
    statuses = []
    for _ in range(count):
        status, _headers, _page = browser.send(
            "POST", "/staff/login",
            {"username": username, "password": "not-the-password", "csrf_token": token})
        statuses.append(status)
    return statuses


# --- log redaction ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    (f"/t/{TOKEN}", "/t/<token>"),
    (f"Exception on /t/{TOKEN} [POST]", "Exception on /t/<token> [POST]"),
    (f"/api/v1/invitations/{TOKEN}/qr.svg", "/api/v1/invitations/<token>/qr.svg"),
    (f"/nowhere/{TOKEN}", "/nowhere/<redacted>"),
    ("/c/ubnd-phuong-1-mc", "/c/ubnd-phuong-1-mc"),  # counter codes are public
    ("/healthz", "/healthz"),
])
def test_tokens_are_masked_in_log_lines(text, expected):
    assert redact(text) == expected


def test_flask_error_lines_are_masked():
    import logging

    record = logging.LogRecord("flask.app", logging.ERROR, __file__, 1,
                               "Exception on %s [%s]", (f"/t/{TOKEN}", "POST"), None)
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "Exception on /t/<token> [POST]"


# --- gunicorn -----------------------------------------------------------------------------


@pytest.mark.slow
def test_gunicorn_serves_and_its_access_log_holds_no_token_address_or_query(
        app, database_url, tmp_path):
    server = LiveServer(database_url, tmp_path / "gunicorn.log", workers=2, TRUSTED_PROXIES=1)
    server.start()
    try:
        browser = Browser(server.port, address="2001:db8::77")
        assert browser.send("GET", "/healthz")[0] == 200
        browser.send("GET", f"/t/{TOKEN}?dossier=HS-000123")
        browser.send("GET", f"/no/such/page/{TOKEN}")
        assert browser.send("GET", "/staff/login")[0] == 200
    finally:
        server.stop()
    log = server.log()
    access = [line for line in log.splitlines() if '"GET ' in line]
    assert any('"GET /healthz" 200' in line for line in access)
    assert len([line for line in access if "/healthz" not in line]) == 3, log
    assert any('"GET /staff/login" 200' in line for line in access)
    for secret in (TOKEN, "HS-000123", "dossier", "2001:db8::77", "127.0.0.1"):
        assert not any(secret in line for line in access), (secret, access)


@pytest.mark.slow
def test_gunicorn_refuses_to_start_without_a_secret_key(app, database_url, tmp_path):
    server = LiveServer(database_url, tmp_path / "gunicorn.log", workers=1, SECRET_KEY="")
    with pytest.raises(RuntimeError, match="gunicorn exited"):
        server.start(timeout=60)
    assert "SECRET_KEY is missing or too weak" in server.log()


def _raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.slow
def test_gunicorn_s_own_error_replies_carry_the_headers_and_its_log_no_address(
        app, database_url, tmp_path):
    """Row 15: a malformed request (400) and an over-long request line (414) are answered
    by gunicorn before the app: they carry the security headers, and the error log
    keeps neither the client's address nor the token in the request line."""
    server = LiveServer(database_url, tmp_path / "gunicorn.log", workers=1)
    server.start()
    try:
        bad = _raw(server.port, f"GET /t/{TOKEN} HTTP/1.1 extra\r\n\r\n".encode())
        long = _raw(server.port, f"GET /t/{TOKEN}?{'x' * 5000} HTTP/1.1\r\n\r\n".encode())
    finally:
        server.stop()
    for reply, status in ((bad, b" 400 "), (long, b" 414 ")):
        head = reply.split(b"\r\n\r\n", 1)[0]
        assert status in head.split(b"\r\n", 1)[0], reply[:200]
        for header in (b"Content-Security-Policy: ", b"X-Content-Type-Options: nosniff",
                       b"X-Frame-Options: DENY", b"Cache-Control: no-store"):
            assert header in head, (header, head)
        assert TOKEN.encode() not in reply
    log = server.log()
    assert "Invalid request" in log
    assert "127.0.0.1" not in log.replace(f"127.0.0.1:{server.port}", "")
    assert TOKEN not in log


@pytest.mark.slow
def test_gunicorn_refuses_several_workers_on_the_in_memory_limit_store(
        app, database_url, tmp_path):
    """Row 5: five workers on memory:// stored 48 of 60 posts that the limit of 10 allows."""
    server = LiveServer(database_url, tmp_path / "gunicorn.log", workers=3,
                        GUNICORN_ALLOW_MEMORY_LIMITS="0")
    with pytest.raises(RuntimeError, match="gunicorn exited"):
        server.start(timeout=60)
    assert "would multiply every rate limit by 3" in server.log()


@pytest.mark.slow
def test_behind_a_proxy_each_client_has_its_own_limit_shared_by_all_workers(
        app, database_url, tmp_path, redis_url):
    """nginx forwards X-Forwarded-For; with TRUSTED_PROXIES=1 the limiter keys on it, and
    with Redis every worker counts in the same place."""
    server = LiveServer(database_url, tmp_path / "gunicorn.log", workers=2, TRUSTED_PROXIES=1,
                        RATELIMIT_STORAGE_URI=redis_url)
    server.start()
    try:
        first = failed_logins(Browser(server.port, address="2001:db8::a"), "alice", 11)
        second = failed_logins(Browser(server.port, address="2001:db8::b"), "bob", 1)
    finally:
        server.stop()
    assert 429 not in first[:10]
    assert first[10] == 429
    assert second == [200]


def test_two_app_processes_share_the_redis_counters(app, database_url, redis_url):
    """What two gunicorn workers do, deterministically: two apps, one Redis."""
    apps = [make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url)
            for _ in range(2)]
    statuses = []
    try:
        for attempt in range(11):
            client = apps[attempt % 2].test_client()
            page = client.get("/staff/login").get_data(as_text=True)
            statuses.append(client.post("/staff/login", data={
                "username": "carol", "password": "wrong", "csrf_token": csrf_token_from(page),
            }).status_code)
    finally:
        for other in apps:  # their connection pools, closed before the session ends
            with other.app_context():
                db.engine.dispose()
    assert 429 not in statuses[:10]
    assert statuses[10] == 429
