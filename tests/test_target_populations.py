"""Each target judged on its own population: narrowed views show only their part, unjudged.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL. Expected counts are those
seeded below; verdicts are recomputed with `analysis.target_verdict`.
"""

from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from seeding import add_responses, by_code
from sqlalchemy import select

import analysis
from support import StaffActions
from survey_app.extensions import db
from survey_app.models import Sector, StaffScope, StaffUser, Target
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import figures as reporting
from survey_app.services.reporting.exports.data import PARTIAL_NOTE, PARTIAL_VERDICT
from survey_app.services.reporting.figures import Filters
from survey_app.services.reporting.periods import parse_period

Q3 = parse_period("2025-Q3")
AT = datetime(2025, 8, 1, 3, tzinfo=UTC)
LAND = ("dat-dai", "xay-dung", "dau-tu")


def _seed():
    """Land 60 (n 60, 51 satisfied: 85 %), civil status 100 (95), health 40 (36), school 30."""
    add_responses(40, scores=[5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 1, 2, 3],
                  agency="ttphc-tinh", sector="dat-dai", counter="ttphc-dat-dai", at=AT)
    add_responses(20, scores=[5, 5, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 1, 2, 3, 4],
                  agency="ttphc-tinh", sector="xay-dung", counter="ttphc-xay-dung", at=AT,
                  channel="token")
    add_responses(100, scores=[5] * 19 + [1], agency="p-thanh-duc", sector="ho-tich",
                  counter="p-thanh-duc-1c", at=AT)
    add_responses(40, scores=[5] * 9 + [1], agency="bv-da-khoa-vinh-long", sector="y-te",
                  kind="health_inpatient", channel="paper", at=AT)
    add_responses(30, scores=5, agency="thpt-chuyen-nguyen-binh-khiem", sector="giao-duc",
                  kind="education_parent", channel="paper", at=AT)


@pytest.fixture
def seeded(reference_data):
    _seed()
    return reference_data


def _by_code(results):
    return {r.code: r for r in results}


def test_the_whole_province_judges_every_target(seeded):
    results = _by_code(reporting.target_summary(Q3, Scope.all_data()))
    assert {r.coverage for r in results.values()} == {"full"}
    overall = results["tthc-overall"]
    assert (overall.n, overall.satisfied) == (160, 146)
    assert overall.verdict == analysis.target_verdict(146, 160, 0.90).verdict
    assert results["health-education"].n == 70


def test_a_land_only_report_judges_target_2_and_shows_only_the_land_part_of_target_1(seeded):
    land = Scope.from_codes(LAND)
    results = _by_code(reporting.target_summary(Q3, land))
    n, satisfied = 60, 51
    target_2 = results["tthc-land-construction-investment"]
    assert target_2.coverage == "full"
    assert (target_2.n, target_2.satisfied) == (n, satisfied)
    assert target_2.verdict == analysis.target_verdict(satisfied, n, 0.85).verdict
    target_1 = results["tthc-overall"]
    assert target_1.partial
    assert (target_1.n, target_1.satisfied) == (n, satisfied)
    assert target_1.rate == pytest.approx(satisfied / n)
    assert target_1.low is not None
    assert target_1.high is not None  # its interval stays
    assert target_1.verdict is None
    assert target_1.additional_n is None
    assert target_1.p_value is None
    # No health or education answer in land: that target is not shown at all.
    assert "health-education" not in results


def test_one_sector_of_a_group_is_partial_for_the_group_target(seeded):
    land = by_code(Sector, "dat-dai").id
    results = _by_code(reporting.target_summary(Q3, Scope.all_data(),
                                                Filters(sector_id=land)))
    assert results["tthc-land-construction-investment"].partial
    assert results["tthc-land-construction-investment"].n == 40
    assert results["tthc-overall"].partial
    assert results["tthc-overall"].n == 40


def test_drill_down_to_the_land_group_gives_the_land_part(seeded):
    results = _by_code(reporting.target_summary(
        Q3, Scope.all_data(), Filters(kinds=("administrative",),
                                      group="land-construction-investment")))
    assert results["tthc-land-construction-investment"].coverage == "full"
    assert results["tthc-overall"].partial
    assert results["tthc-overall"].n == 60
    assert set(results) == {"tthc-overall", "tthc-land-construction-investment",
                            "agency-service"}


def test_a_survey_filter_hides_targets_of_other_surveys(seeded):
    results = _by_code(reporting.target_summary(Q3, Scope.all_data(),
                                                Filters(kinds=("administrative",))))
    assert "health-education" not in results
    assert results["tthc-overall"].coverage == "full"
    health = _by_code(reporting.target_summary(Q3, Scope.all_data(),
                                               Filters(kinds=("health_inpatient",))))
    assert set(health) == {"health-education"}
    assert health["health-education"].partial
    assert health["health-education"].n == 40


