"""Dashboard charts as SVG images at their own URLs, through the reader's scope.

`<img src>` of an SVG keeps the page free of inline scripts and styles (the CSP
forbids both). The figures come from `analysis.charts`; this module only picks the
numbers (the same service calls as the dashboard) and serialises the figure. A chart
is drawn only when its numbers are new: drawings are kept by a digest of what they
show (`chart_cache`), so a reload, or another reader who sees the same numbers, gets
the kept SVG.
"""

from __future__ import annotations

import io

import matplotlib
from flask import Response, abort
from flask_babel import get_locale

from analysis import charts
from survey_app import formatting
from survey_app.routing import Views
from survey_app.services.reporting import factor_indices, memo, served_groups, trends
from survey_app.services.reporting import figures as reporting
from survey_app.staff import chart_cache
from survey_app.staff.common import BadQuery, bad_request, current_scope, read_report_query

views = Views()

# Text stays text in the SVG (not glyph outlines): smaller, selectable, readable by
# screen readers. Set once: svg.fonttype affects only SVG output.
matplotlib.rcParams["svg.fonttype"] = "none"
# The SVG's element ids from a fixed salt rather than a random one, and no date: the
# same figure gives the same bytes (what keeping drawings by their key relies on).
matplotlib.rcParams["svg.hashsalt"] = "survey-app-charts"


@views.get("/charts/<name>.svg")
def chart(name: str):
    if name not in PLANS:
        abort(404)
    scope = current_scope()
    try:
        query = read_report_query(scope)
    except BadQuery as error:
        return bad_request(str(error))
    lang = str(get_locale() or "vi")
    with memo.kept_for_request():  # read-only: the figures' reference reads asked once
        plan = _plan(name, query, scope, lang)
    if plan is None:
        abort(404)  # nothing to draw (no answers in scope): the page shows a note instead
    digest, draw = plan
    return _svg(chart_cache.store.get_or_draw(digest, lambda: svg_bytes(draw())))


def svg_bytes(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def svg_response(figure):
    """The figure as an SVG response for one reader."""
    return _svg(svg_bytes(figure))


def _svg(body: bytes):
    response = Response(body, mimetype="image/svg+xml")
    # Scoped data: private to this reader, never kept by a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    # matplotlib writes style attributes into the SVG; this image's own policy allows
    # them and nothing else (no scripts, no external loads). Pages keep the strict one.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
    return response


def _plan(name, query, scope, lang):
    """(digest of the numbers to draw, a function drawing them), or None: nothing to draw."""
    return PLANS[name](query, scope, lang, formatting.chart_percent(lang))


def _targets_plan(query, scope, lang, percent):
    # The targets' names are long and alike ("Mức độ hài lòng …"): the chart labels
    # them by their number in the dashboard's table, with the threshold.
    found = reporting.target_summary(query.period, scope, query.filters)
    labels, rows = charts.apart([
        (f"{number} · ≥ {formatting.threshold(r.threshold, lang)}", r.estimate)
        for number, r in enumerate(found, start=1) if r.estimate])
    if not rows:
        return None
    rows = chart_cache.as_drawn(rows, percent)
    return (chart_cache.key("targets", lang, labels, rows),
            lambda: charts.rates_chart(labels, rows, lang=lang, percent=percent))


def _breakdown_plan(query, scope, lang, percent):
    found = served_groups.breakdown(query.period, scope, query.dimension, query.filters)
    labels, cells = charts.apart([(c.label, c.estimate)
                                  for c in reporting.with_labels(found, lang) if c.estimate])
    if not cells:
        return None
    labels, cells = chart_cache.ranked(labels, cells)
    cells = chart_cache.as_drawn(cells, percent)
    goals = {cell.target for cell in cells}
    threshold = goals.pop() if len(goals) == 1 else None
    return (chart_cache.key("breakdown", lang, labels, cells, target=threshold),
            lambda: charts.caterpillar_chart(labels, cells, target=threshold, lang=lang,
                                             percent=percent))


def _factors_plan(query, scope, lang, percent):
    kinds = query.filters.kinds or ("administrative",)
    index = factor_indices.service_index(query.period, scope, kinds, (), query.filters)
    factors = {f.label.get(lang, f.label.get("vi", f.id)): f.estimate for f in index.factors
               if f.estimate}
    if not factors:
        return None
    factors = dict(zip(factors, chart_cache.as_drawn(list(factors.values()), percent),
                       strict=True))
    return (chart_cache.key("factors", lang, list(factors), list(factors.values())),
            lambda: charts.factor_chart(factors, lang=lang, percent=percent))


def _trend_plan(query, scope, lang, percent):
    labels, points = charts.apart([(p.period.label(lang), p.estimate)
                                   for p in trends.trend(query.period, scope, query.filters)
                                   if p.estimate])
    if not points:
        return None
    points = chart_cache.as_drawn(points, percent)
    threshold = points[-1].target
    return (chart_cache.key("trend", lang, labels, points, target=threshold),
            lambda: charts.trend_chart(labels, points, target=threshold, lang=lang,
                                       percent=percent))


PLANS = {"targets": _targets_plan, "breakdown": _breakdown_plan, "trend": _trend_plan,
         "factors": _factors_plan}
CHART_NAMES = tuple(PLANS)
