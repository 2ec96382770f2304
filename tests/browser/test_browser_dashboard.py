"""The staff dashboard in a real Chromium: the charts load as images under the CSP.

The page's policy forbids inline styles and scripts; matplotlib's SVG carries style
attributes, which the chart's own response policy allows. This checks that the browser
really draws every chart (an image blocked or broken has naturalWidth 0) and that no
policy violation is reported. A screenshot is left in test-artifacts/browser/.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from pages import Dashboard, expect
from seeding import add_responses, load_reference
from werkzeug.serving import make_server

from support import StaffActions, make_app
from survey_app.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture
def served(app, runner, database_url):
    load_reference(app, runner)
    at = datetime(2025, 8, 1, 3, tzinfo=UTC)
    with app.app_context():
        add_responses(60, scores=[5, 4, 4, 2, None], agency="ttphc-tinh", sector="dat-dai",
                      counter="ttphc-dat-dai", at=at, answers={"c15": [5, 3], "c19": 4,
                                                               "c23": 5, "c28": [4, 2],
                                                               "c31": 5})
        add_responses(80, scores=[5, 5, 4, 3], agency="p-thanh-duc", sector="ho-tich",
                      counter="p-thanh-duc-1c", at=at, channel="token")
        StaffActions(app, app.test_client()).create("admin", "admin")
    served = make_app(database_url)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with served.app_context():
        db.engine.dispose()


def test_dashboard_charts_render_under_the_csp(chromium, served, artifacts):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    dashboard = Dashboard(page, served)
    dashboard.login("admin", StaffActions.PASSWORD)  # logged in before going on
    dashboard.open(period="2025-Q3")
    expect(dashboard.charts()).to_have_count(4)
    widths = dashboard.chart_widths()
    assert all(width > 100 for width in widths), widths
    assert dashboard.count_of("Chưa đạt") >= 1
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    assert violations == []
    context.close()
