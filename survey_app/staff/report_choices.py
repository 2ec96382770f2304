"""The Reports page's narrowing: a sector or an agency inside the reader's own scope.

The files are built for a scope (services.reporting.exports), so narrowing is a
smaller scope: one granted sector, or one agency of the scope with its sub-units,
keeping the reader's right to comments. Anything outside the scope is a 404, as on
the dashboard, so its name is never confirmed to someone who may not read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select

from survey_app import formatting
from survey_app.extensions import db
from survey_app.models import Agency, Sector
from survey_app.services.access.scope import Scope, agency_subtree
from survey_app.staff.arguments import optional_id
from survey_app.staff.common import BadQuery


@dataclass(frozen=True)
class Narrowing:
    scope: Scope
    sector_id: int | None = None
    agency_id: int | None = None

    def args(self) -> dict:
        """Query-string arguments that keep this narrowing in the download links."""
        return {k: v for k, v in (("sector", self.sector_id), ("agency", self.agency_id)) if v}


def narrowing(scope: Scope, args) -> Narrowing:
    sector_id, agency_id = optional_id(args, "sector"), optional_id(args, "agency")
    if sector_id is not None and agency_id is not None:
        raise BadQuery(_("Choose a sector or an agency, not both."))
    if sector_id is not None:
        if not (scope.everything or sector_id in scope.sector_ids) or db.session.get(
                Sector, sector_id) is None:
            abort(404)
        return Narrowing(Scope(sector_ids=frozenset({sector_id}),
                               allows_comments=scope.allows_comments), sector_id=sector_id)
    if agency_id is not None:
        if not (scope.everything or agency_id in scope.agency_ids) or db.session.get(
                Agency, agency_id) is None:
            abort(404)
        return Narrowing(Scope(agency_ids=agency_subtree({agency_id}),
                               root_agency_ids=frozenset({agency_id}),
                               allows_comments=scope.allows_comments), agency_id=agency_id)
    return Narrowing(scope)


def choices(scope: Scope) -> dict:
    """The sectors and agencies the reader may narrow to, in Vietnamese order."""
    sectors = select(Sector) if scope.everything else select(Sector).where(
        Sector.id.in_(sorted(scope.sector_ids)))
    agencies = select(Agency) if scope.everything else select(Agency).where(
        Agency.id.in_(sorted(scope.agency_ids)))
    lang = formatting.current_locale()

    def name(row):
        return row.name_en if lang == "en" else row.name_vi

    return {"sectors": formatting.sort_by_name(db.session.execute(sectors).scalars(), name),
            "agencies": formatting.sort_by_name(db.session.execute(agencies).scalars(), name)}
