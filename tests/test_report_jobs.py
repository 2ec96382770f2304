"""Large reports and packages are built by a real worker, their page showing the progress;
small ones stay in the request.

The worker is `flask jobs worker` in its own process on the test database (SQLite or
PostgreSQL, as TEST_DATABASE_URL says) and a queue file of this run, as in test_jobs.py.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from report_support import pdf_text, squeeze
from seeding import add_responses, by_code, load_reference
from sqlalchemy import select
from test_jobs import wait_for, worker  # noqa: F401 - the worker fixture

from support import StaffActions, csrf_token_from
from survey_app.extensions import db
from survey_app.models import AuditLog, Job, Sector, StaffScope, StaffUser
from survey_app.services.jobs import queue
from survey_app.services.jobs import reports as report_jobs

AT = datetime(2025, 8, 1, 3, tzinfo=UTC)
PERIOD = "2025-Q3"


@pytest.fixture
def loaded(app, runner):
    """40 one-stop answers and 6 inpatients' in 2025-Q3; anything above 10 goes to the queue."""
    load_reference(app, runner)
    with app.app_context():
        add_responses(40, scores=[5, 4, 4, 2], agency="ttphc-tinh", sector="dat-dai",
                      counter="ttphc-dat-dai", at=AT)
        add_responses(6, scores=5, agency="bv-da-khoa-vinh-long", sector="y-te",
                      kind="health_inpatient", channel="paper", at=AT)
        land = by_code(Sector, "dat-dai").id
    staff = StaffActions(app, app.test_client())
    staff.create("admin", "admin")
    staff.create("land", "analyst", [StaffScope(sector_id=land)])
    app.config["REPORT_ROWS_IN_REQUEST"] = 10
    return app


def _as(app, username: str):
    client = app.test_client()
    StaffActions(app, client).login(username)
    return client


def _start(client, fmt: str, **choice) -> str:
    """Press the page's button for `fmt`; the address of the job's page."""
    page = client.get("/staff/reports", query_string={"period": PERIOD, **choice})
    html = page.get_data(as_text=True)
    assert 'action="/staff/reports/jobs"' in html
    assert f'href="/staff/reports/{fmt}?' not in html  # no link that would time out
    reply = client.post("/staff/reports/jobs", data={
        "csrf_token": csrf_token_from(html), "format": fmt, "period": PERIOD, **choice})
    assert reply.status_code == 303
    return reply.headers["Location"]


def _file(client, job_url: str) -> bytes:
    html = wait_for(client, job_url)
    assert "Tệp đã sẵn sàng." in html
    download = client.get(f"{job_url}/file")
    assert download.status_code == 200
    assert download.headers["Cache-Control"] == "no-store"
    return download.data


def test_a_large_pdf_is_built_by_the_worker(loaded, worker):  # noqa: F811
    client = _as(loaded, "admin")
    # The direct link of a large file leads back to the page, which offers the button.
    direct = client.get(f"/staff/reports/pdf?period={PERIOD}")
    assert direct.status_code == 302
    assert "/staff/reports?period=2025-Q3" in direct.headers["Location"]
    body = _file(client, _start(client, "pdf"))
    assert body.startswith(b"%PDF")
    assert squeeze("Tổng số phiếu trong kỳ: 46") in squeeze(pdf_text(body))
    with loaded.app_context():
        job = db.session.execute(select(Job)).scalar_one()
        assert (job.kind, job.status, job.filename) == ("report", "done",
                                                         "bao-cao-hai-long-2025-Q3.pdf")
        admin = db.session.scalar(select(StaffUser.id).where(StaffUser.username == "admin"))
        audit = db.session.execute(select(AuditLog.user_id).where(
            AuditLog.action == "export.pdf")).scalars().all()
        assert audit == [admin]


def test_the_queued_csv_is_the_one_the_request_streams(loaded, worker):  # noqa: F811
    loaded.config["REPORT_ROWS_IN_REQUEST"] = 5
    client = _as(loaded, "admin")
    queued = _file(client, _start(client, "csv", survey="health_inpatient"))
    loaded.config["REPORT_ROWS_IN_REQUEST"] = 1000
    streamed = client.get(f"/staff/reports/csv?period={PERIOD}&survey=health_inpatient").data
    assert queued == streamed
    assert queued.decode("utf-8-sig").count("\r\n") == 1 + 6


