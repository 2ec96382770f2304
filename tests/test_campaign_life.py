"""A health campaign's whole life through real HTTP: create, distribute, collect online and
on paper, import (bad then good, then the same again), close, report; numbers checked
against an independent count of the rows."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from campaign_support import HOSPITALS, csv_file, paper_row, today
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from support import PROJECT, PUBLIC_BASE_URL, csrf_token_from
from survey_app.extensions import db
from survey_app.models import (
    Agency,
    Campaign,
    CampaignFacility,
    ImportBatch,
    Response,
    Sector,
    StaffScope,
)
from survey_app.services.questionnaires import versions as questionnaires


@pytest.fixture
def loaded(app, runner):
    """Reference data and questionnaires, loaded without holding an app context (requests
    then get their own, as in production)."""
    with app.app_context():
        for what in ("reference", "questionnaires"):
            result = runner.invoke(args=[what, "load", str(PROJECT / what)])
            assert result.exit_code == 0, result.output
    return app


def ids(app, model, *codes) -> list[int]:
    with app.app_context():
        return [db.session.execute(select(model.id).where(model.code == code)).scalar_one()
                for code in codes]


def sector_user(staff, app, username: str, sector_code: str):
    (sector_id,) = ids(app, Sector, sector_code)
    staff.create(username, "analyst", scopes=[StaffScope(sector_id=sector_id)])
    return staff.login(username)


def create_campaign(client, app, margin="10", opens_on=None, closes_on=None):
    page = client.get("/staff/campaigns/new?sector=y-te")
    assert page.status_code == 200
    with app.app_context():
        version = questionnaires.current_version("health_inpatient").id
    data = {
        "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        "name_vi": "Khảo sát người bệnh nội trú 2026", "name_en": "Inpatients 2026",
        "version": str(version), "respondent_group": "inpatient",
        "opens_on": (opens_on or today() - timedelta(days=2)).isoformat(),
        "closes_on": (closes_on or today() + timedelta(days=20)).isoformat(),
        "margin": margin, "previous": "0",
    }
    for agency_id, volume in zip(ids(app, Agency, *HOSPITALS), HOSPITALS.values(), strict=True):
        data.update({f"include-{agency_id}": "on", f"volume-{agency_id}": str(volume),
                     f"quota-{agency_id}": ""})
    return client.post("/staff/campaigns/new?sector=y-te", data=data)


def facility_codes(app, campaign_id: int) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(
            select(Agency.code, CampaignFacility.code).join(CampaignFacility.agency)
            .where(CampaignFacility.campaign_id == campaign_id)
        ).all()
    return dict(rows)


def answer_online(client, code: str, overall: str, **more):
    page = client.get(f"/s/{code}")
    html = page.get_data(as_text=True)
    submission_id = re.search(r'name="submission_id"[^>]*value="([^"]+)"', html)
    submission_id = submission_id or re.search(r'value="([^"]+)"[^>]*name="submission_id"', html)
    data = {"csrf_token": csrf_token_from(html), "submission_id": submission_id.group(1),
            "q_overall": overall, **more}
    return client.post(f"/s/{code}", data=data)


def count_rows(app, *where) -> int:
    with app.app_context():
        return db.session.execute(
            select(func.count()).select_from(Response).where(*where)).scalar()


def test_a_campaign_from_creation_to_report(loaded, client, staff, runner, tmp_path):
    app = loaded
    sector_user(staff, app, "yte", "y-te")
    created = create_campaign(client, app)
    assert created.status_code == 302, created.get_data(as_text=True)
    campaign_id = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    codes = facility_codes(app, campaign_id)
    vl, tv = codes["bv-da-khoa-vinh-long"], codes["bv-da-khoa-tra-vinh"]

    # distribute: the progress page shows the links, QR and posters
    page = client.get(f"/staff/campaigns/{campaign_id}").get_data(as_text=True)
    assert f"{PUBLIC_BASE_URL}/s/{vl}" in page
    svg = client.get(f"/staff/campaigns/{campaign_id}/qr/{vl}.svg")
    assert svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data
    poster = client.get(f"/staff/campaigns/{campaign_id}/posters.pdf?facility={vl}")
    text = PdfReader(io.BytesIO(poster.data)).pages[0].extract_text()
    assert f"{PUBLIC_BASE_URL}/s/{vl}" in text
    assert "Bệnh viện Đa khoa tỉnh Vĩnh Long" in text

    # collect online
    for overall in ("5", "4", "2"):
        assert answer_online(client, vl, overall, a1="5").status_code == 302
    assert answer_online(client, tv, "4").status_code == 302
    refused = answer_online(client, tv, "9")
    assert refused.status_code == 422
    with app.app_context():
        online = db.session.execute(select(Response).where(Response.channel == "link")).scalars()
        online = list(online)
        assert len(online) == 4
        assert {r.campaign_id for r in online} == {campaign_id}
        assert {r.sector_id for r in online} == set(ids(app, Sector, "y-te"))

    # one paper form typed by hand, then "save and next" keeps facility and date
    (vl_agency,) = ids(app, Agency, "bv-da-khoa-vinh-long")
    form = client.get(f"/staff/campaigns/{campaign_id}/paper").get_data(as_text=True)
    assert "autofocus" in form
    typed = client.post(f"/staff/campaigns/{campaign_id}/paper", data={
        "csrf_token": csrf_token_from(form), "facility": str(vl_agency),
        "filled_on": today().isoformat(), "q_overall": "3", "a1": "not_used", "next": "1",
    })
    assert typed.status_code == 302
    assert f"facility={vl_agency}" in typed.headers["Location"]
    again = client.get(typed.headers["Location"]).get_data(as_text=True)
    assert f'<option selected value="{vl_agency}">' in again
    assert today().isoformat() in again
    with app.app_context():
        paper = db.session.execute(select(Response).where(Response.channel == "paper")).scalar_one()
        assert paper.entered_by_id is not None
        assert paper.entered_at is not None

    # a file with errors: refused, every problem listed, nothing stored
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        bad = csv_file(campaign, [paper_row(campaign, "bv-da-khoa-vinh-long", today(), 4),
                                  paper_row(campaign, "bv-da-khoa-vinh-long", today(), 4, a3=6)])
        good_rows = [paper_row(campaign, "bv-da-khoa-tra-vinh", today(), s) for s in (5, 4, 1)]
        good_rows.append(paper_row(campaign, "bv-da-khoa-vinh-long", today(), 5))
        good = csv_file(campaign, good_rows)
    before = count_rows(app)
    page = client.get(f"/staff/campaigns/{campaign_id}/import").get_data(as_text=True)
    token = csrf_token_from(page)
    result = client.post(f"/staff/campaigns/{campaign_id}/import", data={
        "csrf_token": token, "file": (io.BytesIO(bad), "bad.csv")})
    assert result.status_code == 422
    assert "a3" in result.get_data(as_text=True)
    assert count_rows(app) == before

    # a good one, then the same content again (refused)
    result = client.post(f"/staff/campaigns/{campaign_id}/import", data={
        "csrf_token": token, "file": (io.BytesIO(good), "good.csv")})
    assert result.status_code == 302
    assert count_rows(app) == before + 4
    result = client.post(f"/staff/campaigns/{campaign_id}/import", data={
        "csrf_token": token, "file": (io.BytesIO(good), "good-copy.csv")})
    assert result.status_code == 409
    assert count_rows(app) == before + 4

    # close: the link shows the closed page and stores nothing
    opened_before = csrf_token_from(client.get(f"/s/{vl}").get_data(as_text=True))
    page = client.get(f"/staff/campaigns/{campaign_id}").get_data(as_text=True)
    closed = client.post(f"/staff/campaigns/{campaign_id}/close",
                         data={"csrf_token": csrf_token_from(page)})
    assert closed.status_code == 302
    total = count_rows(app)
    link = client.get(f"/s/{vl}")
    assert link.status_code == 200
    assert "closed" in link.get_data(as_text=True) or "đã kết thúc" in link.get_data(as_text=True)
    late = client.post(f"/s/{vl}", data={"q_overall": "5", "csrf_token": opened_before})
    assert late.status_code == 409
    assert count_rows(app) == total

    # report: the progress page against an independent count
    with app.app_context():
        expected = {}
        for code in HOSPITALS:
            (agency_id,) = ids(app, Agency, code)
            mine = (Response.campaign_id == campaign_id, Response.agency_id == agency_id)
            expected[code] = (count_rows(app, *mine),
                              count_rows(app, *mine, Response.overall_score >= 4))
    # online 5, 4, 2 + typed 3 + imported 5 at Vĩnh Long; online 4 + imported 5, 4, 1 at Trà Vinh
    assert expected == {"bv-da-khoa-vinh-long": (5, 3), "bv-da-khoa-tra-vinh": (4, 3)}
    report = client.get(f"/staff/campaigns/{campaign_id}?lang=en").get_data(as_text=True)
    assert "60.0%" in report  # Vĩnh Long: 3 of 5 satisfied
    assert "75.0%" in report  # Trà Vinh: 3 of 4
    assert "66.7%" in report  # unweighted: 6 of 9
    # weighted by volume: 1200 and 800 patients, shares 0.6 and 0.4
    assert f"{100 * (0.6 * 3 / 5 + 0.4 * 3 / 4):.1f} %" == "66.0 %"
    assert "66.0%" in report  # English page: English number format


def test_not_yet_open_link_stores_nothing(loaded, client, staff):
    sector_user(staff, loaded, "yte", "y-te")
    created = create_campaign(client, loaded, opens_on=today() + timedelta(days=5),
                              closes_on=today() + timedelta(days=9))
    campaign_id = int(created.headers["Location"].rsplit("/", 1)[-1])
    code = facility_codes(loaded, campaign_id)["bv-da-khoa-vinh-long"]
    page = client.get(f"/s/{code}?lang=en").get_data(as_text=True)
    assert "not open yet" in page
    opens = today() + timedelta(days=5)
    assert f"{opens.day} {opens:%b %Y}" in page  # an English page: "7 Dec 2026"
    token = csrf_token_from(client.get(f"/staff/campaigns/{campaign_id}").get_data(as_text=True))
    sent = client.post(f"/s/{code}", data={"q_overall": "5", "csrf_token": token})
    assert sent.status_code == 409
    assert count_rows(loaded) == 0


def test_the_template_round_trips_through_the_import(loaded, client, staff):
    sector_user(staff, loaded, "yte", "y-te")
    campaign_id = int(create_campaign(client, loaded).headers["Location"].rsplit("/", 1)[-1])
    download = client.get(f"/staff/campaigns/{campaign_id}/template.xlsx")
    workbook = load_workbook(io.BytesIO(download.data))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["facility", "date"]
    assert "q_overall" in header
    assert sheet["A2"].value.startswith("#")
    assert "Hướng dẫn" in workbook.sheetnames
    readme = [row[0] for row in workbook["Hướng dẫn"].iter_rows(values_only=True)]
    assert "bv-da-khoa-vinh-long" in readme
    row = {name: None for name in header}
    row.update(facility="bv-da-khoa-vinh-long", date=today().strftime("%d/%m/%Y"),
               q_overall=4, a1="KSD", gioi_tinh=1)
    sheet.append([row[name] for name in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = client.get(f"/staff/campaigns/{campaign_id}/import").get_data(as_text=True)
    result = client.post(f"/staff/campaigns/{campaign_id}/import", data={
        "csrf_token": csrf_token_from(page), "file": (io.BytesIO(buffer.getvalue()), "t.xlsx")})
    assert result.status_code == 302, result.get_data(as_text=True)
    assert count_rows(loaded, Response.channel == "paper") == 1
    csv_template = client.get(f"/staff/campaigns/{campaign_id}/template.csv")
    assert csv_template.data.startswith("\ufeff".encode())
    assert csv_template.data.decode("utf-8-sig").splitlines()[0].startswith("facility,date,")


def test_an_upload_over_the_limit_gets_a_friendly_413(loaded, client, staff):
    sector_user(staff, loaded, "yte", "y-te")
    campaign_id = int(create_campaign(client, loaded).headers["Location"].rsplit("/", 1)[-1])
    page = client.get(f"/staff/campaigns/{campaign_id}/import").get_data(as_text=True)
    # Encoded in memory: the test client would otherwise spool it to a file it never closes.
    boundary, body = encode_multipart({
        "csrf_token": csrf_token_from(page),
        "file": FileStorage(io.BytesIO(b"x" * (16 * 1024 * 1024 + 1)), "huge.csv")})
    result = client.post(f"/staff/campaigns/{campaign_id}/import", data=body,
                         content_type=f"multipart/form-data; boundary={boundary}")
    assert result.status_code == 413
    assert "16 MB" in result.get_data(as_text=True)
    assert count_rows(loaded) == 0


def test_an_import_without_the_csrf_token_is_refused(loaded, client, staff):
    sector_user(staff, loaded, "yte", "y-te")
    campaign_id = int(create_campaign(client, loaded).headers["Location"].rsplit("/", 1)[-1])
    with loaded.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        data = csv_file(campaign, [paper_row(campaign, "bv-da-khoa-vinh-long", today(), 5)])
    result = client.post(f"/staff/campaigns/{campaign_id}/import",
                         data={"file": (io.BytesIO(data), "a.csv")})
    assert result.status_code == 422
    assert count_rows(loaded) == 0
    with loaded.app_context():
        assert db.session.execute(select(func.count()).select_from(ImportBatch)).scalar() == 0
