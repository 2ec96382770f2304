"""Large reports and packages built by the task queue, followed on a page of their own.

The Reports page offers a button instead of a link when a choice holds more responses
than `REPORT_ROWS_IN_REQUEST`: the POST puts a job on the queue (services/jobs/reports.py)
and leads to its page, which refreshes itself (no JavaScript) until the file is ready
and then links to it. A job and its file are its owner's only: anyone else gets a 404.
"""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from survey_app.extensions import db
from survey_app.models import Job
from survey_app.routing import Views
from survey_app.services.jobs import queue
from survey_app.services.jobs import reports as report_jobs
from survey_app.staff import report_choices
from survey_app.staff.common import BadQuery, bad_request

views = Views()


@views.post("/reports/jobs")
def report_job_new():
    fmt = request.form.get("format", "")
    if fmt not in report_jobs.FILES:
        abort(404)
    try:
        period, chosen = report_choices.read(request.form)
    except BadQuery as error:
        return bad_request(str(error))
    job = report_jobs.enqueue(fmt, period, chosen, current_user.id, str(get_locale() or "vi"))
    return redirect(url_for("staff.report_job", job_id=job.id), 303)


def _own(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or job.kind != "report" or job.owner_id != current_user.id:
        abort(404)
    return job


@views.get("/reports/jobs/<int:job_id>")
def report_job(job_id: int):
    job = _own(job_id)
    return render_template("staff/report_job.html", job=job, outcome=job.outcome or {},
                           progress=queue.progress(job.id))


@views.get("/reports/jobs/<int:job_id>/file")
def report_job_file(job_id: int):
    job = _own(job_id)
    if job.status != "done" or (job.outcome or {}).get("removed") or job.payload is None:
        abort(404)
    fmt = (job.outcome or {}).get("format", "")
    return Response(job.payload, content_type=report_jobs.media_type(fmt), headers={
        "Content-Disposition": f'attachment; filename="{job.filename}"',
        "Cache-Control": "no-store"})
