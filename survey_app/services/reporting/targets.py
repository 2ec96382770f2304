"""Targets held against a view, each judged only on its own population.

A target's population is the questionnaire kinds, sector groups, channels and agency
levels it covers (`models.Target`; an empty list means all). A view is a scope (a
role's grant, `flask report --sector/--agency`) and filters (survey, drill-down,
channels, level). For each target the view is

- `FULL`: the whole population is inside it: rate, interval, verdict, extra answers;
- `PARTIAL`: only part of it is: the rate of that part with its own n and interval,
  labelled "the part in this view", and no verdict (a target is set for its whole
  population: 90 % of land answers says nothing about 90 % of all procedures);
- `OUTSIDE`: none of it is: the target is not shown (nor is a PARTIAL one whose part
  in view has no response: there is nothing of it to show).

The counts are one grouped query per period (questionnaire version × sector × agency
× channel, a few thousand rows at most) folded in Python per target.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from sqlalchemy import select

import analysis
from survey_app.extensions import db
from survey_app.models import (
    Agency,
    Level,
    Questionnaire,
    QuestionnaireVersion,
    Response,
)
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import factor_indices, memo, weighting
from survey_app.services.reporting.figures import (
    CONFIDENCE,
    NO_FILTERS,
    Filters,
    TargetResult,
    grouped_counts,
    rate_of,
    targets_for,
)
from survey_app.services.reporting.periods import Period
from survey_app.vocabulary import Channel, QuestionnaireKind

FULL, PARTIAL, OUTSIDE = "full", "partial", "outside"


def _part(universe: set, view: set, population: set) -> str:
    """How the view's values of one field meet the population's (empty: all values)."""
    seen, wanted = (view or universe), (population or universe)
    if not seen & wanted:
        return OUTSIDE
    return FULL if wanted <= seen else PARTIAL


def _worst(parts) -> str:
    parts = list(parts)
    return OUTSIDE if OUTSIDE in parts else PARTIAL if PARTIAL in parts else FULL


class _Reference:
    """Sectors by group, levels by agency, kinds by version: read once per summary."""

    def __init__(self):
        self.group_of = memo.sector_groups()
        self.level_of = dict(memo.remembered("agency_levels", lambda: tuple(
            db.session.execute(select(Agency.id, Agency.level_code)).all())))
        self.kind_of = dict(memo.remembered("version_kinds", lambda: tuple(db.session.execute(
            select(QuestionnaireVersion.id, Questionnaire.kind).join(Questionnaire)).all())))
        self.levels = set(memo.remembered("levels", lambda: tuple(
            db.session.execute(select(Level.code)).scalars())))

    def sectors(self, groups) -> set[int]:
        groups = set(groups)
        return {s for s, g in self.group_of.items() if not groups or g in groups}


def coverage(target, scope: Scope, filters: Filters, ref: _Reference) -> str:
    """FULL, PARTIAL or OUTSIDE: how much of the target's population the view holds."""
    all_sectors = ref.sectors(())
    wanted = ref.sectors(target.sector_groups)
    seen = set(all_sectors)
    if filters.group:
        seen &= ref.sectors([filters.group])
    if filters.sector_id is not None:
        seen &= {filters.sector_id}
    parts = [
        _part(set(QuestionnaireKind.values()), set(filters.kinds), set(target.questionnaire_kinds)),
        _part(set(Channel.values()), set(filters.channels), set(target.channels or ())),
        _part(ref.levels, {filters.level} if filters.level else set(),
              set(target.levels or ())),
        _part(all_sectors, seen, wanted),
        _scope_part(scope, wanted),
        PARTIAL if filters.agency_id is not None else FULL,
    ]
    return _worst(parts)


def _scope_part(scope: Scope, wanted: set[int]) -> str:
    """A sector grant holds whole sectors; an agency grant only part of any sector."""
    if scope.everything or wanted <= scope.sector_ids:
        return FULL
    return PARTIAL if scope.agency_ids or wanted & scope.sector_ids else OUTSIDE


def _rows(period: Period, scope: Scope, filters: Filters, ref: _Reference) -> list:
    """(kind, group, level, channel, agency, (responses, n, satisfied, repeat)) in view."""
    rows = grouped_counts(period.start, period.end, scope, filters,
                          Response.questionnaire_version_id, Response.sector_id,
                          Response.agency_id, Response.channel)
    return [(ref.kind_of.get(version), ref.group_of.get(sector), ref.level_of.get(agency),
             channel, agency, tuple(int(c or 0) for c in counts))
            for version, sector, agency, channel, *counts in rows]


