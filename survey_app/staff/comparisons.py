"""The dashboard's comparison section: a funnel of units and commune small-area estimates.

`context(query, scope)` gives the dashboard what `staff/_comparison.html` shows;
`/charts/funnel.svg` draws the funnel through the same scope and query. The
numbers come from `services.reporting.comparisons`.
"""

from __future__ import annotations

from flask import abort, request
from flask_babel import get_locale
from flask_babel import gettext as _

from analysis.funnel_chart import funnel_chart
from survey_app import formatting
from survey_app.routing import Views
from survey_app.services.reporting import comparisons
from survey_app.staff.arguments import whole_number
from survey_app.staff.charts import svg_response
from survey_app.staff.common import BadQuery, bad_request, current_scope, read_report_query

views = Views()


def dimension_of(query) -> str:
    """The units to compare: agencies at the top (sector groups are too few), else the
    drill-down's."""
    return "agency" if query.dimension == "group" else query.dimension


def context(query, scope) -> dict:
    period, filters = query.period, query.filters
    return {
        "funnels": comparisons.funnels(period, scope, dimension_of(query), filters),
        "communes": comparisons.commune_estimates(period, scope, filters),
    }


@views.get("/charts/funnel.svg")
def funnel_svg():
    scope = current_scope()
    try:
        query = read_report_query(scope)
    except BadQuery as error:
        return bad_request(str(error))
    found = comparisons.funnels(query.period, scope, dimension_of(query), query.filters)
    part = whole_number(request.args.get("part") or "0")
    if part is None or part >= len(found):
        abort(404)  # too few units in view: the page says so instead of drawing
    found = found[part]
    lang = str(get_locale() or "vi")
    labels = [u.name.get(lang) or u.name.get("vi") or "" for u in found.units]
    figure = funnel_chart(found.result, labels, lang=lang, percent=formatting.chart_percent(lang),
                          target_label=_("Pooled rate") if found.pooled else None)
    return svg_response(figure)
