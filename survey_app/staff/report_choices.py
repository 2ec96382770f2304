"""The Reports page's choices read from the query string: a sector or an agency inside
the reader's own scope, and a survey (services.reporting.exports.choice does the
narrowing; outside the scope is a 404, as on the dashboard)."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select

from survey_app import formatting
from survey_app.extensions import db
from survey_app.models import Agency, Sector
from survey_app.services.access.scope import Scope
from survey_app.services.reporting.exports import choice
from survey_app.services.reporting.exports.choice import Choice
from survey_app.services.reporting.periods import Period
from survey_app.staff.arguments import BadQuery, optional_id
from survey_app.staff.common import current_scope, read_period
from survey_app.vocabulary import QuestionnaireKind


def read(args) -> tuple[Period, Choice]:
    """The period and the choice of a download or a job (BadQuery, or 404 outside scope)."""
    return read_period(args), narrowing(current_scope(), args)


def narrowing(scope: Scope, args) -> Choice:
    survey = (args.get("survey") or "").strip()
    if survey and survey != choice.ALL_SURVEYS and survey not in QuestionnaireKind.values():
        raise BadQuery(_("A filter in the address is not valid."))
    sector_id, agency_id = optional_id(args, "sector"), optional_id(args, "agency")
    try:
        return choice.narrow(scope, sector_id, agency_id, survey or None)
    except choice.BothNarrowings:
        raise BadQuery(_("Choose a sector or an agency, not both.")) from None
    except choice.OutsideScope:
        abort(404)


def choices(scope: Scope) -> dict:
    """The sectors and agencies the reader may narrow to, in the reader's alphabetical
    order, and the surveys with answers in their scope."""
    sectors = select(Sector) if scope.everything else select(Sector).where(
        Sector.id.in_(sorted(scope.sector_ids)))
    agencies = select(Agency) if scope.everything else select(Agency).where(
        Agency.id.in_(sorted(scope.agency_ids)))
    lang = formatting.current_locale()

    def name(row):
        return row.name_en if lang == "en" else row.name_vi

    labels = QuestionnaireKind.labels()
    return {"sectors": formatting.sort_by_name(db.session.execute(sectors).scalars(), name),
            "agencies": formatting.sort_by_name(db.session.execute(agencies).scalars(), name),
            "surveys": [(kind, labels[kind]) for kind in choice.surveys(scope)]}
