"""Dashboard charts as SVG images at their own URLs, through the reader's scope.

`<img src>` of an SVG keeps the page free of inline scripts and styles (the CSP
forbids both). The figures come from `analysis.charts`; this module only picks the
numbers (the same service calls as the dashboard) and serialises the figure.
"""

from __future__ import annotations

import io

import matplotlib
from flask import Response, abort
from flask_babel import get_locale

from analysis import charts
from survey_app import formatting
from survey_app.routing import Views
from survey_app.services.reporting import factor_indices, served_groups, trends
from survey_app.services.reporting import figures as reporting
from survey_app.staff.common import BadQuery, bad_request, current_scope, read_report_query

views = Views()

# Text stays text in the SVG (not glyph outlines): smaller, selectable, readable by
# screen readers. Set once: svg.fonttype affects only SVG output.
matplotlib.rcParams["svg.fonttype"] = "none"
CHART_NAMES = ("targets", "breakdown", "trend", "factors")


@views.get("/charts/<name>.svg")
def chart(name: str):
    if name not in CHART_NAMES:
        abort(404)
    scope = current_scope()
    try:
        query = read_report_query(scope)
    except BadQuery as error:
        return bad_request(str(error))
    lang = str(get_locale() or "vi")
    figure = _figure(name, query, scope, lang)
    if figure is None:
        abort(404)  # nothing to draw (no answers in scope): the page shows a note instead
    return svg_response(figure)


def svg_response(figure):
    """The figure as an SVG response for one reader."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg")
    response = Response(buffer.getvalue(), mimetype="image/svg+xml")
    # Scoped data: private to this reader, never kept by a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    # matplotlib writes style attributes into the SVG; this image's own policy allows
    # them and nothing else (no scripts, no external loads). Pages keep the strict one.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
    return response


def _figure(name, query, scope, lang):
    period, filters = query.period, query.filters
    percent = formatting.chart_percent(lang)
    if name == "targets":
        # The targets' names are long and alike ("Mức độ hài lòng …"): the chart labels
        # them by their number in the dashboard's table, with the threshold.
        rows = [_labelled(r, f"{number} · ≥ {formatting.threshold(r.threshold, lang)}", r.threshold)
                for number, r in enumerate(reporting.target_summary(period, scope, filters),
                                           start=1) if r.rate is not None]
        return charts.rates_chart(rows, lang=lang, percent=percent) if rows else None
    if name == "breakdown":
        cells = [c for c in reporting.with_labels(
            served_groups.breakdown(period, scope, query.dimension, filters), lang)
            if c.rate is not None]
        threshold = cells[0].target if cells and len({c.target for c in cells}) == 1 else None
        return charts.caterpillar_chart(cells, target=threshold, lang=lang,
                                         percent=percent) if cells else None
    if name == "trend":
        points = [p for p in trends.trend(period, scope, filters) if p.rate is not None]
        if not points:
            return None
        threshold = points[-1].target
        return charts.trend_chart([p.period.label(lang) for p in points], points,
                                  target=threshold, lang=lang, percent=percent)
    kinds = filters.kinds or ("administrative",)
    index = factor_indices.service_index(period, scope, kinds, (), filters)
    factors = {f.label.get(lang, f.label.get("vi", f.id)): f for f in index.factors
               if f.index is not None and f.low is not None}
    return charts.factor_chart(factors, lang=lang, percent=percent) if factors else None


def _labelled(result, label: str, threshold: float) -> dict:
    return {"label": label, "rate": result.rate, "low": result.low, "high": result.high,
            "target": threshold, "verdict": result.verdict}
