"""Typing a paper questionnaire in a real Chromium with the keyboard alone (no mouse)."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from campaign_support import analyst, health_input, today
from live_server import LiveServer
from sqlalchemy import select

from support import PROJECT, missing_part
from survey_app.extensions import db
from survey_app.models import Response
from survey_app.services.campaigns import setup as campaigns

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def campaign_ids(app, runner):
    with app.app_context():
        for what in ("reference", "questionnaires"):
            assert runner.invoke(args=[what, "load", str(PROJECT / what)]).exit_code == 0
        campaign = campaigns.create(health_input(), analyst("yte", "y-te"))
        facility = next(f for f in campaign.facilities
                        if f.agency.code == "bv-da-khoa-vinh-long")
        return campaign.id, facility.agency_id


@pytest.fixture
def browser():
    """Runs a function with a fresh Chromium page in a thread of its own.

    Playwright's sync API refuses a thread with a running asyncio loop, which another
    library in the same test run may have left behind: a new thread has none.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_part("playwright is not installed")
    if not shutil.which(CHROMIUM):
        missing_part(f"Chromium is not installed at {CHROMIUM}")

    def run(steps):
        def in_thread():
            with sync_playwright() as playwright:
                chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                try:
                    return steps(chromium.new_page(viewport={"width": 1280, "height": 900}))
                finally:
                    chromium.close()

        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(in_thread).result(timeout=180)

    return run


@pytest.fixture
def server(database_url, tmp_path, campaign_ids):
    live = LiveServer(database_url, tmp_path / "gunicorn.log", workers=1)
    live.start()
    yield live
    live.stop()


def test_a_paper_form_is_typed_with_the_keyboard_alone(app, server, browser, campaign_ids):
    campaign_id, agency_id = campaign_ids
    base = f"http://127.0.0.1:{server.port}"
    browser(lambda page: type_one_form(page, base, campaign_id, agency_id))
    with app.app_context():
        response = db.session.execute(select(Response)).scalar_one()
        answers = {a.item_code: (a.score, a.choice, a.number) for a in response.answers}
        assert response.channel == "paper"
        assert response.agency_id == agency_id
        assert response.overall_score == 4
        assert answers["a1"] == (4, None, None)
        assert answers["a2"] == (None, "not_used", None)
        assert answers["e6"] == (5, None, None)
        assert answers["gioi_tinh"] == (None, "nu", None)
        assert answers["tuoi"] == (None, None, 45.0)
        assert answers["g2"] == (None, "chac_chan_quay_lai", None)
        assert sum(1 for score, _, _ in answers.values() if score == 5) == 34


def type_one_form(page, base: str, campaign_id: int, agency_id: int) -> None:
    page.goto(f"{base}/staff/login")
    page.fill("input[name=username]", "yte")
    page.fill("input[name=password]", "correct horse battery staple")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{base}/staff/**")

    # "save and next" brings the typist here with facility and date kept
    page.goto(f"{base}/staff/campaigns/{campaign_id}/paper?facility={agency_id}"
              f"&date={today().isoformat()}")
    assert page.evaluate("document.activeElement.name") == "nguoi_tra_loi"
    keyboard = page.keyboard
    keyboard.press("1")           # nguoi_tra_loi: 1st option (the patient)
    keyboard.press("2")           # gioi_tinh: 2nd option (female)
    keyboard.type("45")           # tuoi
    keyboard.press("Tab")
    keyboard.type("3")            # so_ngay_nam_vien
    keyboard.press("Tab")
    keyboard.press("1")           # bhyt: yes
    keyboard.press("2")           # noi_song
    keyboard.press("3")           # muc_song
    keyboard.type("1")            # lan_nam_vien
    keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "a1"
    keyboard.press("4")           # a1 = 4
    keyboard.press("k")           # a2 = not used
    for _ in range(34):           # a3 … e6 = 5
        keyboard.press("5")
    keyboard.type("90")           # g1
    keyboard.press("Tab")
    keyboard.press("5")           # g2: surely come back
    keyboard.press("Tab")         # g2_khac: left empty
    assert page.evaluate("document.activeElement.name") == "q_overall"
    keyboard.press("4")           # the overall item
    keyboard.press("Tab")         # q_comment: left empty
    assert page.evaluate("document.activeElement.value") == "1"  # "save and next"
    with page.expect_navigation():
        keyboard.press("Enter")  # posts, then the redirect to the next empty form
    page.wait_for_load_state()
    assert "saved" in page.content() or "Đã lưu" in page.content()
    assert page.evaluate("document.activeElement.name") == "nguoi_tra_loi"

