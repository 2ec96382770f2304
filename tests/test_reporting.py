"""Reporting on a seeded database: counts, rates, verdicts, scopes, factor indices.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL. Expected numbers are
counted from what each test seeds, not from the code under test.
"""

import math
from datetime import UTC, datetime

import pytest
from seeding import add_responses, by_code

import analysis
from survey_app.extensions import db
from survey_app.models import Agency, Sector, StaffScope, StaffUser
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import factor_indices, trends
from survey_app.services.reporting import figures as reporting
from survey_app.services.reporting.figures import Filters
from survey_app.services.reporting.periods import parse_period, trailing

Q3 = parse_period("2025-Q3")
IN_Q3 = datetime(2025, 8, 1, 3, tzinfo=UTC)
IN_Q2 = datetime(2025, 5, 1, 3, tzinfo=UTC)


@pytest.fixture
def seeded(reference_data):
    """Q3 2025: land 40 (n 30, 20 satisfied), civil status 50 (n 50, 45), health survey 35."""
    add_responses(40, scores=[5, 4, 3, None], agency="ttphc-tinh", sector="dat-dai",
                  counter="ttphc-dat-dai")
    add_responses(45, scores=5, agency="p-thanh-duc", sector="ho-tich",
                  counter="p-thanh-duc-1c", channel="token")
    add_responses(5, scores=2, agency="p-thanh-duc", sector="ho-tich",
                  counter="p-thanh-duc-1c", channel="kiosk", repeat_device=True)
    add_responses(35, scores=[5, 5, 5, 5, 1], agency="bv-da-khoa-vinh-long", sector="y-te",
                  kind="health_inpatient", channel="paper")
    # Q2: the previous period, for changes and trends.
    add_responses(20, scores=[5, 1], agency="p-thanh-duc", sector="ho-tich", at=IN_Q2)
    return reference_data


def _target(results, code):
    return next(r for r in results if r.code == code)


def test_target_summary_counts_rates_and_verdicts(seeded):
    results = reporting.target_summary(Q3, Scope.all_data())
    assert {r.code for r in results} == {
        "tthc-overall", "tthc-land-construction-investment", "agency-service",
        "health-education"}
    overall = _target(results, "tthc-overall")
    assert (overall.responses, overall.n, overall.satisfied) == (90, 80, 65)
    assert overall.repeat_device == 5
    expected = analysis.target_verdict(65, 80, 0.90)
    assert (overall.rate, overall.low, overall.high) == (expected.rate, expected.low,
                                                         expected.high)
    assert overall.verdict == expected.verdict == "not_met"
    land = _target(results, "tthc-land-construction-investment")
    assert (land.n, land.satisfied, land.threshold) == (30, 20, 0.85)
    health = _target(results, "health-education")
    assert (health.n, health.satisfied) == (35, 28)
    assert health.verdict == analysis.target_verdict(28, 35, 0.85).verdict
    # The previous quarter (10 of 20) gives the change.
    assert overall.previous_rate == 0.5
    assert overall.change.diff == pytest.approx(65 / 80 - 0.5)


def test_not_used_is_left_out_of_rates_but_counted(seeded):
    (cell,) = reporting.breakdown(Q3, Scope.all_data(), "sector",
                                  Filters(sector_id=by_code(Sector, "dat-dai").id))
    assert (cell.responses, cell.n, cell.not_used, cell.satisfied) == (40, 30, 10, 20)
    assert cell.rate == pytest.approx(20 / 30)


def test_drill_down_cells_and_small_cells_are_marked_not_hidden(seeded):
    admin = Filters(kinds=("administrative",))
    groups = {c.code: c for c in reporting.breakdown(Q3, Scope.all_data(), "group", admin)}
    assert groups["land-construction-investment"].n == 30
    assert groups["land-construction-investment"].target == 0.85  # the land target
    assert groups["general"].target == 0.90
    assert groups["general"].n == 50
    assert not groups["general"].too_small
    counters = reporting.breakdown(Q3, Scope.all_data(), "counter",
                                   Filters(kinds=("administrative",), sector_id=by_code(
                                       Sector, "dat-dai").id))
    assert [(c.code, c.n, c.too_small) for c in counters] == [("ttphc-dat-dai", 30, False)]
    channels = {c.key: c for c in reporting.breakdown(Q3, Scope.all_data(), "channel")}
    assert channels["kiosk"].n == 5
    assert channels["kiosk"].too_small
    assert channels["kiosk"].rate == 0.0  # shown, with its rate, and marked
    assert channels["kiosk"].repeat_device == 5


