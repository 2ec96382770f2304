"""What staff views share: the reader's scope, role checks, and reading the report query.

Views never build a Scope themselves: `current_scope()` is the only way in, so
every page, chart and list is narrowed the same way (services/scope.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from survey_app import formatting
from survey_app.extensions import db
from survey_app.i18n import local_today
from survey_app.models import Agency, Level, Sector, SectorGroup
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import defaults, periods
from survey_app.services.reporting.figures import Filters
from survey_app.staff.arguments import BadQuery, optional_id
from survey_app.vocabulary import Channel, QuestionnaireKind

ALL_KINDS = "all"


def current_scope() -> Scope:
    return Scope.for_user(current_user)


def require_role(*roles):
    """Refuse (403) a logged-in user whose role is not one of `roles`."""
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorate


def bad_request(message: str):
    return render_template("errors.html", code=400, message=message), 400


@dataclass
class ReportQuery:
    """A dashboard/chart request, parsed: period, filters and the drill-down step."""

    period: periods.Period
    filters: Filters
    kind: str
    dimension: str
    trail: list = field(default_factory=list)  # (label dict, args) breadcrumb steps

    def args(self, **changes) -> dict:
        """Query-string arguments for links that keep this query (minus/plus changes)."""
        base = {"period": self.period.code, "survey": self.kind,
                "channel": list(self.filters.channels), "level": self.filters.level or "",
                "group": self.filters.group or "", "sector": self.filters.sector_id or "",
                "agency": self.filters.agency_id or ""}
        base.update(changes)
        return {k: v for k, v in base.items() if v not in ("", None, [])}


def read_period(args, scope: Scope | None = None) -> periods.Period:
    """The period asked for; with none, the last quarter with data in `scope`."""
    first, last = args.get("from", "").strip(), args.get("to", "").strip()
    try:
        if first or last:
            return periods.parse_period(f"{first}..{last}")
        if args.get("period"):
            return periods.parse_period(args["period"])
    except periods.PeriodError:
        raise BadQuery(_("This is not a period. Choose a quarter, a half-year, a year, or two "
                         "dates (start and end).")) from None
    return defaults.last_period_with_data(scope) if scope else periods.current_quarter()


def read_report_query(scope: Scope, args=None, survey_default: str | None = None) -> ReportQuery:
    """Period, survey kind, channels, level and drill-down from the query string.

    A drill-down to a sector or agency outside the reader's scope is a 404, so its
    name is never shown to someone who may not read it.
    """
    args = request.args if args is None else args
    period = read_period(args, scope)
    kind, channels, level = _kind_channels_level(args, scope, survey_default)
    sector_id, agency_id = optional_id(args, "sector"), optional_id(args, "agency")
    group, trail = _drill_down(scope, args.get("group") or None, sector_id, agency_id)
    filters = Filters(channels=channels, level=level,
                      kinds=() if kind == ALL_KINDS else (kind,), group=group,
                      sector_id=sector_id, agency_id=agency_id)
    dimension = ("counter" if agency_id is not None else "agency" if sector_id is not None
                 else "sector" if group else "group")
    return ReportQuery(period, filters, kind, dimension, trail)


def _kind_channels_level(args, scope: Scope, survey_default: str | None):
    kind = args.get("survey") or survey_default or defaults.own_survey(scope)
    if kind != ALL_KINDS and kind not in QuestionnaireKind.values():
        raise BadQuery(_("A filter in the address is not valid."))
    channels = tuple(c for c in args.getlist("channel") if c)
    level = args.get("level") or None
    if set(channels) - set(Channel.values()) or (level and db.session.get(Level, level) is None):
        raise BadQuery(_("A filter in the address is not valid."))
    return kind, channels, level


def _drill_down(scope: Scope, group: str | None, sector_id: int | None,
                agency_id: int | None) -> tuple[str | None, list]:
    """The group (a sector's own when not given) and the breadcrumb; 404 outside scope."""
    trail: list = []
    if group:
        row = db.session.get(SectorGroup, group)
        if row is None:
            abort(404)
        trail.append(({"vi": row.name_vi, "en": row.name_en}, {"group": group}))
    if sector_id is not None:
        sector = db.session.get(Sector, sector_id)
        if sector is None or not (scope.allows_sector(sector_id) or scope.agency_ids):
            abort(404)
        group = group or sector.group_code
        trail.append(({"vi": sector.name_vi, "en": sector.name_en}, {"sector": sector_id}))
    if agency_id is not None:
        agency = db.session.get(Agency, agency_id)
        if agency is None or not scope.touches_agency(agency_id):
            abort(404)
        trail.append(({"vi": agency.name_vi, "en": agency.name_en}, {"agency": agency_id}))
    return group, trail


def period_choices(count_years: int = 3) -> list[periods.Period]:
    """Recent quarters, halves and years for the picker, newest first."""
    this_year = local_today().year
    choices = []
    for year in range(this_year, this_year - count_years, -1):
        choices += list(reversed(periods.quarters_of(year)))
        choices += [periods.half(year, 2), periods.half(year, 1), periods.year_period(year)]
    return choices


def scope_names(scope: Scope) -> dict:
    """Names of the reader's granted sectors and agencies (for 'what you see')."""
    sectors = db.session.execute(
        select(Sector.name_vi, Sector.name_en).where(Sector.id.in_(sorted(scope.sector_ids)))
    ).all() if scope.sector_ids else []
    agencies = db.session.execute(
        select(Agency.name_vi, Agency.name_en)
        .where(Agency.id.in_(sorted(scope.root_agency_ids)))
    ).all() if scope.root_agency_ids else []
    return {"sectors": [{"vi": vi, "en": en} for vi, en in by_name(sectors)],
            "agencies": [{"vi": vi, "en": en} for vi, en in by_name(agencies)]}


def by_name(rows):
    """(name_vi, name_en) rows in the reader's alphabetical order."""
    english = formatting.current_locale() == "en"
    return formatting.sort_by_name(rows, lambda row: row[1] if english else row[0])
