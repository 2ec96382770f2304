"""The JSON report: the CLI's file and the API's reply hold the PDF's numbers, in scope."""

from __future__ import annotations

import json

import pytest
from report_support import PERIOD, pdf_text, seed_quarter, squeeze
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Agency, AuditLog, Sector, StaffScope
from survey_app.services.access import api_keys
from survey_app.services.access.scope import agency_subtree
from survey_app.services.reporting.exports.words import interval, number, percent

API = "/api/v1/reports"


@pytest.fixture
def seeded(reference_data):
    seed_quarter()
    return reference_data


def _cli(runner, tmp_path, fmt: str) -> bytes:
    out = tmp_path / f"report.{fmt}"
    result = runner.invoke(args=["report", "--period", PERIOD, "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def _without_time(report: dict) -> dict:
    return {key: value for key, value in report.items() if key != "generated_at"}


def test_cli_json_and_the_api_agree_with_the_pdf(seeded, runner, staff, client, tmp_path):
    written = json.loads(_cli(runner, tmp_path, "json"))
    printed = squeeze(pdf_text(_cli(runner, tmp_path, "pdf")))
    staff.create()
    staff.login()
    response = client.get(f"{API}?period={PERIOD}")  # a staff session, no key
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert _without_time(response.get_json()) == _without_time(written)

    assert written["issuer"] == {"name": "Sở Nội vụ",
                                 "governing": "Ủy ban nhân dân tỉnh Vĩnh Long"}
    assert len(written["targets"]) == 4
    for target in written["targets"]:
        # The PDF's sentence on the target starts with these numbers, written its way.
        assert squeeze(f"{percent(target['rate'])} (khoảng tin cậy 95 %: "
                       f"{interval(target['low'], target['high'])}) từ "
                       f"{number(target['n'])}") in printed
        assert target["verdict"] in {"met", "not_met", "undecided"}
    for cell in written["sectors"] + written["agencies"]:
        assert squeeze(cell["name"]) in printed
        if cell["rate"] is not None:
            assert squeeze(interval(cell["low"], cell["high"])) in printed
    assert written["totals"]["responses"] == 1200
    assert sum(c["responses"] for c in written["channels"]) == 1200


def test_an_api_key_reads_its_agency_only(seeded, client):
    with client.application.app_context():
        key, _ = api_keys.create("cong-an-tinh")
    response = client.get(f"{API}?period={PERIOD}", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    report = response.get_json()
    assert report["issuer"] == {"name": "Công an tỉnh Vĩnh Long",
                                "governing": "Ủy ban nhân dân tỉnh Vĩnh Long"}
    root = db.session.scalar(select(Agency.id).where(Agency.code == "cong-an-tinh"))
    allowed = set(db.session.execute(
        select(Agency.code).where(Agency.id.in_(agency_subtree({root})))).scalars())
    assert report["agencies"]
    assert {c["code"] for c in report["agencies"]} <= allowed
    assert report["totals"]["responses"] == sum(c["responses"] for c in report["agencies"])
    assert "text" not in json.dumps(report["comments"])
    audit = db.session.execute(select(AuditLog.action, AuditLog.user_id)).all()
    assert audit == [("export.api", None)]


def test_a_health_analyst_reads_health_issued_by_so_y_te(seeded, staff, client):
    y_te = db.session.scalar(select(Sector.id).where(Sector.code == "y-te"))
    staff.create("health", role="analyst", scopes=[StaffScope(sector_id=y_te)])
    staff.login("health")
    report = client.get(f"{API}?period={PERIOD}").get_json()
    assert report["issuer"]["name"] == "Sở Y tế"
    assert {c["code"] for c in report["sectors"]} == {"y-te"}


@pytest.mark.parametrize(("query", "status", "code"), [
    ("", 400, "missing_period"),
    ("?period=2025-Q9", 400, "bad_period"),
])
def test_a_bad_period_is_a_clear_400(reference_data, staff, client, query, status, code):
    staff.create()
    staff.login()
    response = client.get(API + query)
    assert response.status_code == status
    assert response.get_json()["error"] == code


def test_without_a_key_or_a_session_the_report_is_refused(reference_data, client):
    response = client.get(f"{API}?period={PERIOD}")
    assert response.status_code == 401
    assert response.get_json()["error"] == "missing_key"


def test_the_staff_reports_page_offers_every_file(reference_data, staff, client):
    staff.create()
    staff.login()
    page = client.get(f"/staff/reports?period={PERIOD}").get_data(as_text=True)
    for fmt in ("pdf", "docx", "xlsx", "json", "csv"):
        assert f"/staff/reports/{fmt}?period={PERIOD}" in page
    download = client.get(f"/staff/reports/json?period={PERIOD}")
    assert download.headers["Content-Type"] == "application/json"
    assert download.headers["Content-Disposition"].endswith('bao-cao-hai-long-2025-Q3.json"')
    assert download.get_json()["period"]["code"] == PERIOD


def test_targets_carry_the_weighted_rate_beside_the_unweighted_one(reference_data, runner,
                                                                    client, tmp_path):
    """The JSON's `weighted` is `analysis.stratified_proportion` on the agency × sector group
    cells, beside the unweighted rate on which the verdict stays; the schema describes it."""
    from datetime import UTC, date, datetime

    from jsonschema import Draft202012Validator, FormatChecker
    from seeding import add_responses, by_code

    import analysis
    from survey_app.models import TransactionVolume

    at = datetime(2025, 8, 10, 3, tzinfo=UTC)
    add_responses(40, scores=[5] * 17 + [2, 2, 2], agency="ttphc-tinh", sector="dat-dai",
                  counter="ttphc-dat-dai", at=at)
    add_responses(50, scores=[5] * 24 + [1], agency="ttphc-tinh", sector="ho-tich", at=at)
    for sector, count in (("dat-dai", 4000), ("ho-tich", 500)):
        db.session.add(TransactionVolume(
            agency_id=by_code(Agency, "ttphc-tinh").id, sector_id=by_code(Sector, sector).id,
            period_start=date(2025, 8, 1), period_end=date(2025, 8, 31), transactions=count))
    db.session.commit()
    report = json.loads(_cli(runner, tmp_path, "json"))
    overall = next(t for t in report["targets"] if t["code"] == "tthc-overall")
    centre = by_code(Agency, "ttphc-tinh").id
    expected = analysis.stratified_proportion(
        {(centre, "land-construction-investment"): (34, 40), (centre, "general"): (48, 50)},
        {(centre, "land-construction-investment"): 4000, (centre, "general"): 500})
    weighted = overall["weighted"]
    assert weighted == {"rate": expected.rate, "low": expected.low, "high": expected.high,
                        "se": expected.se, "n": 90, "n_eff": expected.n_eff,
                        "transactions": 4500, "left_out": 0}
    assert overall["rate"] == pytest.approx(82 / 90)  # the verdict's rate, unweighted
    assert weighted["rate"] != pytest.approx(overall["rate"])
    health = [t for t in report["targets"] if t["code"] == "health-education"]
    assert all(t["weighted"] is None for t in health)
    document = client.get("/api/v1/openapi.json").get_json()
    schema = {"$ref": "#/components/schemas/Report", "components": document["components"]}
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(report)