def test_filters_by_channel_and_level(seeded):
    token = reporting.totals(Q3, Scope.all_data(), Filters(channels=("token",)))
    assert (token.n, token.satisfied) == (45, 45)
    communes = reporting.totals(Q3, Scope.all_data(), Filters(level="commune"))
    assert communes.n == 50
    facilities = reporting.totals(Q3, Scope.all_data(), Filters(level="facility"))
    assert facilities.n == 35
    with pytest.raises(reporting.ReportingError, match="unknown channel"):
        Filters(channels=("fax",))


def test_period_boundaries_follow_local_days(reference_data):
    # 16:00 UTC on 30 June is 23:00 local (Q2); 17:00 UTC is midnight of 1 July (Q3).
    add_responses(1, scores=5, agency="p-thanh-duc", sector="ho-tich",
                  at=datetime(2025, 6, 30, 16, tzinfo=UTC))
    add_responses(2, scores=5, agency="p-thanh-duc", sector="ho-tich",
                  at=datetime(2025, 6, 30, 17, tzinfo=UTC))
    assert reporting.totals(Q3, Scope.all_data()).n == 2
    assert reporting.totals(parse_period("2025-Q2"), Scope.all_data()).n == 1


def _user(role, sectors=(), agencies=()):
    user = StaffUser(username=f"u-{role}-{'-'.join([*sectors, *agencies])}", display_name="x",
                     password_hash="x", role=role)
    for code in sectors:
        user.scopes.append(StaffScope(sector_id=by_code(Sector, code).id))
    for code in agencies:
        user.scopes.append(StaffScope(agency_id=by_code(Agency, code).id))
    db.session.add(user)
    db.session.commit()
    return user


def test_scopes_limit_every_figure(seeded):
    health = Scope.for_user(_user("analyst", sectors=["y-te"]))
    assert reporting.totals(Q3, health).n == 35
    # No administrative answer in health: that part of target 1 is empty, not shown.
    assert "tthc-overall" not in {r.code for r in reporting.target_summary(Q3, health)}
    assert {c.code for c in reporting.breakdown(Q3, health, "sector")} == {"y-te"}
    # An agency grant covers its sub-units: the health department sees its hospital.
    department = Scope.for_user(_user("agency", agencies=["so-y-te"]))
    assert reporting.totals(Q3, department).n == 35
    commune = Scope.for_user(_user("agency", agencies=["p-thanh-duc"]))
    assert reporting.totals(Q3, commune).n == 50
    nobody = Scope.for_user(_user("viewer"))
    assert reporting.totals(Q3, nobody).responses == 0
    assert not Scope.for_user(_user("viewer", sectors=["y-te"])).allows_comments


def test_trend_puts_each_response_in_its_quarter(seeded):
    points = trends.trend(Q3, Scope.all_data(), Filters(kinds=("administrative",)),
                          chain=trailing(Q3, 3))
    assert [p.period.code for p in points] == ["2025-Q1", "2025-Q2", "2025-Q3"]
    assert [(p.n, p.satisfied) for p in points] == [(0, 0), (20, 10), (80, 65)]
    assert points[1].target == 0.90
    assert points[0].rate is None


def test_factor_index_matches_the_closed_form(reference_data):
    # One item per factor and respondent: the linearised variance of the ratio is
    # then exactly p(1 - p) / (n - 1).
    add_responses(40, scores=5, agency="p-thanh-duc", sector="ho-tich",
                  answers={"c15": [5, 5, 5, 2], "c19": [4, 1], "c23": 5, "c28": [5, 3, 3, 3, 3],
                           "c31": [None, 4]})
    index = factor_indices.service_index(Q3, Scope.all_data())
    by_id = {f.id: f for f in index.factors}
    assert [f.id for f in index.factors] == ["tiep-can", "thu-tuc", "cong-chuc", "ket-qua",
                                             "gop-y"]
    access = by_id["tiep-can"]
    assert (access.answers, access.satisfied, access.index) == (40, 30, 0.75)
    assert access.se == pytest.approx(math.sqrt(0.75 * 0.25 / 39))
    assert by_id["gop-y"].respondents == 20  # "not used" answers left out
    assert by_id["gop-y"].index == 1.0
    mean = (0.75 + 0.5 + 1.0 + 0.2 + 1.0) / 5
    assert index.index == pytest.approx(mean)
    assert index.low < mean < index.high
    target = _target(reporting.target_summary(Q3, Scope.all_data()), "agency-service")
    assert target.rate == pytest.approx(mean)
    assert target.method == "linearised"
    assert target.verdict == "not_met"
