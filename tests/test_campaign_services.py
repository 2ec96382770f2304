"""Campaign rules and the paper import, at the service level (no HTTP)."""

from datetime import timedelta

import pytest
from campaign_support import (
    agency,
    analyst,
    csv_file,
    health_input,
    paper_row,
    today,
)
from sqlalchemy import func, select

import analysis
from survey_app.extensions import db
from survey_app.models import Answer, ImportBatch, Response
from survey_app.services.access.scope import Scope
from survey_app.services.campaigns import progress as campaign_progress
from survey_app.services.campaigns import setup as campaigns
from survey_app.services.paper import imports as paper_import
from survey_app.services.paper.files import read_table


@pytest.fixture
def health_analyst(reference_data):
    return analyst("yte", "y-te")


@pytest.fixture
def campaign(health_analyst):
    return campaigns.create(health_input(), health_analyst)


def count(model, *where) -> int:
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar()


def test_quotas_are_proposed_from_volume_and_margin(campaign):
    quotas = {f.agency.code: f.quota for f in campaign.facilities}
    assert quotas["bv-da-khoa-vinh-long"] == analysis.sample_size(0.1, population=1200)
    assert quotas["bv-da-khoa-tra-vinh"] == analysis.sample_size(0.1, population=800)
    assert campaign.owner_agency.code == "so-y-te"
    codes = {f.code for f in campaign.facilities}
    assert len(codes) == 2
    assert all(len(code) == 8 for code in codes)


def test_window_is_stored_in_utc_from_local_days(campaign):
    first, last = campaigns.local_days(campaign)
    assert first == today() - timedelta(days=3)
    assert last == today() + timedelta(days=10)
    # local midnight in Vietnam (UTC+7) is 17:00 UTC the day before
    assert campaign.opens_at.hour == 17
    assert campaigns.window_state(campaign) == "open"


def test_an_education_questionnaire_does_not_fit_health(health_analyst):
    from survey_app.services.questionnaires import versions as questionnaires

    data = health_input()
    data.version_id = questionnaires.current_version("education_parent").id
    with pytest.raises(campaigns.CampaignError) as refused:
        campaigns.create(data, health_analyst)
    assert refused.value.field == "version"


def test_a_school_analyst_cannot_run_a_health_campaign(reference_data):
    school = analyst("gd", "giao-duc")
    with pytest.raises(campaigns.CampaignError):
        campaigns.create(health_input(), school)


def test_a_school_is_not_a_health_facility(health_analyst):
    data = health_input()
    data.facilities.append(campaigns.FacilityInput(agency("thpt-luu-van-liet").id, 500))
    with pytest.raises(campaigns.CampaignError) as refused:
        campaigns.create(data, health_analyst)
    assert refused.value.field == "facilities"


def test_a_facility_is_in_one_campaign_of_a_kind_at_a_time(campaign, health_analyst):
    with pytest.raises(campaigns.CampaignError) as refused:
        campaigns.create(health_input(), health_analyst)
    assert "at the same time" in str(refused.value)
    later = health_input(opens_on=today() + timedelta(days=30),
                         closes_on=today() + timedelta(days=40))
    assert campaigns.create(later, health_analyst).id != campaign.id


def test_paper_file_with_errors_stores_nothing_and_says_where(campaign, health_analyst):
    definition = campaign.questionnaire_version.definition
    rows = [
        paper_row(campaign, "bv-da-khoa-vinh-long", today(), 5, a1="KSD", a2=4),
        paper_row(campaign, "bv-da-khoa-vinh-long", today(), 4, a3=6),
        paper_row(campaign, "nowhere", today() + timedelta(days=1), "", tuoi="abc"),
    ]
    table = read_table("forms.csv", csv_file(campaign, rows))
    with pytest.raises(paper_import.InvalidFile) as refused:
        paper_import.import_table(campaign, "forms.csv", table, health_analyst.id)
    lines = [error.text() for error in refused.value.errors]
    assert 'row 4, column a3: "6" is not one of 1–5 or KSD' in lines
    assert any(line.startswith("row 5, column facility:") for line in lines)
    assert any(line.startswith("row 5, column date:") for line in lines)
    assert any(line.startswith("row 5, column tuoi:") for line in lines)
    assert f"row 5, column {definition['overall_item']}: is empty but must be answered" in lines
    assert count(Response) == 0
    assert count(Answer) == 0
    assert count(ImportBatch) == 0


