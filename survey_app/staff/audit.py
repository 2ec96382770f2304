"""The audit page (admins): logins, reads, changes and exports, filtered and paged."""

from __future__ import annotations

import json
from datetime import date

from flask import render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from survey_app import formatting
from survey_app.extensions import db
from survey_app.models import StaffUser
from survey_app.routing import Views
from survey_app.services.access import audit
from survey_app.staff.arguments import optional_id, page_number
from survey_app.staff.common import BadQuery, bad_request, require_role

views = Views()


def _day(args, name: str) -> date | None:
    value = args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadQuery(_("A filter in the address is not valid.")) from None


def read_filters(args) -> audit.EventFilters:
    family = args.get("family") or None
    if family and family not in audit.FAMILIES:
        raise BadQuery(_("A filter in the address is not valid."))
    return audit.EventFilters(family=family, user_id=optional_id(args, "user"),
                              first_day=_day(args, "from"), last_day=_day(args, "to"))


@views.get("/audit")
@require_role("admin")
def audit_page():
    try:
        filters = read_filters(request.args)
    except BadQuery as error:
        return bad_request(str(error))
    page = audit.list_events(filters, page_number(request.args))
    users = formatting.sort_people(db.session.execute(select(StaffUser)).scalars(),
                                   lambda user: user.display_name or user.username)
    return render_template("staff/audit.html", page=page, filters=filters, users=users,
                           families=audit.FAMILIES, as_json=_compact)


def _compact(detail) -> str:
    return json.dumps(detail or {}, ensure_ascii=False, sort_keys=True)