def test_a_queued_package_holds_every_file_and_true_sums(loaded, worker):  # noqa: F811
    client = _as(loaded, "land")
    body = _file(client, _start(client, "package"))
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = set(archive.namelist())
    assert {"2025-Q3/manifest.json", "2025-Q3/SHA256SUMS",
            "2025-Q3/pham-vi/bao-cao-hai-long-2025-Q3.pdf",
            "2025-Q3/pham-vi/du-lieu-phieu-2025-Q3.csv",
            "2025-Q3/pham-vi/ma-cot-du-lieu-phieu-2025-Q3.csv"} <= names
    manifest = json.loads(archive.read("2025-Q3/manifest.json"))
    assert len(manifest["files"]) == 6
    report = json.loads(archive.read("2025-Q3/pham-vi/bao-cao-hai-long-2025-Q3.json"))
    assert report["totals"]["responses"] == 40  # the land analyst's scope, not the province
    assert {c["code"] for c in report["sectors"]} == {"dat-dai"}


def test_small_files_stay_in_the_request(loaded):
    loaded.config["REPORT_ROWS_IN_REQUEST"] = 1000
    client = _as(loaded, "admin")
    html = client.get(f"/staff/reports?period={PERIOD}").get_data(as_text=True)
    assert "/staff/reports/jobs" not in html
    package = client.get(f"/staff/reports/package?period={PERIOD}")
    assert package.status_code == 200
    assert package.headers["Content-Type"] == "application/zip"
    assert "2025-Q3/tinh/" not in " ".join(zipfile.ZipFile(io.BytesIO(package.data)).namelist())
    with loaded.app_context():
        assert db.session.execute(select(Job)).first() is None


def test_the_page_shows_the_progress_and_only_to_its_owner(loaded):
    client = _as(loaded, "admin")
    job_url = _start(client, "xlsx")  # queued; no worker runs in this test
    html = client.get(job_url).get_data(as_text=True)
    assert 'http-equiv="refresh"' in html
    job_id = int(job_url.rsplit("/", 1)[-1])
    with loaded.app_context():
        db.session.get(Job, job_id).status = "running"
        db.session.commit()
    queue.set_progress(job_id, 3, 9)
    html = client.get(job_url).get_data(as_text=True)
    assert '<progress max="9" value="3">' in html
    assert "33 %" in html
    assert client.get(f"{job_url}/file").status_code == 404  # not built yet
    other = _as(loaded, "land")
    assert other.get(job_url).status_code == 404
    assert other.get(f"{job_url}/file").status_code == 404
    queue.clear_progress(job_id)


def test_a_right_withdrawn_before_the_build_builds_nothing(loaded):
    client = _as(loaded, "land")
    job_url = _start(client, "json")
    job_id = int(job_url.rsplit("/", 1)[-1])
    with loaded.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "land"))
        for row in list(user.scopes):
            db.session.delete(row)
        db.session.commit()
        report_jobs.run(job_id)  # what the worker does with the job
        job = db.session.get(Job, job_id)
        assert (job.status, job.outcome["problem"], job.payload) == ("failed", "scope", None)
    html = client.get(job_url).get_data(as_text=True)
    assert "nothing was built" in html or "không có tệp nào được tạo" in html


def test_a_bad_format_or_choice_is_refused(loaded):
    client = _as(loaded, "land")
    token = csrf_token_from(client.get("/staff/reports").get_data(as_text=True))
    assert client.post("/staff/reports/jobs", data={
        "csrf_token": token, "format": "exe", "period": PERIOD}).status_code == 404
    assert client.post("/staff/reports/jobs", data={
        "csrf_token": token, "format": "pdf", "period": "2025-Q9"}).status_code == 400
    assert client.post("/staff/reports/jobs", data={
        "csrf_token": token, "format": "pdf", "period": PERIOD,
        "survey": "education_parent"}).status_code == 404
    with loaded.app_context():
        assert db.session.execute(select(Job)).first() is None


def test_built_files_are_dropped_after_a_week(loaded):
    from datetime import timedelta

    from survey_app.models import utcnow

    client = _as(loaded, "admin")
    old_url, new_url = _start(client, "json"), _start(client, "xlsx")
    with loaded.app_context():
        for url, age in ((old_url, 8), (new_url, 1)):
            job = db.session.get(Job, int(url.rsplit("/", 1)[-1]))
            job.status, job.payload = "done", b"{}"
            job.finished_at = utcnow() - timedelta(days=age)
            job.outcome = {**job.outcome, "bytes": 2}
        db.session.commit()
        assert report_jobs.forget_old_files() == 1
        assert report_jobs.forget_old_files() == 0
    assert client.get(f"{old_url}/file").status_code == 404
    assert "đã bị xóa" in client.get(old_url).get_data(as_text=True)
    assert client.get(f"{new_url}/file").data == b"{}"
