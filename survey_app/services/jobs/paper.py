"""Paper imports on the task queue: files too large to import within a request.

A file of up to `files.MAX_ROWS` questionnaires is stored with its job, and the
worker checks and stores it all or nothing, exactly as the command line does. The
page that started it follows the job's progress (`staff/jobs.py`).
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from survey_app.errors import describe
from survey_app.extensions import db
from survey_app.models import Campaign, Job, utcnow
from survey_app.services.jobs import queue
from survey_app.services.paper import imports as paper_import
from survey_app.services.paper.files import MAX_ROWS, UnreadableFile, read_table

log = logging.getLogger(__name__)
# Located problems kept for the page: a surveyor corrects the first few hundred and
# imports again; the count says how many there were in all.
KEPT_PROBLEMS = 500


def enqueue_import(campaign: Campaign, filename: str, data: bytes, user_id: int,
                   language: str) -> Job:
    """Store the file with a new job and put the job on the queue."""
    job = Job(kind="paper_import", owner_id=user_id, campaign_id=campaign.id,
              filename=filename[-300:], payload=data, outcome={"language": language})
    db.session.add(job)
    db.session.commit()
    run_paper_import(job.id)
    return job


@queue.huey.task()
def run_paper_import(job_id: int) -> None:
    queue.run_in_app(run, job_id)


def run(job_id: int) -> None:
    """Run one queued import job (the worker's task body; tests call it directly too)."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != "queued":
        return  # a message delivered twice: the job already ran
    job.status, job.started_at = "running", utcnow()
    db.session.commit()
    language = (job.outcome or {}).get("language", "vi")
    try:
        outcome = _import(job)
        status = "done" if "rows" in outcome else "failed"
    except Exception:
        db.session.rollback()
        log.exception("paper import job %s failed", job_id)
        outcome, status = {"problem": "error"}, "failed"
    job = db.session.get_one(Job, job_id)
    job.status, job.finished_at, job.payload = status, utcnow(), None
    job.outcome = {"language": language, **outcome}
    db.session.commit()
    queue.clear_progress(job_id)


def _import(job: Job) -> dict:
    campaign = db.session.get_one(Campaign, job.campaign_id)
    language = (job.outcome or {}).get("language", "vi")
    try:
        table = read_table(job.filename, job.payload or b"", max_rows=MAX_ROWS)
    except UnreadableFile as error:
        return {"problem": "unreadable", "why": describe(error, language)}
    try:
        batch = paper_import.import_table(campaign, job.filename, table, job.owner_id,
                                          progress=Reporter(job.id))
    except paper_import.AlreadyImported as error:
        return {"problem": "already_imported", "name": error.batch.filename,
                "rows": error.batch.rows}
    except paper_import.InvalidFile as error:
        return {"problem": "invalid", "count": error.count,
                "errors": [asdict(e) for e in error.errors[:KEPT_PROBLEMS]]}
    return {"rows": batch.rows, "batch_id": batch.id}


class Reporter:
    """The import's progress into the queue's store, a few hundred writes at most (rows
    are checked one at a time, then stored a chunk at a time)."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.reported = 0

    def __call__(self, done: int, total: int) -> None:
        if done - self.reported >= max(1, total // 200) or done == total:
            queue.set_progress(self.job_id, done, total)
            self.reported = done
