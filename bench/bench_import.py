"""Benchmark 7: a paper import through the task queue, beside the same file on the command line.

Ours: a file of BENCH_IMPORT_ROWS questionnaires (default 100,000) of the Ministry of
Health's inpatient form, handed to the queue as the web does for a long file
(`services/jobs/paper.enqueue_import`) and imported by a real `flask jobs worker`
process: seconds from the hand-over to the job's end, and the worker's peak memory.
Baseline: `flask import-responses` of the same rows for another hospital (another
campaign, since one facility is in one campaign at a time): the same checks and
INSERTs in the foreground, so the ratio is what the queue adds.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import common

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))


def make_campaign(name: str, facility: str):
    from campaign_support import health_input

    from survey_app.extensions import db
    from survey_app.models import StaffScope, StaffUser
    from survey_app.services.access import accounts
    from survey_app.services.campaigns import setup as campaigns

    user = db.session.query(StaffUser).filter_by(username="bench-yte").one_or_none()
    if user is None:
        from campaign_support import sector

        user = accounts.create_user("bench-yte", "correct horse battery staple", "analyst")
        user.scopes.append(StaffScope(sector_id=sector("y-te").id))
        db.session.commit()
    from dataclasses import replace

    data = replace(health_input(volumes={facility: 1000}),
                   name_vi=f"Đo thời gian nhập {name}", name_en=f"Bench {name}")
    return campaigns.create(data, user), user


def paper_file(campaign, facility: str) -> bytes:
    from campaign_support import scale_items, today

    definition = campaign.questionnaire_version.definition
    items = scale_items(definition)
    header = ["facility", "date", *items]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    day = f"{today() - timedelta(days=1):%d/%m/%Y}"
    for i in range(ROWS):
        writer.writerow([facility, day, *[str(1 + (i + k) % 5) for k in
                                                        range(len(items))]])
    return buffer.getvalue().encode("utf-8")


def main() -> None:
    for database, url in common.databases("import"):
        folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
        jobs_url = f"sqlite:///{folder / 'jobs.sqlite3'}"
        app = common.make_app(url)
        app.config["JOBS_URL"] = jobs_url
        common.fresh_schema(app)
        from survey_app.services.jobs import paper as paper_jobs
        from survey_app.services.jobs import queue

        queue.configure(app)
        with app.app_context():
            queued, user = make_campaign("queue", "bv-da-khoa-vinh-long")
            body = paper_file(queued, "bv-da-khoa-vinh-long")
            job = paper_jobs.enqueue_import(queued, "bench.csv", body, user.id, "vi")
            job_id = job.id
            other, _ = make_campaign("cli", "bv-da-khoa-tra-vinh")
            other_id, cli_body = other.id, paper_file(other, "bv-da-khoa-tra-vinh")
        env = {**os.environ, "DATABASE_URL": url, "JOBS_URL": jobs_url,
               "SECRET_KEY": common.BENCH_SECRET_KEY}
        began = time.perf_counter()
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "survey_app", "jobs", "worker"],
            cwd=common.PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        peak = 0.0
        with app.app_context():
            from survey_app.extensions import db
            from survey_app.models import Job

            while True:
                peak = max(peak, common.peak_rss_mb(worker.pid))
                db.session.expire_all()
                status = db.session.get(Job, job_id).status
                if status in ("done", "failed"):
                    break
                time.sleep(0.2)
            outcome = db.session.get(Job, job_id).outcome
        seconds = time.perf_counter() - began
        worker.terminate()
        worker.wait(timeout=60)
        if status != "done":
            raise RuntimeError(f"the queued import failed: {outcome}")
        path = folder / "bench.csv"
        path.write_bytes(cli_body)
        began = time.perf_counter()
        cli_peak = common.run_watching_memory(
            [sys.executable, "-m", "flask", "--app", "survey_app", "import-responses",
             "--campaign", str(other_id), str(path)],
            cwd=common.PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cli_seconds = time.perf_counter() - began
        common.report("import", database, f"paper import, {ROWS:,} rows, queue vs CLI",
                      seconds, cli_seconds, "s", "goal: works; memory bounded",
                      {"peak_mb": peak, "cli_peak_mb": cli_peak, "rows": ROWS})
        print(f"  {'':8} {database:<10} peak memory: worker {peak:.0f} MB, "
              f"command line {cli_peak:.0f} MB; {ROWS / seconds:.0f} rows/s through the queue")


if __name__ == "__main__":
    main()
