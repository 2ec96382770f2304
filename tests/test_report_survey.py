"""The Reports page's survey choice: offered within the reader's scope, honoured by every file
(PDF, DOCX, XLSX, JSON, CSV and its codebook, the package, the CLI and the API)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest
from report_support import PERIOD, pdf_text, seed_quarter, squeeze
from seeding import load_reference
from sqlalchemy import func, select

from support import StaffActions
from survey_app.extensions import db
from survey_app.models import (
    AuditLog,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Sector,
    StaffScope,
)

INPATIENT = "health_inpatient"


@pytest.fixture
def seeded(app, runner, staff):
    """The demo quarter, an administrator and a health analyst; no app context held, so
    that each client's requests have their own (see seeding.load_reference)."""
    load_reference(app, runner)
    with app.app_context():
        seed_quarter()
        y_te = db.session.scalar(select(Sector.id).where(Sector.code == "y-te"))
    staff.create()
    staff.create("health", role="analyst", scopes=[StaffScope(sector_id=y_te)])
    return app


def _as(app, username: str):
    """A client of its own, logged in as `username`."""
    client = app.test_client()
    StaffActions(app, client).login(username)
    return client


def _kind_counts(app) -> Counter:
    with app.app_context():
        return _counts()


def _counts() -> Counter:
    rows = db.session.execute(
        select(Questionnaire.kind, func.count(Response.id))
        .join(QuestionnaireVersion, QuestionnaireVersion.questionnaire_id == Questionnaire.id)
        .join(Response, Response.questionnaire_version_id == QuestionnaireVersion.id)
        .group_by(Questionnaire.kind)).all()
    return Counter(dict(rows))


def _cli(app, runner, *args: str):
    with app.app_context():
        return runner.invoke(args=["report", "--period", PERIOD, *args])


