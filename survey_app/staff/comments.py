"""Comment follow-up pages: the list (audited), one comment, and its update form."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from survey_app import formatting
from survey_app.errors import describe
from survey_app.extensions import db
from survey_app.models import Agency
from survey_app.routing import Views
from survey_app.services.feedback import listing
from survey_app.services.responses import comments as service
from survey_app.staff.arguments import form_id, page_number
from survey_app.staff.common import (
    BadQuery,
    bad_request,
    current_scope,
    period_choices,
    read_report_query,
)
from survey_app.text_input import InputForm
from survey_app.vocabulary import CommentStatus

views = Views()


class CommentForm(InputForm):
    tags = StringField(_l("Tags (separated by commas)"),
                       validators=[Optional(), Length(max=500)])
    assign_agency = SelectField(_l("Assign to agency"), coerce=str, validate_choice=False)
    reply_note = TextAreaField(_l("Reply note"),
                               validators=[Optional(), Length(max=service.MAX_NOTE_LENGTH)])
    handled = BooleanField(_l("Mark as handled"))


def _scope_for_comments():
    scope = current_scope()
    if not scope.allows_comments:
        abort(403)  # viewers read aggregates only
    return scope


@views.get("/comments")
def comment_list():
    scope = _scope_for_comments()
    try:
        # The dashboard's filters, so that its count and this list are the same comments;
        # with no survey asked for, every survey's comments.
        query = read_report_query(scope, survey_default="all")
    except BadQuery as error:
        return bad_request(str(error))
    status = request.args.get("status") or None
    if status and status not in CommentStatus.values():
        return bad_request(_("A filter in the address is not valid."))
    page = service.list_comments(
        scope, current_user.id, query.period, status=status,
        tag=request.args.get("tag") or None,
        page=page_number(request.args), filters=query.filters)
    return render_template("staff/comments.html", page=page, period=query.period,
                           status=status, tag=request.args.get("tag", ""),
                           narrowing={k: v for k, v in query.args().items() if k != "period"},
                           query=query, status_labels=CommentStatus.labels(),
                           period_choices=period_choices())


@views.route("/comments/<int:comment_id>", methods=["GET", "POST"])
def comment_detail(comment_id: int):
    scope = _scope_for_comments()
    form = CommentForm()
    form.assign_agency.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(a.id), formatting.local_name(a)) for a in _assignable(scope)]
    if form.validate_on_submit():
        if not scope.allows_editing:
            abort(403)
        agency_id = form_id(request.form, "assign_agency")
        try:
            service.update_comment(
                scope, current_user.id, comment_id, tags=form.tags.data,
                assign_agency_id=agency_id,
                reply_note=form.reply_note.data, handled=form.handled.data)
        except service.CommentNotFound:
            abort(404)
        except service.CommentInvalid as error:
            flash(_("The comment was not changed: %(reason)s", reason=describe(error)),
                  "error")
        else:
            flash(_("The comment was updated."), "info")
            return redirect(url_for("staff.comment_detail", comment_id=comment_id))
    try:
        comment = service.get_comment(scope, current_user.id, comment_id)
    except service.CommentNotFound:
        abort(404)
    if request.method == "GET":
        form.tags.data = ", ".join(comment.tags)
        form.assign_agency.data = str(comment.assigned_agency_id or "")
        form.reply_note.data = comment.reply_note or ""
    return render_template("staff/comment.html", comment=comment, form=form,
                           case_id=listing.case_for_comment(comment_id),
                           status_labels=CommentStatus.labels(), can_edit=scope.allows_editing)


def _assignable(scope) -> list[Agency]:
    return formatting.sort_by_local_name(db.session.execute(
        select(Agency).where(scope.agencies_filter())).scalars())
