"""Agencies and counters judged per target group they serve.

An agency that handles land and civil-status dossiers answers to two targets: its
land, construction and investment answers to 85 %, its other procedures to 90 %. Its
row is split into one row per target that applies, each with its own n, interval and
verdict; an agency with answers of one group only keeps a single row. Other
dimensions (a sector group, a sector) already sit within one target group and come
from `figures.breakdown` unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Agency, Counter, Response, SectorGroup
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import figures, memo
from survey_app.services.reporting.figures import NO_FILTERS, UNKNOWN, Cell, Filters
from survey_app.services.reporting.periods import Period

SPLIT: dict[str, tuple[Any, type[Agency] | type[Counter]]] = {
    "agency": (Response.agency_id, Agency), "counter": (Response.counter_id, Counter)}
OTHER = {"vi": "các thủ tục khác", "en": "other procedures"}


def breakdown(period: Period, scope: Scope, dimension: str,
              filters: Filters = NO_FILTERS) -> list[Cell]:
    """`figures.breakdown`, with agency and counter rows split by the target they answer to.

    Without pinned questionnaire kinds no target applies to a row, so nothing is split.
    """
    if dimension not in SPLIT or not filters.kinds:
        return figures.breakdown(period, scope, dimension, filters)
    column, model = SPLIT[dimension]  # the agency or the counter table
    rows = figures.grouped_counts(period.start, period.end, scope, filters, column,
                                  Response.sector_id)
    group_of = memo.sector_groups()
    targets = figures.targets_for(period)
    folded: dict = defaultdict(lambda: [0, 0, 0, 0])
    chosen = {}
    for key, sector, *counts in rows:
        target = figures.cell_target(period, filters.kinds, group_of.get(sector), targets)
        slot = (key, target.id if target else None)
        chosen[slot] = target
        folded[slot] = [a + b for a, b in zip(folded[slot], counts, strict=True)]
    names = figures.names_of(model, model.id, [key for key, _ in folded])
    parts = _part_names(chosen.values())
    split_keys = {key for key, _ in folded if sum(k == key for k, _ in folded) > 1}
    cells = []
    for (key, target_id), (responses, n, satisfied, repeat) in folded.items():
        code, name = names.get(key, (None, UNKNOWN))
        target = chosen[(key, target_id)]
        part = parts.get(target_id) if key in split_keys else None
        if part:
            name = {lang: f"{name.get(lang, '')} — {part[lang]}" for lang in ("vi", "en")}
        cell = Cell(key=key, code=code, name=name, responses=int(responses), n=int(n),
                    satisfied=int(satisfied), repeat_device=int(repeat), part=part)
        cells.append(figures.rate_of(cell, target.threshold if target else None))
    return sorted(cells, key=lambda c: (c.key is None, c.name.get("vi", "")))


def _part_names(targets) -> dict:
    """Each target's group in words: its sector groups' names, or "other procedures"."""
    codes = {code for t in targets if t for code in (t.sector_groups or [])}
    group_names = {code: {"vi": vi, "en": en} for code, vi, en in db.session.execute(
        select(SectorGroup.code, SectorGroup.name_vi, SectorGroup.name_en)
        .where(SectorGroup.code.in_(sorted(codes))))} if codes else {}
    parts = {}
    for target in targets:
        if target is None:
            continue
        names = [group_names[c] for c in target.sector_groups or [] if c in group_names]
        parts[target.id] = ({lang: ", ".join(n[lang] for n in names).lower()
                             for lang in ("vi", "en")} if names else OTHER)
    return parts
