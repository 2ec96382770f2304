"""Agencies split by target group, trends by quarter, changes and the words beside them.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL. Expected numbers are the
seeded counts; intervals are recomputed with `analysis`.
"""

from datetime import UTC, datetime

import pytest
from seeding import add_responses, load_reference

import analysis
from support import StaffActions
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import figures as reporting
from survey_app.services.reporting import served_groups, targets, trends
from survey_app.services.reporting.exports import data, words
from survey_app.services.reporting.figures import Filters
from survey_app.services.reporting.periods import parse_period

ADMIN = Filters(kinds=("administrative",))
Q3 = parse_period("2025-Q3")
FACTORS = {"c15": [5, 5, 5, 2], "c19": [4, 1], "c23": 5, "c28": [5, 3, 3, 3, 3], "c31": 4}


def _at(year: int, month: int) -> datetime:
    return datetime(year, month, 10, 3, tzinfo=UTC)


def _seed_agency_two_groups():
    """ttphc-tinh: land 40 (34 satisfied) and civil status 50 (48); p-thanh-duc: 30 (27)."""
    add_responses(40, scores=[5] * 17 + [2, 2, 2], agency="ttphc-tinh", sector="dat-dai",
                  counter="ttphc-dat-dai", at=_at(2025, 8))
    add_responses(50, scores=[5] * 24 + [1], agency="ttphc-tinh", sector="ho-tich",
                  at=_at(2025, 8))
    add_responses(30, scores=[5] * 9 + [1], agency="p-thanh-duc", sector="ho-tich",
                  counter="p-thanh-duc-1c", at=_at(2025, 8))


def test_an_agency_serving_both_target_groups_gets_two_judged_rows(reference_data):
    _seed_agency_two_groups()
    cells = served_groups.breakdown(Q3, Scope.all_data(), "agency", ADMIN)
    centre = [c for c in cells if c.code == "ttphc-tinh"]
    assert len(centre) == 2
    land = next(c for c in centre if c.target == 0.85)
    other = next(c for c in centre if c.target == 0.90)
    assert (land.n, land.satisfied) == (40, 34)
    assert (other.n, other.satisfied) == (50, 48)
    assert land.part["vi"] == "đất đai, xây dựng, đầu tư"
    assert land.name["vi"].endswith("— đất đai, xây dựng, đầu tư")
    assert other.part["vi"] == "các thủ tục khác"
    assert land.verdict == analysis.target_verdict(34, 40, 0.85).verdict
    assert (other.low, other.high) == tuple(analysis.proportion_ci(48, 50))
    # One group only: one row, no part in its name.
    (commune,) = [c for c in cells if c.code == "p-thanh-duc"]
    assert commune.part is None
    assert (commune.n, commune.target) == (30, 0.90)
    # A sector never needs splitting: it sits in one target group.
    assert len(served_groups.breakdown(Q3, Scope.all_data(), "sector", ADMIN)) == 2
    # The PDF and XLSX agency tables are the same rows.
    report = data.collect(Q3, Scope.all_data())
    assert sorted(c.n for c in report.agencies if c.code == "ttphc-tinh") == [40, 50]
    # Without a survey no target applies, so nothing is split.
    plain = served_groups.breakdown(Q3, Scope.all_data(), "agency")
    assert sorted(c.n for c in plain if c.code == "ttphc-tinh") == [90]


