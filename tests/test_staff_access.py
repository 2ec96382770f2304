"""The access matrix: every staff route, for every role and scope.

The routes are read from app.url_map, so a route added later is walked too (and
fails here until it gets URL arguments below). A health analyst must get nothing
from the land sector through pages, charts, exports or comment lists; a viewer
never sees a comment; nobody gets in without logging in.
"""

import io
from datetime import UTC, datetime

import pytest
from seeding import add_responses, by_code, load_reference, version_of

from support import StaffActions
from survey_app.extensions import db
from survey_app.models import (
    Agency,
    AuditLog,
    Campaign,
    CampaignFacility,
    Comment,
    Counter,
    Sector,
    StaffScope,
)
from survey_app.services.feedback.cases import open_cases
from survey_app.services.feedback.listing import case_for_comment
from survey_app.staff import PUBLIC_VIEWS
from survey_app.staff.charts import CHART_NAMES

LAND_COMMENT = "Hồ sơ đất đai trễ hẹn ZQLAND"
HEALTH_COMMENT = "Phòng bệnh sạch sẽ ZQHEALTH"
# Text that only land data would put on a page or file: the land comment, the land
# counter's name and code (its QR code carries the code), the land sector's name, and an
# education campaign (out of a health reader's scope as well).
LAND_MARKERS = ("ZQLAND", "quầy đất đai", "ttphc-dat-dai", ">Đất đai<", "ZQEDU")
COMMENT_MARKERS = ("ZQLAND", "ZQHEALTH")
PERIOD = {"period": "2025-Q3"}


@pytest.fixture
def world(app, runner):
    """Land answers at the provincial centre, health answers at a hospital, five users."""
    load_reference(app, runner)
    with app.app_context():
        return _seed(app)


def _seed(app):
    at = datetime(2025, 8, 1, 3, tzinfo=UTC)
    land = add_responses(35, scores=[5, 4, 2], agency="ttphc-tinh", sector="dat-dai",
                         counter="ttphc-dat-dai", at=at, comments=[LAND_COMMENT],
                         answers={"c15": 5, "c19": 4})
    health = add_responses(31, scores=[5, 3], agency="bv-da-khoa-vinh-long", sector="y-te",
                           kind="health_inpatient", channel="paper", at=at,
                           comments=[HEALTH_COMMENT])
    campaigns = [_campaign("kcb-2025", "health_inpatient", "so-y-te", "y-te",
                           "bv-da-khoa-vinh-long", "inpatient"),
                 _campaign("zqedu-2025", "education_parent", "so-gddt", "giao-duc",
                           "thpt-luu-van-liet", "parent")]
    ids = {
        "campaigns": [c.id for c in campaigns],
        "facility_codes": [f.code for c in campaigns for f in c.facilities],
        "land_comment": land[0].comments[0].id, "health_comment": health[0].comments[0].id,
        "land_sector": by_code(Sector, "dat-dai").id, "land_agency": by_code(Agency,
                                                                             "ttphc-tinh").id,
        "land_counter": by_code(Counter, "ttphc-dat-dai").id,
    }
    # Both comments made feedback cases (tagged as complaints for a moment), one per scope.
    land[0].comments[0].tags = health[0].comments[0].tags = ["phản ánh"]
    db.session.commit()
    open_cases()
    land[0].comments[0].tags = health[0].comments[0].tags = []
    db.session.commit()
    ids["cases"] = [case_for_comment(ids["land_comment"]), case_for_comment(ids["health_comment"])]
    staff = StaffActions(app, app.test_client())
    ids["admin"] = staff.create("admin", "admin")
    staff.create("health", "analyst", [StaffScope(sector_id=by_code(Sector, "y-te").id)])
    staff.create("landviewer", "viewer", [StaffScope(sector_id=ids["land_sector"])])
    staff.create("healthdept", "agency", [StaffScope(agency_id=by_code(Agency, "so-y-te").id)])
    staff.create("nobody", "analyst")
    return ids


def _campaign(code, kind, owner, sector, facility, group):
    campaign = Campaign(
        code=code, name_vi=f"Khảo sát {code.upper()}", name_en=f"Survey {code.upper()}",
        questionnaire_version_id=version_of(kind).id, owner_agency_id=by_code(Agency, owner).id,
        sector_id=by_code(Sector, sector).id, respondent_group=group,
        opens_at=datetime(2025, 7, 1, tzinfo=UTC), closes_at=datetime(2025, 9, 30, tzinfo=UTC))
    campaign.facilities.append(CampaignFacility(agency_id=by_code(Agency, facility).id,
                                                code=f"{code}-f1"))
    db.session.add(campaign)
    db.session.commit()
    return campaign


def _text_of(response) -> str:
    """What a reader would see: page text, or the text inside a PDF or a workbook."""
    data = response.get_data()
    if response.mimetype == "application/pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    if response.mimetype.endswith("spreadsheetml.sheet"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    if response.mimetype == "image/png":  # a poster: what its QR code says
        import zxingcpp
        from PIL import Image

        return "\n".join(code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(data))))
    return data.decode("utf-8")


