"""The dashboard's comment count is the comment list it links to; each role opens on its
own surveys and on the last quarter with data."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from seeding import add_responses, by_code, load_reference

from support import StaffActions
from survey_app.extensions import db
from survey_app.models import Agency, Sector, StaffScope
from survey_app.services.reporting.periods import current_quarter

AT = datetime(2025, 8, 1, 3, tzinfo=UTC)  # 2025-Q3
COUNT = re.compile(r"(\d+) góp ý trong kỳ")
LIST_TOTAL = re.compile(r"<p>(\d+) góp ý")


@pytest.fixture
def seeded(app, runner):
    load_reference(app, runner)
    with app.app_context():
        add_responses(2, scores=2, agency="p-thanh-duc", sector="ho-tich",
                      counter="p-thanh-duc-1c", at=AT, comments=["Chờ lâu", "Thiếu ghế"])
        add_responses(3, scores=5, agency="ttphc-tinh", sector="dat-dai",
                      counter="ttphc-dat-dai", at=AT, comments=["Nhanh", "Tốt", "Ổn"])
        elsewhere = add_responses(1, scores=1, agency="ttphc-tinh", sector="xay-dung",
                                  counter="ttphc-xay-dung", at=AT, comments=["Sai hồ sơ"])
        # A comment on another agency's answer, assigned to the commune: it is theirs.
        elsewhere[0].comments[0].assigned_agency_id = by_code(Agency, "p-thanh-duc").id
        elsewhere[0].comments[0].status = "assigned"
        add_responses(4, scores=4, agency="bv-da-khoa-vinh-long", sector="y-te",
                      kind="health_outpatient", channel="link", at=AT,
                      comments=["Bác sĩ tận tình", "Chờ khám lâu"])
        db.session.commit()
        staff = StaffActions(app, app.test_client())
        staff.create("admin", "admin")
        staff.create("commune", "agency", [StaffScope(agency_id=by_code(Agency, "p-thanh-duc").id)])
        staff.create("health", "analyst", [StaffScope(sector_id=by_code(Sector, "y-te").id)])
    return app


def _client(app, username):
    client = app.test_client()
    StaffActions(app, client).login(username)
    return client


def _count_and_list(client, query: str) -> tuple[int, int]:
    html = client.get(f"/staff/?{query}").get_data(as_text=True)
    count = int(COUNT.search(html).group(1))
    link = re.search(r'href="(/staff/comments\?[^"]+)"', html).group(1).replace("&amp;", "&")
    listed = client.get(link).get_data(as_text=True)
    return count, int(LIST_TOTAL.search(listed).group(1))


@pytest.mark.parametrize(("user", "query", "expected"), [
    ("admin", "period=2025-Q3", 6),  # administrative answers only, as the page shows
    ("admin", "period=2025-Q3&survey=all", 8),
    ("admin", "period=2025-Q3&survey=health_outpatient", 2),
    ("admin", "period=2025-Q3&group=land-construction-investment", 4),
    ("commune", "period=2025-Q3", 3),  # its own 2 and the one assigned to it
    ("health", "period=2025-Q3&survey=all", 2),
])
def test_the_count_is_the_list_it_links_to(seeded, user, query, expected):
    assert _count_and_list(_client(seeded, user), query) == (expected, expected)


def test_a_drill_down_narrows_count_and_list_alike(seeded):
    client = _client(seeded, "admin")
    with seeded.app_context():
        land = by_code(Sector, "dat-dai").id
    assert _count_and_list(client, f"period=2025-Q3&sector={land}") == (3, 3)


def test_the_plain_comment_list_still_shows_every_survey(seeded):
    html = _client(seeded, "admin").get("/staff/comments?period=2025-Q3").get_data(as_text=True)
    assert int(LIST_TOTAL.search(html).group(1)) == 8


def test_each_role_opens_on_its_own_surveys_and_last_quarter_with_data(seeded):
    health = _client(seeded, "health").get("/staff/").get_data(as_text=True)
    assert 'value="all" selected' in health  # not administrative procedures
    assert "Quý III/2025" in re.search(r"<h1>(.*?)</h1>", health, re.S).group(1)
    admin = _client(seeded, "admin").get("/staff/").get_data(as_text=True)
    assert 'value="administrative" selected' in admin
    assert "Quý III/2025" in re.search(r"<h1>(.*?)</h1>", admin, re.S).group(1)


def test_with_no_data_the_dashboard_opens_on_this_quarter(app, runner):
    load_reference(app, runner)
    StaffActions(app, app.test_client()).create("admin", "admin")
    html = _client(app, "admin").get("/staff/").get_data(as_text=True)
    assert current_quarter().label("vi") in re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
