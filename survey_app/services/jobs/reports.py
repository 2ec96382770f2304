"""Reports on the task queue: files too large to build within a request.

A download whose period and choice hold more than `REPORT_ROWS_IN_REQUEST` responses
(the config; the CSV export's row count is the measure, one COUNT) is built by the
worker: the job keeps what was asked (format, period, the choice's arguments), and the
worker rebuilds the reader's scope from their account when it runs, so a right
withdrawn in the meantime is withdrawn from the file too. The file built travels back
through the database (`Job.payload`, as a paper file travels the other way) and the
page that asked for it follows its progress (`staff/report_jobs.py`). Files are kept a
week (`forget_old_files`, run by the worker's daily task).

`build` writes any of the files — the five formats, or the package of the choice as
one ZIP (`package.py`'s folder with its manifest and SHA256SUMS) — for the request
path and the worker alike.
"""

from __future__ import annotations

import io
import logging
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Job, StaffUser, utcnow
from survey_app.services.access.scope import Scope
from survey_app.services.jobs import queue
from survey_app.services.reporting import exports
from survey_app.services.reporting.exports import choice, csv_export, data, package
from survey_app.services.reporting.periods import Period, parse_period

log = logging.getLogger(__name__)
PACKAGE = "package"
FILES = (*exports.FORMATS, PACKAGE)
PDF_STEPS = 2  # the PDF's body and its layout, after the data steps
# A built file is a copy of figures anyone can build again: kept a week, then dropped
# (by the worker's daily task), so that the jobs table does not grow without end.
KEEP_FILES = timedelta(days=7)
Progress = Callable[[int, int], None]


def file_name(period: Period, fmt: str) -> str:
    if fmt == PACKAGE:
        return f"goi-bao-cao-{period.code.replace('..', '_')}.zip"
    return exports.file_name(period, fmt)


def media_type(fmt: str) -> str:
    return "application/zip" if fmt == PACKAGE else exports.MEDIA_TYPES[fmt]


def size(period: Period, chosen: choice.Choice) -> int:
    """How many responses the files of this choice read (what makes a build long)."""
    return csv_export.count(period, chosen.scope, chosen.survey)


def build(fmt: str, period: Period, chosen: choice.Choice, user_id: int | None, out,
          progress: Progress | None = None) -> None:
    """Write the `fmt` file of `chosen` to the binary file `out`; `progress(done, total)`."""
    def report(done: int, total: int) -> None:
        if progress:
            progress(done, total)

    if fmt == PACKAGE:
        _package(period, chosen, user_id, out, report)
    elif fmt == "csv":
        total = size(period, chosen)
        for text in exports.csv_report(period, chosen.scope, user_id,
                                       lambda rows: report(rows, total), survey=chosen.survey):
            out.write(text.encode("utf-8"))
    else:
        steps = len(data.STEPS) + (PDF_STEPS if fmt == "pdf" else 0)
        done = [0]

        def step(_name: str) -> None:
            done[0] += 1
            report(done[0], steps)

        exports.build_report(fmt, period, chosen.scope, user_id, out, step,
                             survey=chosen.survey)


def _package(period: Period, chosen: choice.Choice, user_id: int | None, out,
             report: Progress) -> None:
    """The package of the choice (one folder, `pham-vi`) zipped with its manifest."""
    part = package.PackageScope("pham-vi", data.scope_label(chosen.scope)["vi"], chosen.scope,
                                user_id)
    total = len(package.FILES)
    done = [0]

    def advance(_file: str) -> None:
        done[0] += 1
        report(done[0], total)

    folder = Path(tempfile.mkdtemp(prefix=".package-web-"))
    try:
        built = package.write(period, folder, advance, survey=chosen.survey, parts=[part])
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(built.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(folder).as_posix())
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def enqueue(fmt: str, period: Period, chosen: choice.Choice, user_id: int,
            language: str) -> Job:
    """A new job for this file, on the queue; the choice is kept as its arguments."""
    job = Job(kind="report", owner_id=user_id, filename=file_name(period, fmt),
              outcome={"language": language, "format": fmt, "period": period.code,
                       "choice": chosen.args()})
    db.session.add(job)
    db.session.commit()
    run_report(job.id)
    return job


@queue.huey.task()
def run_report(job_id: int) -> None:
    queue.run_in_app(run, job_id)


def run(job_id: int) -> None:
    """Build one queued report (the worker's task body)."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != "queued" or job.kind != "report":
        return  # a message delivered twice: the job already ran
    job.status, job.started_at = "running", utcnow()
    db.session.commit()
    asked = dict(job.outcome or {})
    body: bytes | None = None
    result: dict[str, Any] = {}
    try:
        body = _build(job, asked)
        result = {"bytes": len(body)}
    except choice.OutsideScope:
        db.session.rollback()
        result = {"problem": "scope"}
    except Exception:
        db.session.rollback()
        log.exception("report job %s failed", job_id)
        result = {"problem": "error"}
    job.status = "failed" if "problem" in result else "done"
    job.finished_at, job.payload, job.outcome = utcnow(), body, {**asked, **result}
    db.session.commit()
    queue.clear_progress(job_id)


def forget_old_files(now: datetime | None = None) -> int:
    """Drop the files built more than `KEEP_FILES` ago (their jobs stay, marked `removed`)."""
    cutoff = (now or utcnow()) - KEEP_FILES
    old = db.session.execute(select(Job).where(
        Job.kind == "report", Job.status == "done", Job.finished_at < cutoff,
        Job.payload.is_not(None))).scalars().all()
    for job in old:
        job.payload, job.outcome = None, {**(job.outcome or {}), "removed": True}
    db.session.commit()
    return len(old)


def _build(job: Job, asked: dict) -> bytes:
    """The file, for the job owner's scope as it is now."""
    owner = db.session.get(StaffUser, job.owner_id) if job.owner_id else None
    if owner is None or Scope.for_user(owner).is_empty:
        raise choice.OutsideScope(job.owner_id)
    scope = Scope.for_user(owner)
    args = asked.get("choice", {})
    chosen = choice.narrow(scope, args.get("sector"), args.get("agency"), args.get("survey"))
    job_id = job.id

    def progress(done: int, total: int) -> None:
        queue.set_progress(job_id, done, total)

    buffer = io.BytesIO()
    build(asked["format"], parse_period(asked["period"]), chosen, job.owner_id, buffer, progress)
    return buffer.getvalue()
