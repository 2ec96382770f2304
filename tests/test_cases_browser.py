"""Feedback cases in a real Chromium: a case is moved on with its buttons, the citizen
reads the answer through the link and rates it; screenshots for docs/staff.md are left
in test-artifacts/browser/ (cases list, case, audit, 766 page, the citizen's page)."""

from __future__ import annotations

import re
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from test_service_quality import year  # noqa: F401  (the fixture: a hand-checked 2025)
from werkzeug.serving import make_server

from support import PROJECT, StaffActions, make_app, missing_part
from survey_app.extensions import db
from survey_app.models import Comment, FeedbackCase

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = PROJECT / "test-artifacts" / "browser"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def served(year, database_url):  # noqa: F811
    with year.app_context():
        StaffActions(year, year.test_client()).create("admin", "admin")
        # The still-open case's citizen left a phone number and agreed to be contacted.
        case = db.session.execute(select_open()).scalar()
        comment = db.session.get(Comment, case.comment_id)
        comment.contact_consent, comment.contact_phone = True, "0909123456"
        comment.text = "Chờ gần hai tiếng mới được tiếp nhận hồ sơ khai sinh."
        db.session.commit()
        case_id = case.id
    app = make_app(database_url)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, case_id
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with app.app_context():
        db.engine.dispose()


def select_open():
    from sqlalchemy import select
    return select(FeedbackCase).where(FeedbackCase.state == "in_progress")


def _in_browser(steps):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_part("playwright is not installed")
    if not shutil.which(CHROMIUM):
        missing_part(f"Chromium is not installed at {CHROMIUM}")

    def in_thread():
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                return steps(chromium.new_page(viewport={"width": 1280, "height": 900},
                                               locale="vi-VN"))
            finally:
                chromium.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(in_thread).result(timeout=180)


def test_a_case_is_answered_and_rated_in_the_browser(year, served):  # noqa: F811
    base, case_id = served
    SHOTS.mkdir(parents=True, exist_ok=True)

    def steps(page):
        page.goto(f"{base}/staff/login")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", StaffActions.PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_url(f"{base}/staff/**")
        page.goto(f"{base}/staff/cases?period=2025")
        assert page.get_by_text("Quá hạn").count() >= 1
        page.screenshot(path=str(SHOTS / "staff-cases.png"), full_page=True)
        page.goto(f"{base}/staff/cases/{case_id}")
        page.fill("textarea[name=text]", "Phường đã bố trí thêm một cán bộ tiếp nhận buổi sáng.")
        page.click("button[value=answer]")
        page.wait_for_load_state()
        page.click("button[value=reply_link]")
        page.wait_for_load_state()
        link = re.search(r"https?://\S+/r/[\w-]+", page.inner_text("p.flash")).group(0)
        page.screenshot(path=str(SHOTS / "staff-case.png"), full_page=True)
        page.goto(link)
        assert page.get_by_text("Phường đã bố trí thêm").count() == 1
        page.screenshot(path=str(SHOTS / "citizen-reply.png"), full_page=True)
        page.check("input[value=satisfied]")
        page.click("button[type=submit]")
        assert page.get_by_text("Đã nhận đánh giá").count() == 1
        page.goto(f"{base}/staff/service-quality?period=2025")
        page.screenshot(path=str(SHOTS / "staff-766.png"), full_page=True)
        page.goto(f"{base}/staff/audit")
        page.screenshot(path=str(SHOTS / "staff-audit.png"), full_page=False)

    _in_browser(steps)
    with year.app_context():
        case = db.session.get(FeedbackCase, case_id)
        assert (case.state, case.rating) == ("answered", "satisfied")