def test_a_channel_or_level_filter_is_part_of_every_population(seeded):
    token = _by_code(reporting.target_summary(Q3, Scope.all_data(),
                                              Filters(channels=("token",))))
    assert set(token) == {"tthc-overall", "tthc-land-construction-investment",
                          "agency-service"}
    assert all(r.partial for r in token.values())
    assert all(r.verdict is None for r in token.values())
    assert token["tthc-overall"].n == 20
    communes = _by_code(reporting.target_summary(Q3, Scope.all_data(),
                                                 Filters(level="commune")))
    assert communes["tthc-overall"].partial
    assert communes["tthc-overall"].n == 100


def test_the_health_analyst_sees_only_the_health_part_of_the_health_education_target(
        seeded):
    user = StaffUser(username="health", display_name="x", password_hash="x", role="analyst")
    user.scopes.append(StaffScope(sector_id=by_code(Sector, "y-te").id))
    db.session.add(user)
    db.session.commit()
    results = _by_code(reporting.target_summary(Q3, Scope.for_user(user)))
    assert set(results) == {"health-education"}
    health = results["health-education"]
    assert health.partial
    assert health.n == 40
    assert health.verdict is None


def test_a_target_population_restricted_to_channels_and_levels(seeded):
    target = db.session.execute(select(Target).where(Target.code == "tthc-overall")).scalars()
    for row in target:
        row.channels, row.levels = ["token"], ["department"]
    db.session.commit()
    results = _by_code(reporting.target_summary(Q3, Scope.all_data()))
    overall = results["tthc-overall"]
    assert overall.coverage == "full"
    assert (overall.n, overall.satisfied) == (20, 17)
    assert overall.verdict == analysis.target_verdict(17, 20, 0.90).verdict
    # A view of counter QR answers only holds none of that population.
    counter = _by_code(reporting.target_summary(Q3, Scope.all_data(),
                                                Filters(channels=("counter",))))
    assert "tthc-overall" not in counter


def test_the_land_report_file_marks_target_1_as_a_part_without_verdict(seeded, runner,
                                                                       tmp_path):
    out = tmp_path / "land.xlsx"
    sectors = [arg for code in LAND for arg in ("--sector", code)]
    result = runner.invoke(args=["report", "--period", "2025-Q3", "--format", "xlsx",
                                 "--out", str(out), *sectors])
    assert result.exit_code == 0, result.output
    rows = {row[0]: row for row in load_workbook(out)["Chỉ tiêu"].iter_rows(values_only=True)}
    assert rows["tthc-overall"][1].endswith(PARTIAL_NOTE)
    assert rows["tthc-overall"][5] == 60
    assert rows["tthc-overall"][10] == PARTIAL_VERDICT
    land = rows["tthc-land-construction-investment"]
    assert PARTIAL_NOTE not in land[1]
    assert land[10] in ("Đạt", "Chưa đạt", "Chưa đủ căn cứ kết luận")
    assert "health-education" not in rows


def test_the_drill_down_page_labels_the_part_in_view(app, runner):
    from seeding import load_reference

    load_reference(app, runner)
    with app.app_context():
        _seed()
        StaffActions(app, app.test_client()).create("admin", "admin")
        land = by_code(Sector, "dat-dai").id
    client = app.test_client()
    StaffActions(app, client).login("admin")
    html = client.get(f"/staff/?period=2025-Q3&survey=administrative&sector={land}",
                      headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "phần thuộc phạm vi đang xem (n = 40)" in html
    assert "Không kết luận: chỉ tiêu áp dụng cho phạm vi rộng hơn phạm vi đang xem" in html
    whole = client.get("/staff/?period=2025-Q3&survey=administrative").get_data(as_text=True)
    assert "phần thuộc phạm vi đang xem" not in whole


def test_the_loader_rejects_an_unknown_channel_or_level_in_a_population(app_context, runner,
                                                                         tmp_path):
    from support import PROJECT

    text = (PROJECT / "reference" / "targets.yaml").read_text(encoding="utf-8")
    bad = text.replace("channels: []", "channels: [fax]", 1).replace(
        "levels: []", "levels: [galaxy]", 1)
    for name in ("sectors.yaml", "agencies.yaml"):
        (tmp_path / name).write_text((PROJECT / "reference" / name).read_text("utf-8"),
                                     encoding="utf-8")
    (tmp_path / "targets.yaml").write_text(bad, encoding="utf-8")
    result = runner.invoke(args=["reference", "load", str(tmp_path)])
    assert result.exit_code == 2
    assert "channels: expected a list from" in result.output
    assert "levels: expected a list of known level codes" in result.output
