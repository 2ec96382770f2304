"""Public results (/ket-qua): aggregate satisfaction for the last closed quarter.

Transparency is in the plan. Only aggregates: no comments, no counters, and no rate
for a cell with fewer than 30 answers ("fewer than 30 responses" instead), so that
a small group of citizens cannot be singled out. Nothing provisional: the targets of
a plan marked `provisional` (thresholds carried forward until the plan is issued)
are left out, and the page says the period's targets are not confirmed yet. The
figures are computed once per quarter and worker and kept for CACHE_SECONDS: the page
costs a few dictionary reads, however often it is opened.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app, render_template
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Plan
from survey_app.routing import Views
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import figures as reporting
from survey_app.services.reporting import periods
from survey_app.services.reporting.figures import Filters

views = Views()

CACHE_SECONDS = 15 * 60
PUBLIC_SCOPE = Scope.all_data(allows_comments=False)
SURVEYS = (
    ("administrative", ("administrative",)),
    ("health", ("health_inpatient", "health_outpatient")),
    ("education", ("education_parent",)),
)


@dataclass
class PublicResults:
    period: periods.Period
    targets: list
    targets_pending: bool  # the period's targets belong to a provisional plan
    groups: dict  # survey -> cells by sector group
    sectors: dict  # survey -> cells by sector


def _compute(period: periods.Period) -> PublicResults:
    groups, sectors = {}, {}
    for name, kinds in SURVEYS:
        filters = Filters(kinds=kinds)
        groups[name] = reporting.breakdown(period, PUBLIC_SCOPE, "group", filters)
        sectors[name] = [c for c in reporting.breakdown(period, PUBLIC_SCOPE, "sector", filters)
                         if c.key is not None]
    provisional = set(db.session.execute(
        select(Plan.code).where(Plan.provisional.is_(True))).scalars())
    targets = reporting.target_summary(period, PUBLIC_SCOPE)
    confirmed = [t for t in targets if t.plan_code not in provisional]
    return PublicResults(period, confirmed, len(confirmed) < len(targets), groups, sectors)


def public_results(now: float | None = None) -> PublicResults:
    """The last closed quarter's results, from the per-app cache when fresh."""
    period = periods.last_closed_quarter()
    cache = current_app.extensions.setdefault("public_results", {})
    now = time.monotonic() if now is None else now
    cached = cache.get(period.code)
    if cached is None or now - cached[0] > CACHE_SECONDS:
        cached = (now, _compute(period))
        cache[period.code] = cached
    return cached[1]


@views.get("/ket-qua")
def results():
    response = current_app.make_response(render_template(
        "public/results.html", results=public_results(), min_cell=reporting.MIN_CELL))
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
