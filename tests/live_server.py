"""A real gunicorn serving the app on loopback, and a citizen's browser in miniature.

`LiveServer` runs `gunicorn -c gunicorn.conf.py survey_app.wsgi:app` in its own
process group (so SIGKILL takes the master and every worker at once, as a power
cut would) on a free 127.0.0.1 port. `Browser` is a tiny HTTP client on
`http.client` with a cookie jar, and `fill_form` answers a rendered survey form
the way a citizen would: every radio group and select gets a choice, hidden fields
are sent back unchanged, the honeypot stays empty.
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parent.parent
SECRET_KEY = "live-server-secret-key-long-enough-for-production-checks"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """gunicorn with the project's configuration; `env` adds to a clean environment."""

    def __init__(self, database_url: str, log_path: Path, *, workers: int = 2,
                 app: str = "survey_app.wsgi:app", **env):
        self.port = free_port()
        self.app = app
        self.log_path = log_path
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET_KEY,
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            # Limits counted per worker, knowingly; tests of shared limits pass Redis.
            "GUNICORN_ALLOW_MEMORY_LIMITS": "1",
            **{key: str(value) for key, value in env.items()},
        }
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(PROJECT / "gunicorn.conf.py"),
             self.app],
            cwd=PROJECT, env=self.env, stdout=log, stderr=log, start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: "
                                   f"{self.log_path.read_text()[-2000:]}")
            try:
                status, _headers, _body = request(self.port, "GET", "/healthz", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"gunicorn did not answer within {timeout} s")

    def kill(self) -> None:
        """SIGKILL the whole process group: no worker gets to finish or clean up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def request(port: int, method: str, path: str, *, body: bytes | None = None,
            headers: dict | None = None, timeout: float = 10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@dataclass
class Browser:
    """One citizen's phone: its cookies and the address nginx would forward for it."""

    port: int
    address: str = "2001:db8::1"
    cookies: dict = field(default_factory=dict)

    def send(self, method: str, path: str, data: dict | None = None, timeout: float = 15):
        headers = {"X-Forwarded-For": self.address, "X-Forwarded-Proto": "http"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, response_headers, content = request(
            self.port, method, path, body=body, headers=headers, timeout=timeout)
        cookie = response_headers.get("Set-Cookie")
        if cookie:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return status, response_headers, content.decode("utf-8", errors="replace")


class _FormParser(HTMLParser):
    """Collects the inputs of the first <form method="post"> on a page."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.done = False
        self.action: str | None = None
        self.hidden: dict[str, str] = {}
        self.choices: dict[str, list[str]] = {}  # radio and checkbox groups, selects
        self.checkboxes: set[str] = set()
        self.numbers: dict[str, str] = {}
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and (a.get("method") or "").lower() == "post":
            self.in_form, self.action = True, a.get("action")
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "hidden":
                self.hidden[name] = a.get("value") or ""
            elif kind in ("radio", "checkbox"):
                self.choices.setdefault(name, []).append(a.get("value") or "on")
                if kind == "checkbox":
                    self.checkboxes.add(name)
            elif kind == "number":
                self.numbers[name] = a.get("min") or "1"
        elif tag == "select" and name:
            self.select = name
            self.choices.setdefault(name, [])
        elif tag == "option" and self.select and a.get("value"):
            self.choices[self.select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True


@dataclass(frozen=True)
class FilledForm:
    action: str | None
    data: dict


SKIPPED = {"contact_consent"}  # consent needs a comment and a phone: not this citizen


def fill_form(html: str, rng: random.Random) -> FilledForm:
    """Answer every question of the page's form; hidden fields go back as rendered."""
    parser = _FormParser()
    parser.feed(html)
    if not parser.done and not parser.in_form:
        raise ValueError("the page has no POST form")
    data: dict = dict(parser.hidden)
    for name, values in parser.choices.items():
        if name in SKIPPED or not values:
            continue
        numeric = [v for v in values if v.isdigit()]
        data[name] = rng.choice(numeric) if numeric else values[0]
    data.update(parser.numbers)
    return FilledForm(parser.action, data)
