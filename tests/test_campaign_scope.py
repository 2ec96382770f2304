"""Who may see and run a campaign, and the editing rules, through real HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from campaign_support import analyst, csv_file, health_input, paper_row, today
from sqlalchemy import select

from support import PROJECT, csrf_token_from
from survey_app.extensions import db
from survey_app.models import Campaign, Response, Sector, StaffScope
from survey_app.services.campaigns import setup as campaigns
from survey_app.services.paper import imports as paper_import
from survey_app.services.paper.files import read_table


@pytest.fixture
def hospital_campaign(app, runner):
    """A health campaign with one paper response, created by a health analyst."""
    with app.app_context():
        for what in ("reference", "questionnaires"):
            assert runner.invoke(args=[what, "load", str(PROJECT / what)]).exit_code == 0
        owner = analyst("yte", "y-te")
        campaign = campaigns.create(health_input(), owner)
        table = read_table("a.csv", csv_file(
            campaign, [paper_row(campaign, "bv-da-khoa-vinh-long", today(), 5)]))
        paper_import.import_table(campaign, "a.csv", table, owner.id)
        return campaign.id


def login_with_sector(app, staff, username, role, sector_code):
    with app.app_context():
        sector_id = db.session.execute(
            select(Sector.id).where(Sector.code == sector_code)).scalar_one()
    staff.create(username, role, scopes=[StaffScope(sector_id=sector_id)])
    staff.login(username)


PAGES = ["", "/edit", "/paper", "/import", "/template.xlsx", "/template.csv", "/posters.pdf"]


def test_a_school_department_user_cannot_see_a_hospital_campaign(
        app, client, staff, hospital_campaign):
    login_with_sector(app, staff, "truong", "analyst", "giao-duc")
    for suffix in PAGES:
        assert client.get(f"/staff/campaigns/{hospital_campaign}{suffix}").status_code == 404
    with app.app_context():
        code = db.session.get(Campaign, hospital_campaign).facilities[0].code
    assert client.get(f"/staff/campaigns/{hospital_campaign}/qr/{code}.svg").status_code == 404


def test_a_school_department_user_cannot_post_to_a_hospital_campaign(
        app, client, staff, hospital_campaign):
    login_with_sector(app, staff, "truong", "analyst", "giao-duc")
    token = csrf_token_from(client.get("/staff/campaigns").get_data(as_text=True))
    listing = client.get("/staff/campaigns").get_data(as_text=True)
    assert "Khảo sát người bệnh nội trú" not in listing
    for suffix in ("/close", "/paper", "/import", "/edit"):
        answer = client.post(f"/staff/campaigns/{hospital_campaign}{suffix}",
                             data={"csrf_token": token, "q_overall": "5"})
        assert answer.status_code == 404, suffix
    with app.app_context():
        campaign = db.session.get(Campaign, hospital_campaign)
        assert campaigns.window_state(campaign) == "open"
        assert len(db.session.execute(select(Response.id)).all()) == 1


def test_a_health_viewer_reads_progress_but_cannot_run_the_campaign(
        app, client, staff, hospital_campaign):
    login_with_sector(app, staff, "xem", "viewer", "y-te")
    page = client.get(f"/staff/campaigns/{hospital_campaign}")
    assert page.status_code == 200
    assert "/paper" not in page.get_data(as_text=True)
    assert client.get(f"/staff/campaigns/{hospital_campaign}/paper").status_code == 404
    assert client.get("/staff/campaigns/new?sector=y-te").status_code == 404


def test_staff_pages_need_a_login(client, hospital_campaign):
    answer = client.get(f"/staff/campaigns/{hospital_campaign}")
    assert answer.status_code == 302
    assert "/staff/login" in answer.headers["Location"]


def test_the_questionnaire_is_fixed_once_responses_exist(app, hospital_campaign):
    from survey_app.services.questionnaires import versions as questionnaires

    with app.app_context():
        campaign = db.session.get(Campaign, hospital_campaign)
        owner = db.session.get(campaigns.StaffUser, campaign.created_by_id)
        data = health_input()
        data.version_id = questionnaires.current_version("health_outpatient").id
        with pytest.raises(campaigns.CampaignError) as refused:
            campaigns.update(campaign, data, owner)
        assert refused.value.field == "version"
        # a facility with responses stays in the campaign
        data = health_input(volumes={"bv-da-khoa-tra-vinh": 800})
        with pytest.raises(campaigns.CampaignError):
            campaigns.update(db.session.get(Campaign, hospital_campaign), data, owner)
        # quotas may change while the campaign is open
        data = health_input()
        data.facilities[0].quota = 77
        campaigns.update(db.session.get(Campaign, hospital_campaign), data, owner)
        assert 77 in {f.quota for f in db.session.get(Campaign, hospital_campaign).facilities}


def test_nothing_changes_after_the_close(app, hospital_campaign):
    with app.app_context():
        campaign = db.session.get(Campaign, hospital_campaign)
        owner = db.session.get(campaigns.StaffUser, campaign.created_by_id)
        campaigns.close_now(campaign)
        with pytest.raises(campaigns.CampaignError):
            campaigns.update(campaign, health_input(), owner)
        # and a paper form dated after the close is refused by the row check
        checker = paper_import.RowChecker(campaign)
        assert checker.last_day <= today()
        _form, errors = checker.check(9, {"facility": "bv-da-khoa-vinh-long",
                                          "date": f"{today() + timedelta(days=1):%d/%m/%Y}",
                                          "q_overall": "4"})
        assert [e.problem for e in errors] == ["date_outside"]


def test_a_facility_quota_is_proposed_in_the_form(app, client, staff, hospital_campaign):
    login_with_sector(app, staff, "yte2", "analyst", "y-te")
    page = client.get(f"/staff/campaigns/{hospital_campaign}/edit").get_data(as_text=True)
    with app.app_context():
        quotas = {f.quota for f in db.session.get(Campaign, hospital_campaign).facilities}
    for quota in quotas:
        assert f'value="{quota}"' in page