def test_a_good_file_is_imported_once(campaign, health_analyst):
    rows = [paper_row(campaign, "bv-da-khoa-vinh-long", today(), 5, a1="ksd", gioi_tinh=2,
                      bhyt="có", tuoi="45,5"),
            paper_row(campaign, "bv-da-khoa-tra-vinh", today() - timedelta(days=1), 2)]
    data = csv_file(campaign, rows)
    batch = paper_import.import_table(campaign, "a.csv", read_table("a.csv", data),
                                      health_analyst.id)
    assert batch.rows == 2
    stored = db.session.execute(select(Response).order_by(Response.id)).scalars().all()
    assert [r.channel for r in stored] == ["paper", "paper"]
    assert {r.entered_by_id for r in stored} == {health_analyst.id}
    assert all(r.entered_at is not None and r.import_batch_id == batch.id for r in stored)
    first = {a.item_code: (a.score, a.choice, a.number) for a in stored[0].answers}
    assert first["a1"] == (None, "not_used", None)
    assert first["gioi_tinh"] == (None, "nu", None)
    assert first["bhyt"] == (None, "yes", None)
    assert first["tuoi"] == (None, None, 45.5)
    with pytest.raises(paper_import.AlreadyImported):
        paper_import.import_table(campaign, "copy.csv", read_table("copy.csv", data), None)
    assert count(Response) == 2


def test_progress_counts_match_an_independent_count(campaign, health_analyst):
    vl, tv = "bv-da-khoa-vinh-long", "bv-da-khoa-tra-vinh"
    scores = {vl: [5, 4, 4, 3, 2, 5], tv: [5, 5, 1]}
    rows = [paper_row(campaign, code, today() - timedelta(days=i % 2), s)
            for code, values in scores.items() for i, s in enumerate(values)]
    paper_import.import_table(campaign, "b.csv", read_table("b.csv", csv_file(campaign, rows)),
                              health_analyst.id)
    result = campaign_progress.progress(campaign, Scope.for_user(health_analyst))
    by_code = {agency(code).id: code for code in scores}
    for facility in result.facilities:
        values = scores[by_code[facility.agency_id]]
        assert facility.counts.responses == len(values)
        assert facility.counts.satisfied == sum(v >= 4 for v in values)
    assert result.total.n == 9
    assert result.total.satisfied == 6
    expected = analysis.stratified_proportion(
        {vl: (4, 6), tv: (2, 3)}, population={vl: 1200, tv: 800})
    assert result.weighted.rate == pytest.approx(expected.rate)
    assert result.weighted.rate == pytest.approx(0.6 * 4 / 6 + 0.4 * 2 / 3)
    assert sum(online + paper for _, online, paper in result.days) == 9
    assert {day for day, _, _ in result.days} == {today(), today() - timedelta(days=1)}
    assert result.sections is not None



def test_section_indices_match_a_count_of_the_answers(campaign, health_analyst):
    rows = [
        paper_row(campaign, "bv-da-khoa-vinh-long", today(), 4, a1=5, a2=4, a3=2, b1=1),
        paper_row(campaign, "bv-da-khoa-vinh-long", today(), 5, a1="KSD", a2=5, b1=4),
        paper_row(campaign, "bv-da-khoa-tra-vinh", today(), 3, a1=3, a4=4, a5=5, b1=5),
    ]
    paper_import.import_table(campaign, "s.csv", read_table("s.csv", csv_file(campaign, rows)),
                              health_analyst.id)
    result = campaign_progress.progress(campaign, Scope.for_user(health_analyst))
    factors = {factor.id: factor for factor in result.sections.factors}
    # access (a1–a5): scored 5, 4, 2 | 5 | 3, 4, 5 -> 7 scored, 5 satisfied ("KSD" left out)
    assert (factors["tiep-can"].satisfied, factors["tiep-can"].answers) == (5, 7)
    assert factors["tiep-can"].index == pytest.approx(5 / 7)
    assert (factors["minh-bach"].satisfied, factors["minh-bach"].answers) == (2, 3)
    assert factors["tiep-can"].respondents == 3