def in_population(target, kind, group, level, channel) -> bool:
    """Whether answers of this kind, sector group, level and channel are in the target's."""
    return all(not allowed or value in allowed for value, allowed in (
        (kind, target.questionnaire_kinds), (group, target.sector_groups),
        (level, target.levels or ()), (channel, target.channels or ())))


def _sum(rows, target) -> tuple[int, ...]:
    totals = [0, 0, 0, 0]
    for kind, group, level, channel, _agency, counts in rows:
        if in_population(target, kind, group, level, channel):
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
    return tuple(totals)


def _population_filters(target, filters: Filters) -> Filters:
    """The view's filters narrowed to the target's channels and levels (for the index)."""
    channels = tuple(c for c in (filters.channels or Channel.values())
                     if not target.channels or c in target.channels)
    return replace(filters, channels=channels if channels != Channel.values() else (),
                   levels=tuple(target.levels or ()))


def target_summary(period: Period, scope: Scope, filters: Filters = NO_FILTERS,
                   changes: bool = True) -> list:
    """The targets valid in the period whose population meets the view (see the module).

    `overall` targets: n, satisfied, the Wilson interval and, on a FULL view, the
    verdict (`analysis.target_verdict`) and extra answers. `service-index` targets
    are measured by `factor_indices` on the same part of their population. With
    `changes`, each gets `change` (from the previous period) and `change_year` (from
    the same period a year earlier), measured on the same view.
    """
    ref = _Reference()
    current = _rows(period, scope, filters, ref)
    # The weighted rates need the counts per quarter of a longer period: read once.
    rows_of = cache(lambda piece: current if piece == period
                    else _rows(piece, scope, filters, ref))
    results = []
    for target in targets_for(period):
        view = coverage(target, scope, filters, ref)
        if view == OUTSIDE:
            continue
        result = TargetResult(
            plan_code=target.plan.code, code=target.code,
            name={"vi": target.name_vi, "en": target.name_en}, threshold=target.threshold,
            measure=target.measure, kinds=list(target.questionnaire_kinds),
            groups=list(target.sector_groups), coverage=view,
        )
        result.responses, result.n, result.satisfied, result.repeat_device = _sum(
            current, target)
        if view == PARTIAL and not result.responses:
            continue
        if target.measure == "service-index":
            factor_indices.fill_target(result, period, scope,
                                       _population_filters(target, filters))
        else:
            rate_of(result, target.threshold)
            result.weighted = _weighted(target, period, scope, filters, rows_of, ref)
        if view == PARTIAL:
            result.verdict = result.p_value = result.additional_n = None
        results.append(result)
    if changes and results:
        _add_changes(results, period, scope, filters)
    return results


def _weighted(target, period: Period, scope: Scope, filters: Filters, rows_of, ref):
    """Transaction volumes for administrative targets, facility volumes for campaigns;
    `rows_of(piece)` is `_rows` of one period stratum (see `weighting.pieces`)."""
    if weighting.applies(target):
        return weighting.post_stratified(
            period, lambda piece: [row for row in rows_of(piece)
                                   if in_population(target, *row[:4])], ref.group_of)
    if weighting.by_facilities(target):
        return weighting.facility_weighted(
            period, scope, filters, lambda version, sector, agency, channel: in_population(
                target, ref.kind_of.get(version), ref.group_of.get(sector),
                ref.level_of.get(agency), channel))
    return None


def _add_changes(results: list, period: Period, scope: Scope, filters: Filters) -> None:
    previous, year = ({r.code: r for r in target_summary(other, scope, filters, changes=False)}
                      for other in (period.previous(), period.year_earlier()))
    for result in results:
        before = previous.get(result.code)
        result.previous_rate = before.rate if before else None
        result.change = _change(result, before)
        result.change_year = _change(result, year.get(result.code))


def _change(now, before) -> analysis.Difference | None:
    """Two independent periods: Newcombe's interval for rates, the normal one for indices."""
    if before is None or now.rate is None or before.rate is None:
        return None
    if now.measure != "service-index":
        return analysis.difference_ci(now.satisfied, now.n, before.satisfied, before.n,
                                      CONFIDENCE)
    if now.se is None or before.se is None:
        return None
    return analysis.independent_difference(now.rate, now.se, before.rate, before.se,
                                           CONFIDENCE)