def _client(app, username):
    client = app.test_client()
    StaffActions(app, client).login(username)
    return client


def _urls(app, world):
    """(rule, method, url) for every staff route, with arguments from seeded objects."""
    values = {
        "comment_id": [world["land_comment"], world["health_comment"]],
        "user_id": [world["admin"]], "name": list(CHART_NAMES),
        "agency_id": [world["land_agency"]], "sector_id": [world["land_sector"]],
        "counter_id": [world["land_counter"]], "counter_code": ["ttphc-dat-dai"],
        "agency_code": ["ttphc-tinh"],
        "campaign_id": world["campaigns"], "code": world["facility_codes"],
        "fmt": ["xlsx", "csv"],
        "case_id": world["cases"],
        "job_id": [1],  # no such job: the route must still ask for a login (or say 404)
    }
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("staff.") or rule.endpoint in PUBLIC_VIEWS:
            continue
        missing = [arg for arg in rule.arguments if arg not in values]
        assert not missing, f"add URL arguments {missing} for {rule.rule} to this test"
        combos = [{}]
        for arg in sorted(rule.arguments):
            combos = [dict(c, **{arg: v}) for c in combos for v in values[arg]]
        with app.test_request_context():
            from flask import url_for
            for combo in combos:
                url = url_for(rule.endpoint, **combo, **PERIOD)
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    found.append((rule.endpoint, method, url))
    return found


def test_every_staff_route_requires_login(app, world):
    client = app.test_client()
    urls = _urls(app, world)
    assert len({endpoint for endpoint, _, _ in urls}) >= 8
    for endpoint, method, url in urls:
        response = client.open(url, method=method)
        if method == "GET":
            assert response.status_code == 302, (endpoint, url)
            assert "/staff/login" in response.headers["Location"]
        else:  # refused before any handler runs: CSRF check (400) or the login guard (302)
            assert response.status_code in (302, 400), (endpoint, url)
        assert b"ZQ" not in response.data


@pytest.mark.parametrize(("username", "forbidden"), [
    ("health", LAND_MARKERS),
    ("healthdept", LAND_MARKERS),
    ("landviewer", COMMENT_MARKERS),
    ("nobody", LAND_MARKERS + COMMENT_MARKERS),
])
def test_out_of_scope_data_never_appears(app, world, username, forbidden):
    client = _client(app, username)
    for endpoint, method, url in _urls(app, world):
        if method != "GET":
            continue
        response = client.get(url)
        assert response.status_code in (200, 400, 403, 404), (endpoint, url)
        body = _text_of(response)
        for marker in forbidden:
            assert marker not in body, (username, url, marker)


def test_admin_sees_everything(app, world):
    client = _client(app, "admin")
    mine = {"staff.dashboard", "staff.chart", "staff.comment_list", "staff.comment_detail",
            "staff.user_list", "staff.user_new", "staff.user_edit"}
    for endpoint, method, url in _urls(app, world):
        if method == "GET":
            # Never refused; a 404 only where the arguments do not fit together (a
            # facility code of another campaign, a page that needs more parameters).
            expected = (200,) if endpoint in mine else (200, 404)
            assert client.get(url).status_code in expected, (endpoint, url)
    assert LAND_COMMENT in client.get("/staff/comments?period=2025-Q3").get_data(as_text=True)


def test_drilling_into_another_sector_is_not_found(app, world):
    client = _client(app, "health")
    land = world["land_sector"]
    assert client.get(f"/staff/?period=2025-Q3&sector={land}").status_code == 404
    assert client.get(f"/staff/charts/breakdown.svg?period=2025-Q3&sector={land}").status_code \
        == 404
    assert client.get(f"/staff/comments/{world['land_comment']}").status_code == 404
    # ... and the health analyst's own figures hold only health answers.
    body = client.get("/staff/?period=2025-Q3&survey=all").get_data(as_text=True)
    assert "Y tế" in body
    assert ">31<" in body  # the 31 health responses, nothing from the 35 land ones
    assert ">35<" not in body
    assert ">66<" not in body


def test_someone_out_of_scope_cannot_change_a_comment(app, world):
    client = _client(app, "health")
    page = client.get(f"/staff/comments/{world['health_comment']}")
    from support import csrf_token_from

    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post(f"/staff/comments/{world['land_comment']}", data={
        "csrf_token": token, "tags": "hacked", "reply_note": "x", "handled": "y"})
    assert response.status_code == 404
    with app.app_context():
        comment = db.session.get(Comment, world["land_comment"])
        assert comment.status == "new"
        assert comment.tags == []


def test_roles_are_checked_on_admin_and_comment_pages(app, world):
    viewer = _client(app, "landviewer")
    assert viewer.get("/staff/comments").status_code == 403
    assert viewer.get(f"/staff/comments/{world['land_comment']}").status_code == 403
    assert viewer.get("/staff/users").status_code == 403
    assert _client(app, "health").get("/staff/users/new").status_code == 403
    with app.app_context():
        reads = db.session.query(AuditLog).filter(AuditLog.action.like("comments.%")).count()
    assert reads == 0  # refused requests read nothing, so log nothing
