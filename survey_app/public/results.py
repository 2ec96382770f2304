"""Public results (/ket-qua): aggregate satisfaction for the last closed quarter.

Transparency is in the plan. Only aggregates: no comments, no counters, and no rate
for a cell with fewer than 30 answers ("fewer than 30 responses" instead), so that
a small group of citizens cannot be singled out; nor for the cells that would give
such a cell away by subtraction (complementary suppression, `withhold`). Nothing
provisional: the targets of a plan marked `provisional` (thresholds carried forward
until the plan is issued) are left out, and the page says the period's targets are
not confirmed yet. The
figures are computed once per quarter and worker and kept for CACHE_SECONDS: the page
costs a few dictionary reads, however often it is opened.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from dataclasses import dataclass

from flask import current_app, render_template
from sqlalchemy import select

from analysis import suppression
from survey_app.extensions import db
from survey_app.models import Plan, Sector
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
    group_of = dict(db.session.execute(select(Sector.id, Sector.group_code)).all())
    provisional = set(db.session.execute(
        select(Plan.code).where(Plan.provisional.is_(True))).scalars())
    targets = reporting.target_summary(period, PUBLIC_SCOPE)
    confirmed = [t for t in targets if t.plan_code not in provisional]
    for name, kinds in SURVEYS:
        filters = Filters(kinds=kinds)
        groups[name] = reporting.breakdown(period, PUBLIC_SCOPE, "group", filters)
        sectors[name] = [c for c in reporting.breakdown(period, PUBLIC_SCOPE, "sector", filters)
                         if c.key is not None]
        # A target of one sector group shows that group's rate and interval (so its n):
        # published, whatever its row shows.
        published = {t.groups[0] for t in confirmed if set(t.kinds) == set(kinds)
                     and len(t.groups) == 1 and t.n >= reporting.MIN_CELL}
        withhold(groups[name], sectors[name], group_of, published)
    withhold_targets(confirmed, groups)
    return PublicResults(period, confirmed, len(confirmed) < len(targets), groups, sectors)


def withhold_targets(targets: list, groups: dict) -> None:
    """Hide a target that spans several surveys when one of them has a small total: the
    target minus the other surveys' tables would give that small total away."""
    totals = {name: sum(c.n for c in groups[name]) for name, _kinds in SURVEYS}
    for target in targets:
        spanned = [name for name, kinds in SURVEYS if set(kinds) & set(target.kinds)]
        target.withheld = len(spanned) > 1 and any(
            0 < totals[name] < reporting.MIN_CELL for name in spanned)


def withhold(groups: list, sectors: list, group_of: dict,
             published: frozenset | set = frozenset()) -> None:
    """Mark the cells complementary suppression hides (analysis.suppression).

    The survey's total counts as published (the overall target shows its rate and
    interval, from which its n follows), so the groups must not give away a hidden
    one by subtraction from it, nor the sectors a hidden sector from their group.
    `published` groups are shown elsewhere on the page (a target's row).
    """
    counts: dict[Hashable, int] = {("group", c.key): c.n for c in groups}
    counts.update({("sector", c.key): c.n for c in sectors})
    counts["total"] = sum(c.n for c in groups)
    relations: list[suppression.Relation] = [("total", [("group", c.key) for c in groups])]
    relations += [(("group", g.key), [("sector", s.key) for s in sectors
                                      if group_of.get(s.key) == g.key]) for g in groups]
    fixed: list[Hashable] = [("group", code) for code in published]
    if counts["total"] >= reporting.MIN_CELL:
        fixed.append("total")
    hidden = suppression.suppress(counts, relations, reporting.MIN_CELL,
                                  hidden=[("group", None)], fixed=fixed)
    for kind, cells in (("group", groups), ("sector", sectors)):
        for cell in cells:
            cell.withheld = (kind, cell.key) in hidden and not cell.too_small


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
