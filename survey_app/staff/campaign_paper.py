"""Paper questionnaires: typing one form, importing a file, downloading the template.

The typing page is built for the keyboard alone: autofocus on the first field, the
natural tab order, number keys 1–5 (0 for "not used") on a scale question
(static/paper_entry.js), and "save and next", which keeps facility and date.
"""

from __future__ import annotations

from datetime import date

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import DateField, SelectField
from wtforms.validators import DataRequired

from survey_app import formatting
from survey_app.errors import describe
from survey_app.extensions import csrf, db
from survey_app.models import ImportBatch, Job
from survey_app.routing import Views
from survey_app.services.jobs import paper as paper_jobs
from survey_app.services.jobs import queue
from survey_app.services.paper import imports as paper_import
from survey_app.services.paper import template as paper_template
from survey_app.services.paper.files import TooManyRows, UnreadableFile, read_table
from survey_app.services.questionnaires.forms import build_form_class
from survey_app.staff.arguments import optional_id
from survey_app.staff.campaign_forms import ImportForm
from survey_app.staff.campaigns import managed_or_404

views = Views()


def _entry_form_class(campaign, lang: str):
    built = build_form_class(campaign.questionnaire_version.definition, lang, web=False)
    # a class made at run time from the questionnaire: type() says so to the type checker
    return type("PaperEntryForm", (built,), {
        "facility": SelectField(_("Facility"), coerce=int, validators=[DataRequired()]),
        "filled_on": DateField(_("Date filled in"), validators=[DataRequired()]),
    })


@views.route("/campaigns/<int:campaign_id>/paper", methods=["GET", "POST"])
def paper_entry(campaign_id: int):
    campaign = managed_or_404(campaign_id)
    lang = str(get_locale() or "vi")
    form = _entry_form_class(campaign, lang)(data=_kept(request.args))
    form.facility.choices = [(f.agency_id, f.agency.name_vi if lang == "vi" else f.agency.name_en)
                             for f in formatting.sort_by_name(campaign.facilities,
                                                              lambda f: f.agency.name_vi, "vi")]
    checker = paper_import.RowChecker(campaign)
    date_error = None
    if form.validate_on_submit():
        day = form.filled_on.data
        if not checker.first_day <= day <= checker.last_day:
            date_error = _("The date must be within %(window)s.", window=checker.window)
        else:
            paper_import.enter_one(campaign, paper_import.PaperForm(
                0, form.facility.data, day, form.answers()), current_user.id)
            flash(_("The paper questionnaire is saved."), "info")
            if request.form.get("next"):
                return redirect(url_for("staff.paper_entry", campaign_id=campaign.id,
                                        facility=form.facility.data, date=day.isoformat()))
            return redirect(url_for("staff.campaign_progress", campaign_id=campaign.id))
    status = 422 if request.method == "POST" else 200
    return render_template("staff/campaigns/paper.html", campaign=campaign, form=form,
                           date_error=date_error, focus_item=bool(request.args.get("facility"))
                           ), status


def _kept(args) -> dict:
    """Facility and date carried over from the previous form ("save and next")."""
    kept: dict[str, int | date] = {}
    facility = optional_id(args, "facility")
    if facility is not None:
        kept["facility"] = facility
    try:
        kept["filled_on"] = date.fromisoformat(args.get("date", ""))
    except ValueError:
        pass
    return kept


# Exempt from the global CSRF check only so that a too-large upload reaches this view
# (the global check reads the body first and would answer a bare 413): the form's own
# CSRF field is still required and checked by validate_on_submit().
@csrf.exempt
@views.route("/campaigns/<int:campaign_id>/import", methods=["GET", "POST"])
def paper_import_page(campaign_id: int):
    campaign = managed_or_404(campaign_id)
    errors, message, status = [], None, 200
    try:
        form = ImportForm()
        submitted = form.validate_on_submit()
    except RequestEntityTooLarge:
        form = ImportForm(formdata=None)
        submitted, status = False, 413
        message = _("The file is larger than 16 MB. Split it into smaller files and import "
                    "them one by one.")
    if submitted:
        upload = form.file.data
        filename, data = upload.filename or "upload", upload.read()
        try:
            table = read_table(filename, data,
                               max_rows=current_app.config["PAPER_ROWS_IN_REQUEST"])
            batch = paper_import.import_table(campaign, filename, table, current_user.id)
        except TooManyRows:
            # Too long for one request: the worker imports it, this page follows it.
            job = paper_jobs.enqueue_import(campaign, filename, data, current_user.id,
                                            str(get_locale() or "vi"))
            return redirect(url_for("staff.paper_import_job", campaign_id=campaign.id,
                                    job_id=job.id))
        except UnreadableFile as error:
            message, status = _("The file could not be read: %(why)s", why=describe(error)), 422
        except paper_import.AlreadyImported as error:
            message, status = _(
                "This file was already imported (as “%(name)s”, %(rows)s questionnaires): "
                "nothing was stored a second time.",
                name=error.batch.filename, rows=error.batch.rows), 409
        except paper_import.InvalidFile as error:
            errors, status = [e.text(translated=True) for e in error.errors], 422
            message = _("The file has %(count)s problem(s); nothing was stored. Correct them "
                        "and import the whole file again.", count=error.count)
        else:
            flash(_("%(rows)s paper questionnaires imported.", rows=batch.rows), "info")
            return redirect(url_for("staff.campaign_progress", campaign_id=campaign.id))
    elif request.method == "POST" and status == 200:
        status = 422
    batches = db.session.execute(
        select(ImportBatch).where(ImportBatch.campaign_id == campaign.id)
        .order_by(ImportBatch.imported_at.desc())
    ).scalars().all()
    return render_template("staff/campaigns/import.html", campaign=campaign, form=form,
                           errors=errors, message=message, batches=batches), status


@views.get("/campaigns/<int:campaign_id>/import/<int:job_id>")
def paper_import_job(campaign_id: int, job_id: int):
    campaign = managed_or_404(campaign_id)
    job = db.session.get(Job, job_id)
    if job is None or job.campaign_id != campaign.id or job.kind != "paper_import":
        abort(404)
    outcome = job.outcome or {}
    errors = [paper_import.CellError(**e).text(translated=True)
              for e in outcome.get("errors", [])]
    return render_template("staff/campaigns/import_job.html", campaign=campaign, job=job,
                           outcome=outcome, errors=errors, progress=queue.progress(job.id))


@views.get("/campaigns/<int:campaign_id>/template.<fmt>")
def paper_template_file(campaign_id: int, fmt: str):
    campaign = managed_or_404(campaign_id)
    name = f"mau-nhap-{campaign.questionnaire_version.questionnaire.code}-{campaign.code}"
    if fmt == "xlsx":
        body = paper_template.xlsx(campaign)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        body, mimetype = paper_template.csv_bytes(campaign), "text/csv; charset=utf-8"
    else:
        abort(404)
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})