def _csv(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def _kinds_of(app, rows: list[dict]) -> set[str]:
    codes = {row["questionnaire"] for row in rows}
    with app.app_context():
        return set(db.session.execute(
            select(Questionnaire.kind).where(Questionnaire.code.in_(codes))).scalars())


def test_the_page_offers_only_the_surveys_of_the_scope(seeded, staff, client):
    staff.login()
    html = client.get(f"/staff/reports?period={PERIOD}").get_data(as_text=True)
    for kind in ("administrative", INPATIENT, "health_outpatient", "education_parent"):
        assert f'<option value="{kind}"' in html
    client = _as(seeded, "health")
    html = client.get(f"/staff/reports?period={PERIOD}&survey={INPATIENT}").get_data(
        as_text=True)
    assert f'<option value="{INPATIENT}" selected>' in html
    assert 'value="education_parent"' not in html
    assert f"survey={INPATIENT}" in html  # the download links keep the choice


@pytest.mark.parametrize("path", ["", "/pdf", "/csv", "/json", "/codebook"])
def test_another_sectors_survey_is_not_found(seeded, path):
    client = _as(seeded, "health")
    response = client.get(f"/staff/reports{path}?period={PERIOD}&survey=education_parent")
    assert response.status_code == 404
    assert client.get(f"/staff/reports{path}?period={PERIOD}&survey=nope").status_code == 400


def test_every_file_holds_the_chosen_survey_only(seeded, staff, client):
    expected = _kind_counts(seeded)[INPATIENT]
    assert expected > 0
    staff.login()
    query = f"period={PERIOD}&survey={INPATIENT}"
    rows = _csv(client.get(f"/staff/reports/csv?{query}").data)
    assert len(rows) == expected
    assert _kinds_of(seeded, rows) == {INPATIENT}
    columns = {row["column"] for row in _csv(client.get(f"/staff/reports/codebook?{query}").data)}
    assert {c.split(".")[0] for c in columns if "." in c} == {"health-inpatient"}

    report = client.get(f"/staff/reports/json?{query}").get_json()
    assert report["survey"] == INPATIENT
    assert report["totals"]["responses"] == expected
    assert sum(c["responses"] for c in report["channels"]) == expected
    assert report["sectors"] == []  # no one-stop answers in it
    assert report["agencies"] == []
    assert sum(c["responses"] for c in report["facilities"]) == expected
    # The health and education target covers more surveys: only the inpatients' part is shown,
    # unjudged; the one-stop targets have nothing in view.
    (target,) = report["targets"]
    assert target["partial"]
    assert target["verdict"] is None
    assert target["responses"] == expected
    assert "khảo sát: Y tế: người bệnh nội trú" in report["scope"]["label"]

    text = squeeze(pdf_text(client.get(f"/staff/reports/pdf?{query}").data))
    assert squeeze("khảo sát: Y tế: người bệnh nội trú") in text
    assert squeeze("XU HƯỚNG QUA CÁC KỲ (Y TẾ: NGƯỜI BỆNH NỘI TRÚ)") in text
    with seeded.app_context():
        logged = db.session.execute(select(AuditLog.detail).where(
            AuditLog.action == "export.pdf")).scalars().all()
    assert [entry["survey"] for entry in logged] == [INPATIENT]


def test_all_surveys_is_the_default_and_keeps_every_section(seeded, staff, client):
    staff.login()
    everything = client.get(f"/staff/reports/json?period={PERIOD}").get_json()
    chosen = client.get(f"/staff/reports/json?period={PERIOD}&survey=all").get_json()
    assert everything["survey"] is None
    assert chosen["survey"] is None
    assert everything["totals"] == chosen["totals"]
    assert everything["totals"]["responses"] == sum(_kind_counts(seeded).values())
    admin = client.get(f"/staff/reports/json?period={PERIOD}&survey=administrative").get_json()
    assert admin["totals"]["responses"] == _kind_counts(seeded)["administrative"]
    assert admin["sectors"] == everything["sectors"]
    assert admin["facilities"] == []


def test_the_cli_and_the_api_take_the_survey(seeded, runner, staff, client, tmp_path):
    out = tmp_path / "r.json"
    result = _cli(seeded, runner, "--format", "json", "--out", str(out), "--survey", INPATIENT)
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_bytes())
    assert written["totals"]["responses"] == _kind_counts(seeded)[INPATIENT]
    client = _as(seeded, "health")
    reply = client.get(f"/api/v1/reports?period={PERIOD}&survey={INPATIENT}")
    assert reply.status_code == 200
    assert reply.get_json()["totals"] == written["totals"]
    refused = client.get(f"/api/v1/reports?period={PERIOD}&survey=education_parent")
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "bad_survey"
    result = _cli(seeded, runner, "--format", "json", "--out", str(out), "--survey", "nope")
    assert result.exit_code == 2


def test_the_cli_writes_the_codebook(seeded, runner, staff, client, tmp_path):
    out = tmp_path / "codebook.csv"
    result = _cli(seeded, runner, "--format", "codebook", "--out", str(out))
    assert result.exit_code == 0, result.output
    staff.login()
    assert out.read_bytes() == client.get(f"/staff/reports/codebook?period={PERIOD}").data
    rows = _csv(out.read_bytes())
    assert rows[0]["column"] == "questionnaire"
    assert any(row["column"].startswith("one-stop-sipas.") and row["codes"].startswith("1=")
               for row in rows)


def test_the_package_of_one_survey(seeded, runner, tmp_path):
    result = _cli(seeded, runner, "--package", str(tmp_path), "--survey", INPATIENT)
    assert result.exit_code == 0, result.output
    root = tmp_path / PERIOD
    assert json.loads((root / "manifest.json").read_text(encoding="utf-8"))["survey"] == INPATIENT
    rows = _csv((root / "tinh" / f"du-lieu-phieu-{PERIOD}.csv").read_bytes())
    assert _kinds_of(seeded, rows) == {INPATIENT}
    codebook = _csv((root / "tinh" / f"ma-cot-du-lieu-phieu-{PERIOD}.csv").read_bytes())
    assert any(row["column"].startswith("health-inpatient.") for row in codebook)
