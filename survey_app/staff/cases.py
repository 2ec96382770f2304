"""Feedback-case pages: the filtered list, one case with its thread and actions.

The dashboard's case counts come from `case_counts_for` (a template global), which
counts with the list's own query, so the numbers match the list they link to.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select, true

from survey_app import formatting
from survey_app.errors import describe
from survey_app.extensions import db
from survey_app.models import CASE_STATES, Agency, Sector, agency_sectors
from survey_app.models.feedback import CASE_KINDS
from survey_app.routing import Views
from survey_app.services.feedback import cases as service
from survey_app.services.feedback import listing, replies
from survey_app.staff.arguments import form_id, optional_id, page_number
from survey_app.staff.common import (
    BadQuery,
    bad_request,
    current_scope,
    period_choices,
    read_period,
)
from survey_app.text_input import ControlCharacter, clean
from survey_app.vocabulary import CaseEventKind, CaseKind, CaseState

views = Views()

STATE_LABELS = CaseState.labels()
KIND_LABELS = CaseKind.labels()
ACTION_LABELS = {"assign": _l("Assign to the agency"), "start": _l("Start handling"),
                 "answer": _l("Send the answer"), "close": _l("Close"),
                 "reopen": _l("Reopen"), "note": _l("Add an internal note"),
                 "reply_link": _l("Create the citizen's reply link")}
EVENT_LABELS = CaseEventKind.labels()


def _reader_scope():
    scope = current_scope()
    if not scope.allows_comments:
        abort(403)  # viewers read aggregates only
    return scope


def read_filters(args) -> listing.CaseFilters:
    try:
        return listing.CaseFilters(
            period=read_period(args), state=args.get("state") or None,
            kind=args.get("kind") or None, agency_id=optional_id(args, "agency"),
            sector_id=optional_id(args, "sector"), score=optional_id(args, "score"),
            overdue=args.get("overdue") == "1")
    except listing.CaseFilterInvalid:
        raise BadQuery(_("A filter in the address is not valid.")) from None


def filter_args(filters: listing.CaseFilters, **changes) -> dict:
    base = {"period": filters.period.code, "state": filters.state, "kind": filters.kind,
            "agency": filters.agency_id, "sector": filters.sector_id, "score": filters.score,
            "overdue": "1" if filters.overdue else None}
    base.update(changes)
    return {k: v for k, v in base.items() if v not in ("", None)}


@views.app_template_global()
def case_counts_for(period, scope):
    """Counts by state and overdue for the dashboard (aggregates: also for viewers)."""
    return listing.case_counts(scope, listing.CaseFilters(period=period))


@views.get("/cases")
def case_list():
    scope = _reader_scope()
    try:
        filters = read_filters(request.args)
    except BadQuery as error:
        return bad_request(str(error))
    page = listing.list_cases(scope, current_user.id, filters, page=page_number(request.args))
    return render_template(
        "staff/cases.html", page=page, filters=filters, filter_args=filter_args,
        counts=listing.case_counts(scope, filters), state_labels=STATE_LABELS,
        kind_labels=KIND_LABELS, agencies=_owners(scope), sectors=_sectors(scope),
        period_choices=period_choices(), states=CASE_STATES, kinds=CASE_KINDS)


@views.route("/cases/<int:case_id>", methods=["GET", "POST"])
def case_detail(case_id: int):
    scope = _reader_scope()
    if request.method == "POST":
        # The form's CSRF token is checked app-wide (CSRFProtect) before this runs.
        try:
            _apply(scope, case_id, request.form)
        except service.CaseNotFound:
            abort(404)
        except service.CaseRefused:
            abort(403)
        except service.CaseInvalid as error:
            flash(_("The case was not changed: %(reason)s", reason=describe(error)),
                  "error")
        else:
            return redirect(url_for("staff.case_detail", case_id=case_id))
    try:
        row, events = listing.get_case(scope, current_user.id, case_id)
    except service.CaseNotFound:
        abort(404)
    editable = scope.allows_editing and scope.allows_agency(row.case.agency_id)
    actions = [a for a, (starts, _t) in service.TRANSITIONS.items() if row.case.state in starts]
    if row.case.state in replies.ANSWERED_STATES and row.comment.contact_consent:
        actions.append("reply_link")
    return render_template(
        "staff/case.html", row=row, events=events, editable=editable,
        actions=actions,
        agencies=_assignable(scope), agency_names=_agency_names(events),
        state_labels=STATE_LABELS, kind_labels=KIND_LABELS, action_labels=ACTION_LABELS,
        event_labels=EVENT_LABELS)


def _apply(scope, case_id: int, form) -> None:
    action = form.get("action", "")
    if action == "reply_link":
        token = replies.issue_link(scope, current_user.id, case_id)
        # Shown once, here: only its hash is stored. Staff send it to the citizen's contact.
        flash(_("Send this link to the citizen (it is shown only now): %(url)s",
                url=replies.reply_url(token)), "info")
        return
    try:
        text = clean(form.get("text") or "", multiline=True)
    except ControlCharacter as error:
        raise BadQuery(str(error)) from None
    service.change_case(scope, current_user.id, case_id, action,
                        agency_id=form_id(form, "agency"), text=text)
    flash(_("The case was updated."), "info")


def _assignable(scope) -> list[Agency]:
    return formatting.sort_by_local_name(db.session.execute(
        select(Agency).where(scope.agencies_filter(), service.active_agencies_filter())
    ).scalars())


def _owners(scope) -> list[Agency]:
    return formatting.sort_by_local_name(db.session.execute(
        select(Agency).where(scope.agencies_filter())).scalars())


def _sectors(scope) -> list[Sector]:
    """Sectors granted, and those of the agencies in scope (never the whole list)."""
    condition = true() if scope.everything else or_(
        scope.sectors_filter(), Sector.id.in_(select(agency_sectors.c.sector_id).where(
            agency_sectors.c.agency_id.in_(sorted(scope.agency_ids)))))
    return formatting.sort_by_local_name(db.session.execute(
        select(Sector).where(condition)).scalars())


def _agency_names(events) -> dict[str, Agency]:
    ids = {int(v) for e in events if e.action == "owner" for v in (e.old_value, e.new_value) if v}
    if not ids:
        return {}
    found = db.session.execute(select(Agency).where(Agency.id.in_(sorted(ids)))).scalars()
    return {str(agency.id): agency for agency in found}