def test_the_previous_wave_is_compared_with_newcombes_interval(health_analyst):
    earlier = campaigns.create(health_input(opens_on=today() - timedelta(days=60),
                                            closes_on=today() - timedelta(days=30)),
                               health_analyst)
    # the earlier wave's paper forms, typed while it ran
    for score in (5, 2, 2, 1):
        form = paper_import.PaperForm(0, earlier.facilities[0].agency_id,
                                      today() - timedelta(days=40), {"q_overall": score})
        paper_import.enter_one(earlier, form, health_analyst.id)
    current = campaigns.create(health_input(previous_campaign_id=earlier.id), health_analyst)
    for score in (5, 4, 4, 3, 5):
        form = paper_import.PaperForm(0, current.facilities[1].agency_id, today(),
                                      {"q_overall": score})
        paper_import.enter_one(current, form, health_analyst.id)
    result = campaign_progress.progress(current, Scope.for_user(health_analyst))
    assert result.previous.campaign_id == earlier.id
    assert (result.previous.counts.satisfied, result.previous.counts.n) == (1, 4)
    expected = analysis.difference_ci(4, 5, 1, 4)
    assert result.previous.difference == expected
    assert result.previous.difference.diff == pytest.approx(4 / 5 - 1 / 4)


def test_the_csv_template_and_semicolon_files_read_back(campaign, health_analyst):
    from survey_app.services.paper import template as paper_template

    template = paper_template.csv_bytes(campaign).decode("utf-8-sig")
    header = template.splitlines()[0].split(",")
    values = {"facility": "bv-da-khoa-tra-vinh", "date": f"{today():%d/%m/%Y}",
              "q_overall": "5", "gioi_tinh": "Nữ", "bhyt": "Không"}
    line = ",".join(values.get(column, "") for column in header)
    table = read_table("t.csv", (template + line + "\r\n").encode("utf-8"))
    assert len(table.rows) == 1  # the hint row is skipped
    semicolons = ";".join(header) + "\n" + ";".join(
        values.get(column, "") for column in header) + ";\n"
    other = read_table("s.csv", semicolons.encode("utf-8"))
    assert other.rows[0][1] == table.rows[0][1]
    assert other.digest == table.digest  # the same content, whatever the separator
    batch = paper_import.import_table(campaign, "t.csv", table, health_analyst.id)
    answers = {a.item_code: a.choice for a in db.session.execute(select(Answer)).scalars()}
    assert batch.rows == 1
    assert answers["gioi_tinh"] == "nu"
    assert answers["bhyt"] == "no"


def test_a_file_over_the_row_limit_is_refused_before_any_check(campaign):
    from survey_app.services.paper.files import UnreadableFile

    rows = [paper_row(campaign, "bv-da-khoa-tra-vinh", today(), 5) for _ in range(3)]
    with pytest.raises(UnreadableFile) as refused:
        read_table("big.csv", csv_file(campaign, rows), max_rows=2)
    assert str(refused.value) == "more than 2 questionnaires: split the file"


def test_a_quota_is_a_target_not_a_cap(health_analyst):
    data = health_input()
    data.facilities[0].quota = 2
    campaign = campaigns.create(data, health_analyst)
    agency_id = data.facilities[0].agency_id
    for score in (5, 4, 3):
        paper_import.enter_one(campaign, paper_import.PaperForm(
            0, agency_id, today(), {"q_overall": score}), health_analyst.id)
    result = campaign_progress.progress(campaign, Scope.for_user(health_analyst),
                                        with_sections=False)
    facility = next(f for f in result.facilities if f.agency_id == agency_id)
    assert facility.counts.quota == 2
    assert facility.counts.responses == 3
    assert facility.counts.quota_share == pytest.approx(1.5)
    assert result.total.quota == 2 + campaign.facilities[1].quota
