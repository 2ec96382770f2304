"""The task queue: a paper file too long for one request is imported by a real worker.

The worker is `flask jobs worker` in its own process, on the test database and a
queue file of this run, as production runs it beside gunicorn.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time

import pytest
from campaign_support import csv_file, paper_row, scale_items, today
from sqlalchemy import func, select
from test_campaign_life import create_campaign, sector_user
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from support import PROJECT, csrf_token_from
from survey_app.extensions import db
from survey_app.models import Campaign, Job, Response


@pytest.fixture
def loaded(app, runner):
    with app.app_context():
        for what in ("reference", "questionnaires"):
            result = runner.invoke(args=[what, "load", str(PROJECT / what)])
            assert result.exit_code == 0, result.output
    app.config["PAPER_ROWS_IN_REQUEST"] = 3  # files of 4 rows and more go to the queue
    return app


@pytest.fixture
def worker(loaded, database_url, tmp_path):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": database_url,
           "JOBS_URL": loaded.config["JOBS_URL"],
           "SECRET_KEY": "worker-test-secret-key-long-enough"}
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "survey_app", "jobs", "worker"],
        cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    yield process
    process.terminate()
    process.wait(timeout=30)
    log.close()


def upload(client, campaign_id: int, body: bytes, name: str):
    page = client.get(f"/staff/campaigns/{campaign_id}/import").get_data(as_text=True)
    # The form encoded here, in memory: the test client would spool a body over 500 kB
    # to a temporary file it never closes (a ResourceWarning, an error in pytest).
    boundary, form = encode_multipart({"csrf_token": csrf_token_from(page),
                                       "file": FileStorage(io.BytesIO(body), name)})
    return client.post(f"/staff/campaigns/{campaign_id}/import", data=form,
                       content_type=f"multipart/form-data; boundary={boundary}")


def wait_for(client, url: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = client.get(url)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        if 'http-equiv="refresh"' not in html:
            return html
        time.sleep(0.2)
    raise AssertionError(f"the job at {url} did not finish within {timeout} s")


def responses(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Response)).scalar()


def campaign_rows(app, campaign_id: int, count: int, **answers) -> bytes:
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        return csv_file(campaign, [paper_row(campaign, "bv-da-khoa-vinh-long", today(), 4,
                                             **answers) for _ in range(count)])


def test_a_long_file_is_imported_by_the_worker_with_progress(loaded, client, staff, worker):
    sector_user(staff, loaded, "yte", "y-te")
    campaign_id = int(create_campaign(client, loaded).headers["Location"].rsplit("/", 1)[-1])
    result = upload(client, campaign_id, campaign_rows(loaded, campaign_id, 40), "dot1.csv")
    assert result.status_code == 302
    job_url = result.headers["Location"]
    assert re.search(rf"/staff/campaigns/{campaign_id}/import/\d+$", job_url)
    html = wait_for(client, job_url)
    assert "Đã nhập 40 phiếu giấy." in html
    assert responses(loaded) == 40
    with loaded.app_context():
        job = db.session.execute(select(Job)).scalar_one()
        assert job.status == "done"
        assert job.payload is None


# Rows of the end-to-end upload below: several chunks and progress steps; run it by
# hand at the queue's limit with PAPER_WEB_ROWS=100000 (bench/README.md, section 7).
WEB_ROWS = int(os.environ.get("PAPER_WEB_ROWS", "4000"))


def test_a_file_of_many_thousand_rows_goes_through_the_web(loaded, client, staff, worker,
                                                             runner):
    sector_user(staff, loaded, "yte", "y-te")
    campaign_id = int(create_campaign(client, loaded).headers["Location"].rsplit("/", 1)[-1])
    with loaded.app_context():
        definition = db.session.get_one(Campaign, campaign_id).questionnaire_version.definition
        every_item = {item: 1 + k % 5 for k, item in enumerate(scale_items(definition))}
    body = campaign_rows(loaded, campaign_id, WEB_ROWS, **{**every_item, "b2": "KSD"})
    began = time.monotonic()
    result = upload(client, campaign_id, body, "dot-lon.csv")
    handed_over = time.monotonic() - began
    assert result.status_code == 302
    assert handed_over < 10  # the request only stores the file with its job
    job_url = result.headers["Location"]
    seen: set[int] = set()
    deadline = time.monotonic() + 60 + WEB_ROWS / 50
    while time.monotonic() < deadline:
        html = client.get(job_url).get_data(as_text=True)
        seen.update(int(p) for p in re.findall(r"Đang nhập: đã xong (\d+) %", html))
        if 'http-equiv="refresh"' not in html:
            break
        time.sleep(0.1)
    assert f"Đã nhập {WEB_ROWS} phiếu giấy." in html
    assert any(0 < percent < 100 for percent in seen), seen  # the page showed progress
    assert responses(loaded) == WEB_ROWS
    with loaded.app_context():
        verified = runner.invoke(args=["rollups", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "rolled-up counts match the rows" in verified.output


def test_a_long_file_with_errors_stores_nothing_and_lists_them(loaded, client, staff, worker):
    sector_user(staff, loaded, "yte", "y-te")
    campaign_id = int(create_campaign(client, loaded).headers["Location"].rsplit("/", 1)[-1])
    body = campaign_rows(loaded, campaign_id, 10, a3=7)
    result = upload(client, campaign_id, body, "sai.csv")
    html = wait_for(client, result.headers["Location"])
    assert "a3" in html
    assert html.count("<li>") >= 10
    assert responses(loaded) == 0
    # the same page is refused to a user who cannot manage the campaign
    sector_user(staff, loaded, "giaoduc", "giao-duc")
    assert client.get(result.headers["Location"]).status_code == 404


def test_a_short_file_is_still_imported_at_once(loaded, client, staff):
    sector_user(staff, loaded, "yte", "y-te")
    campaign_id = int(create_campaign(client, loaded).headers["Location"].rsplit("/", 1)[-1])
    result = upload(client, campaign_id, campaign_rows(loaded, campaign_id, 3), "ngan.csv")
    assert result.status_code == 302
    assert result.headers["Location"].endswith(f"/staff/campaigns/{campaign_id}")
    assert responses(loaded) == 3


def test_the_worker_purges_old_comments_every_night(reference_data):
    from datetime import datetime

    from test_privacy_retention import _seed

    from survey_app.models import Comment
    from survey_app.services.jobs import periodic, queue

    _seed(800, contact=True, text="Gọi tôi ở số 0912 345 678")
    _seed(100, contact=False, text="Cán bộ tận tình")
    # 19:30 UTC, 02:30 in Vĩnh Long, and at no other minute of the day
    task = periodic.daily_purge.task_class()
    due = [minute for minute in range(24 * 60)
           if task.validate_datetime(datetime(2026, 12, 1, minute // 60, minute % 60))]
    assert due == [19 * 60 + 30]
    # the hour follows DISPLAY_TIMEZONE: 02:30 in Tokyo is 17:30 UTC
    config = queue.app().config
    config["DISPLAY_TIMEZONE"] = "Asia/Tokyo"
    try:
        due = [minute for minute in range(24 * 60)
               if task.validate_datetime(datetime(2026, 12, 1, minute // 60, minute % 60))]
    finally:
        config["DISPLAY_TIMEZONE"] = "Asia/Ho_Chi_Minh"
    assert due == [17 * 60 + 30]
    periodic.daily_purge.call_local()
    texts = sorted(db.session.execute(select(Comment.text)).scalars())
    assert texts == ["", "Cán bộ tận tình"]