def test_a_year_trends_over_its_quarters_beside_the_year_before(reference_data):
    for month, count in ((2, 30), (5, 40), (8, 50), (11, 60)):
        add_responses(count, scores=[5, 5, 5, 1], agency="p-thanh-duc", sector="ho-tich",
                      at=_at(2025, month))
    add_responses(20, scores=[5, 1], agency="p-thanh-duc", sector="ho-tich", at=_at(2024, 8))
    add_responses(10, scores=5, agency="p-thanh-duc", sector="ho-tich", at=_at(2023, 8))
    points = trends.trend(parse_period("2025"), Scope.all_data(), ADMIN)
    assert [p.period.code for p in points] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert [p.n for p in points] == [30, 40, 50, 60]
    assert [p.year_before.period.code for p in points] == [
        "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert [p.year_before.n for p in points] == [0, 0, 20, 0]
    halves = trends.trend(parse_period("2025-H2"), Scope.all_data(), ADMIN)
    assert [p.period.code for p in halves] == ["2025-Q3", "2025-Q4"]
    quarters = trends.trend(Q3, Scope.all_data(), ADMIN)
    assert [p.period.code for p in quarters] == ["2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"]


def test_every_target_changes_from_last_period_and_a_year_earlier(reference_data):
    for at, scores in ((_at(2025, 8), [5, 5, 5, 5, 5, 5, 5, 5, 5, 1]),
                       (_at(2025, 5), [5, 5, 5, 1]), (_at(2024, 8), [5, 1])):
        add_responses(200, scores=scores, agency="p-thanh-duc", sector="ho-tich", at=at,
                      answers=FACTORS if at.year == 2025 and at.month == 8 else
                      {**FACTORS, "c23": [5, 1]})
    results = {r.code: r for r in reporting.target_summary(Q3, Scope.all_data(), ADMIN)}
    overall = results["tthc-overall"]
    assert overall.change.diff == pytest.approx(0.9 - 0.75)
    expected = analysis.difference_ci(180, 200, 100, 200)
    assert (overall.change_year.low, overall.change_year.high) == (expected.low,
                                                                   expected.high)
    index = results["agency-service"]
    before = {r.code: r for r in targets.target_summary(
        parse_period("2025-Q2"), Scope.all_data(), ADMIN, changes=False)}["agency-service"]
    assert index.change is not None
    assert index.change == analysis.independent_difference(index.rate, index.se,
                                                           before.rate, before.se)
    assert index.change_year is not None
    assert index.change.diff > 0


def test_words_of_a_verdict_a_wait_and_a_change(app_context):
    from flask_babel import force_locale

    result = reporting.TargetResult(
        plan_code="p", code="c", name={}, threshold=0.90, measure="overall", kinds=[],
        groups=[], n=25445, satisfied=22965, responses=25445)
    reporting.rate_of(result, 0.90)
    assert result.verdict == "undecided"
    period = parse_period("2025-Q3")
    with force_locale("vi"):
        from survey_app.services.reporting import readings

        line = readings.verdict_line(result)
        wait = readings.time_line(result, period)
        change = readings.change_words(analysis.difference_ci(950, 1000, 850, 1000))
        flat = readings.change_words(analysis.difference_ci(90, 100, 88, 100))
    assert line == "Tỷ lệ 90,3 % cao hơn chỉ tiêu 90 %, nhưng chưa đủ căn cứ kết luận đạt"
    assert wait == "với nhịp phiếu của kỳ này, không thể kết luận trong một quý"
    assert (change, flat) == ("tăng có ý nghĩa thống kê", "chưa thấy thay đổi rõ")
    # A figure within reach is said in weeks: 150 answers in 13 weeks, 60 more needed.
    small = reporting.TargetResult(plan_code="p", code="c", name={}, threshold=0.90,
                                   measure="overall", kinds=[], groups=[], n=150,
                                   satisfied=143, responses=150, additional_n=60)
    with force_locale("vi"):
        assert readings.time_line(small, period) == (
            "với nhịp phiếu của kỳ này, cần thêm khoảng 6 tuần phiếu để kết luận")
    sentence = words.verdict_sentence(result, period)
    assert "tỷ lệ 90,3 % cao hơn chỉ tiêu 90 %, nhưng chưa đủ căn cứ kết luận đạt" in sentence
    assert "không thể kết luận trong một quý" in sentence
    assert "cần thêm khoảng" not in sentence  # no count of answers beyond a quarter


def test_the_dashboard_reads_verdicts_and_shows_the_year_before(app, runner):
    load_reference(app, runner)
    with app.app_context():
        _seed_agency_two_groups()
        StaffActions(app, app.test_client()).create("admin", "admin")
    client = StaffActions(app, app.test_client())
    client.login("admin")
    html = client.client.get("/staff/?period=2025-Q3&survey=administrative",
                             headers={"Accept-Language": "vi"}).get_data(as_text=True)
    # 120 answers, 109 satisfied (90.8 %): above 90 %, interval (84.3 %, 94.8 %) holds it.
    assert "Tỷ lệ 90,8 % cao hơn chỉ tiêu 90 %, nhưng chưa đủ căn cứ kết luận đạt" in html
    assert "Cùng kỳ năm trước" in html
    assert "Thay đổi so với cùng kỳ năm trước" in html


def test_the_weighted_headline_is_stratified_proportion_on_the_same_cells(reference_data):
    from datetime import date

    from seeding import by_code

    from survey_app.extensions import db
    from survey_app.models import Agency, Sector, TransactionVolume

    _seed_agency_two_groups()
    volumes = {("ttphc-tinh", "dat-dai"): 4000, ("ttphc-tinh", "ho-tich"): 500,
               ("p-thanh-duc", "ho-tich"): 300}
    for (agency, sector), count in volumes.items():
        for month in (7, 8, 9):  # a month each: summed over the quarter
            db.session.add(TransactionVolume(
                agency_id=by_code(Agency, agency).id, sector_id=by_code(Sector, sector).id,
                period_start=date(2025, month, 1), period_end=date(2025, month, 28),
                transactions=count))
    db.session.commit()
    results = {r.code: r for r in reporting.target_summary(Q3, Scope.all_data())}
    overall = results["tthc-overall"]
    centre, commune = by_code(Agency, "ttphc-tinh").id, by_code(Agency, "p-thanh-duc").id
    expected = analysis.stratified_proportion(
        {(centre, "land-construction-investment"): (34, 40), (centre, "general"): (48, 50),
         (commune, "general"): (27, 30)},
        {(centre, "land-construction-investment"): 12000, (centre, "general"): 1500,
         (commune, "general"): 900})
    assert overall.weighted.estimate == expected
    assert overall.weighted.left_out == 0
    assert overall.weighted.transactions == 14400
    # The unweighted rate stays beside it, and the verdict is read on it.
    assert overall.rate == pytest.approx(109 / 120)
    assert overall.weighted.estimate.rate != pytest.approx(overall.rate)
    rates = {(s.agency_id, s.group): s.response_rate for s in overall.weighted.strata}
    assert rates[(centre, "land-construction-investment")] == pytest.approx(40 / 12000)
    # The land target weights its own strata only.
    land = results["tthc-land-construction-investment"].weighted
    assert land.estimate.n == 40
    # Health and education answers are not one-stop dossiers: not weighted by them.
    assert "health-education" not in results or results["health-education"].weighted is None


def test_a_year_is_post_stratified_by_its_quarters(reference_data):
    """Agency × sector group × quarter: a quarter with more dossiers weighs more."""
    from dataclasses import astuple
    from datetime import date

    from seeding import by_code

    from survey_app.extensions import db
    from survey_app.models import Agency, Sector, TransactionVolume

    _seed_agency_two_groups()  # Q3
    add_responses(20, scores=[5] * 9 + [2], agency="ttphc-tinh", sector="dat-dai",
                  counter="ttphc-dat-dai", at=_at(2025, 2))  # Q1: 18 of 20
    centre, commune = by_code(Agency, "ttphc-tinh").id, by_code(Agency, "p-thanh-duc").id
    land, civil = by_code(Sector, "dat-dai").id, by_code(Sector, "ho-tich").id
    volumes = [(centre, land, 1, 1000), (centre, land, 2, 1000), (centre, land, 3, 1000),
               (centre, land, 7, 4000), (centre, land, 8, 4000), (centre, land, 9, 4000),
               (centre, civil, 8, 1500), (commune, civil, 8, 900),
               (commune, civil, 2, 700)]  # no answers there in Q1: no stratum
    for agency, sector, month, count in volumes:
        db.session.add(TransactionVolume(
            agency_id=agency, sector_id=sector, period_start=date(2025, month, 1),
            period_end=date(2025, month, 28), transactions=count))
    db.session.commit()
    year = parse_period("2025")
    overall = {r.code: r for r in reporting.target_summary(year, Scope.all_data())}[
        "tthc-overall"]
    group = "land-construction-investment"
    expected = analysis.stratified_proportion(
        {(centre, group, "2025-Q1"): (18, 20), (centre, group, "2025-Q3"): (34, 40),
         (centre, "general", "2025-Q3"): (48, 50), (commune, "general", "2025-Q3"): (27, 30)},
        {(centre, group, "2025-Q1"): 3000, (centre, group, "2025-Q3"): 12000,
         (centre, "general", "2025-Q3"): 1500, (commune, "general", "2025-Q3"): 900})
    # The same cells in another order: equal up to the order of a float sum.
    assert astuple(overall.weighted.estimate) == pytest.approx(astuple(expected), rel=1e-12)
    assert overall.weighted.transactions == 17400
    assert overall.weighted.left_out == 0
    assert [(s.group, s.period.code) for s in overall.weighted.strata
            if s.agency_id == centre] == [
        ("general", "2025-Q3"), (group, "2025-Q1"), (group, "2025-Q3")]
    # Pooling the year's land answers into one stratum would give another figure.
    pooled = analysis.stratified_proportion(
        {(centre, group): (52, 60), (centre, "general"): (48, 50), (commune, "general"): (27, 30)},
        {(centre, group): 15000, (centre, "general"): 1500, (commune, "general"): 900})
    assert overall.weighted.estimate.rate != pytest.approx(pooled.rate)
    assert overall.rate == pytest.approx(127 / 140)


def test_the_dashboard_shows_the_weighted_rate_and_responses_per_transaction(app, runner):
    from datetime import date

    from seeding import by_code

    from survey_app.extensions import db
    from survey_app.models import Agency, Sector, TransactionVolume

    load_reference(app, runner)
    with app.app_context():
        _seed_agency_two_groups()
        db.session.add(TransactionVolume(
            agency_id=by_code(Agency, "ttphc-tinh").id, sector_id=by_code(Sector, "dat-dai").id,
            period_start=date(2025, 8, 1), period_end=date(2025, 8, 31), transactions=4000))
        db.session.add(TransactionVolume(
            agency_id=by_code(Agency, "p-thanh-duc").id, sector_id=by_code(Sector, "ho-tich").id,
            period_start=date(2025, 8, 1), period_end=date(2025, 8, 31), transactions=600))
        db.session.commit()
        expected = analysis.stratified_proportion(
            {1: (34, 40), 2: (27, 30)}, {1: 4000, 2: 600})
        StaffActions(app, app.test_client()).create("admin", "admin")
    client = StaffActions(app, app.test_client())
    client.login("admin")
    html = client.client.get("/staff/?period=2025-Q3&survey=administrative",
                             headers={"Accept-Language": "vi"}).get_data(as_text=True)
    rate = f"{100 * expected.rate:.1f}".replace(".", ",")
    assert f"có trọng số theo số hồ sơ: {rate} %" in html
    assert "số phiếu trên mỗi hồ sơ trong từng tầng" in html
    assert "1,0 %" in html  # 40 answers for 4,000 land dossiers
    assert "5,0 %" in html  # 30 answers for 600 civil-status dossiers


def test_the_health_education_target_uses_the_campaign_facility_weights(reference_data):
    from seeding import by_code, version_of

    from survey_app.extensions import db
    from survey_app.models import Agency, Campaign, CampaignFacility, Sector
    from survey_app.services.campaigns.progress import weighted_rate

    hospital, centre = by_code(Agency, "bv-da-khoa-vinh-long"), by_code(Agency, "so-y-te")
    campaign = Campaign(
        code="bv-2025", name_vi="Khảo sát", name_en="Survey",
        questionnaire_version_id=version_of("health_inpatient").id, owner_agency_id=centre.id,
        sector_id=by_code(Sector, "y-te").id, respondent_group="inpatient",
        opens_at=_at(2025, 7), closes_at=_at(2025, 9))
    db.session.add(campaign)
    db.session.flush()
    db.session.add_all([
        CampaignFacility(campaign_id=campaign.id, agency_id=hospital.id, code="bv-a",
                         volume=9000),
        CampaignFacility(campaign_id=campaign.id, agency_id=centre.id, code="so-a", volume=500)])
    add_responses(40, scores=[5, 5, 5, 1], agency=hospital.code, sector="y-te",
                  kind="health_inpatient", channel="paper", at=_at(2025, 8),
                  campaign_id=campaign.id)
    add_responses(60, scores=5, agency=centre.code, sector="y-te",
                  kind="health_inpatient", channel="paper", at=_at(2025, 8),
                  campaign_id=campaign.id)
    target = {r.code: r for r in reporting.target_summary(Q3, Scope.all_data())}[
        "health-education"]
    expected = analysis.stratified_proportion(
        {(campaign.id, hospital.id): (30, 40), (campaign.id, centre.id): (60, 60)},
        {(campaign.id, hospital.id): 9000, (campaign.id, centre.id): 500})
    assert target.weighted.estimate == expected
    assert target.rate == pytest.approx(90 / 100)  # the unweighted rate stays beside it
    # The campaign page's own figure for the same facilities is the same estimate.
    from survey_app.services.campaigns.progress import progress

    assert weighted_rate(progress(campaign, Scope.all_data(), with_sections=False)
                         .facilities)[0].rate == pytest.approx(expected.rate)


def test_the_xlsx_and_docx_show_the_dashboard_s_weighted_rate(app, runner, tmp_path):
    """A report of a period with loaded volumes: the weighted rate beside the unweighted."""
    import io
    from datetime import date

    from docx import Document
    from openpyxl import load_workbook
    from report_support import pdf_text, squeeze
    from seeding import by_code

    from survey_app.extensions import db
    from survey_app.models import Agency, Sector, TransactionVolume

    load_reference(app, runner)
    with app.app_context():
        _seed_agency_two_groups()
        for agency, sector, count in (("ttphc-tinh", "dat-dai", 4000),
                                      ("ttphc-tinh", "ho-tich", 500),
                                      ("p-thanh-duc", "ho-tich", 300)):
            db.session.add(TransactionVolume(
                agency_id=by_code(Agency, agency).id, sector_id=by_code(Sector, sector).id,
                period_start=date(2025, 8, 1), period_end=date(2025, 8, 31),
                transactions=count))
        db.session.commit()
        expected = analysis.stratified_proportion(
            {1: (34, 40), 2: (48, 50), 3: (27, 30)}, {1: 4000, 2: 500, 3: 300})
        StaffActions(app, app.test_client()).create("admin", "admin")
    client = StaffActions(app, app.test_client())
    client.login("admin")
    html = client.client.get("/staff/?period=2025-Q3&survey=administrative",
                             headers={"Accept-Language": "vi"}).get_data(as_text=True)
    with app.app_context():
        rate, ci = words.percent(expected.rate), words.interval(expected.low, expected.high)
        low, high = words.percent(expected.low)[:-2], words.percent(expected.high)
    kish = f"{round(expected.n_eff)}"
    # The page writes its interval without spaces round the dash; the numbers are these.
    assert f"có trọng số theo số hồ sơ: {rate} ({low}–{high}; n hiệu dụng {kish})" in html

    files = {}
    for fmt in ("xlsx", "docx", "pdf"):
        out = tmp_path / f"report.{fmt}"
        with app.app_context():  # as the report tests run it
            result = runner.invoke(args=["report", "--period", "2025-Q3", "--format", fmt,
                                         "--out", str(out)])
        assert result.exit_code == 0, result.output
        files[fmt] = out.read_bytes()

    sheet = load_workbook(io.BytesIO(files["xlsx"]))["Chỉ tiêu"]
    rows = list(sheet.iter_rows(values_only=True))
    header, by_code_ = rows[0], {row[0]: row for row in rows[1:]}
    overall = dict(zip(header[-6:], by_code_["tthc-overall"][-6:], strict=True))
    assert header[20] == "Tỷ lệ có trọng số"
    assert overall["Tỷ lệ có trọng số"] == pytest.approx(expected.rate, rel=1e-12)
    assert (overall["– cận dưới"], overall["– cận trên"]) == pytest.approx(
        (expected.low, expected.high), rel=1e-12)
    assert overall["n hiệu dụng (Kish)"] == round(expected.n_eff)
    assert overall["Số hồ sơ / quy mô của các tầng"] == 4800
    assert by_code_["tthc-overall"][7] == pytest.approx(109 / 120)  # the unweighted, beside

    document = Document(io.BytesIO(files["docx"]))
    table = next(t for t in document.tables
                 if [c.text for c in t.rows[0].cells][4:5] == ["Tỷ lệ có trọng số"])
    # The DOCX keeps a number and its "%" together with a no-break space.
    overall_row = next([c.text.replace("\xa0", " ") for c in row.cells] for row in table.rows[1:]
                       if "giải quyết thủ tục hành chính đạt tối thiểu 90%" in row.cells[1].text)
    unweighted = analysis.proportion_ci(109, 120)
    with app.app_context():
        assert overall_row[2:8] == [words.percent(109 / 120), words.interval(*unweighted),
                                    rate, ci, kish, "0"]
    # The PDF draws the same blocks as the DOCX.
    printed = squeeze(pdf_text(files["pdf"]))
    assert squeeze(f"{words.percent(109 / 120)}{words.interval(*unweighted)}{rate}{ci}{kish}0"
                   ) in printed
