"""The dashboard: targets and verdicts, drill-down cells, factor indices, trend, comments."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Level
from survey_app.routing import Views
from survey_app.services.reporting import factor_indices, memo, readings, served_groups, trends
from survey_app.services.reporting import figures as reporting
from survey_app.services.responses import comments
from survey_app.staff import comparisons
from survey_app.staff.common import (
    BadQuery,
    bad_request,
    current_scope,
    period_choices,
    read_report_query,
    scope_names,
)
from survey_app.vocabulary import Channel, QuestionnaireKind

views = Views()


@views.get("/")
def dashboard():
    # A read-only page whose parts ask the same reference questions: asked once each.
    with memo.kept_for_request():
        return _dashboard()


def _dashboard():
    scope = current_scope()
    try:
        query = read_report_query(scope)
    except BadQuery as error:
        return bad_request(str(error))
    period, filters = query.period, query.filters
    kinds = filters.kinds or ("administrative",)
    return render_template(
        "staff/dashboard.html",
        query=query, scope=scope, scope_names=scope_names(scope),
        targets=reporting.target_summary(period, scope, filters),
        total=reporting.totals(period, scope, filters),
        cells=served_groups.breakdown(period, scope, query.dimension, filters),
        channels=reporting.breakdown(period, scope, "channel", filters),
        factors=factor_indices.service_index(period, scope, kinds, (), filters),
        trend=trends.trend(period, scope, filters),
        comment_stats=comments.comment_stats(period, scope, filters),
        period_choices=period_choices(), levels=_levels(),
        channel_labels=Channel.labels(), channel_codes=Channel.values(),
        kind_labels=QuestionnaireKind.labels(), kind_codes=QuestionnaireKind.values(),
        min_cell=reporting.MIN_CELL, verdict_line=readings.verdict_line,
        time_line=readings.time_line, change_words=readings.change_words,
        **comparisons.context(query, scope),
    )


def _levels() -> list[Level]:
    return list(db.session.execute(select(Level).order_by(Level.code)).scalars())
