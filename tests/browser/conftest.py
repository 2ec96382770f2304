"""Browser tests of the citizen's path: a real server in a thread and a real Chromium.

The app runs under Werkzeug's WSGI server (`make_server`, 127.0.0.1, a free port)
on the test database, with PUBLIC_BASE_URL set to that real address, so the QR
codes it prints lead to it. Chromium is Debian's (/usr/bin/chromium), driven by
Playwright; without it the tests fail in CI and skip elsewhere.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from support import PROJECT, make_app, missing_part
from survey_app.extensions import db

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
ARTIFACTS = PROJECT / "test-artifacts" / "browser"


@pytest.fixture(scope="session")
def playwright_driver():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_part("playwright is not installed")
    if not shutil.which(CHROMIUM):
        missing_part(f"chromium not installed ({CHROMIUM})")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(playwright_driver):
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def chromium_bfcache(playwright_driver):
    """Chromium with its back/forward cache on, as on a real tablet or phone (Playwright
    turns it off by default: `--disable-back-forward-cache`)."""
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM, args=ARGS, ignore_default_args=["--disable-back-forward-cache"])
    yield browser
    browser.close()


@pytest.fixture
def served_paths() -> list[str]:
    """Every path the live server was asked for: what the browser really fetched, not
    what it took from its cache."""
    return []


@pytest.fixture
def live(survey_data, database_url, served_paths):
    """The app served over real HTTP; yields its base URL. Tables are emptied by `app`."""
    served = make_app(database_url)
    answer = served.wsgi_app

    def counted(environ, start_response):
        served_paths.append(environ.get("PATH_INFO", ""))
        return answer(environ, start_response)

    served.wsgi_app = counted
    server = make_server("127.0.0.1", 0, served, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    served.config["PUBLIC_BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with served.app_context():
        db.engine.dispose()


@pytest.fixture
def phone(chromium):
    """A Vietnamese phone: 390 x 844, JavaScript off (the path must not need it)."""
    context = chromium.new_context(viewport=PHONE, locale="vi-VN", java_script_enabled=False,
                                   device_scale_factor=1)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
