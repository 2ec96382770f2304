"""The story synthetic data tells: quarters, true rates, and their calibration.

The true satisfaction rates are set against the targets in the database so that
a report shows every kind of verdict: the land, construction and investment
group misses its target, health and education services meet theirs, and the
province-wide rate of administrative procedures sits exactly on its target in
expectation (not yet decidable for the year), moved by a trend that makes early
quarters miss and late ones meet. Channel effects average to zero under the
channel mix, so they colour the channel table without moving the totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Target
from survey_app.vocabulary import Channel

if TYPE_CHECKING:  # pragma: no cover - typing only
    from survey_app.demo.generate import _Cells

CHANNEL_MIX = {Channel.TOKEN: 0.35, Channel.COUNTER: 0.40, Channel.KIOSK: 0.15,
               Channel.PAPER: 0.10}
# Citizens answering next to the counter, or on paper handed out by staff, are a
# little kinder than those answering later from a receipt's link.
CHANNEL_EFFECT = {Channel.TOKEN: -0.012, Channel.COUNTER: 0.006, Channel.KIOSK: 0.0,
                  Channel.PAPER: 0.018}
CAMPAIGN_SHARE = 0.15
YEARLY_TREND = 0.04  # improvement per year: early quarters miss, late ones meet
DEFAULT_TARGETS = {"overall": 0.90, "group": 0.85, "campaign": 0.85}
# Which sector groups miss (below their target) and which services meet: the story.
GROUP_GAP = {"land-construction-investment": -0.05}
CAMPAIGN_GAP = 0.07


@dataclass
class Slice:
    start: date
    days: list[date]  # working days
    trend: float


def slices(start: date, end: date) -> list[Slice]:
    """Calendar quarters cut to [start, end), each with its working days and trend effect."""
    pieces = []
    cursor = start
    while cursor < end:
        month = (cursor.month - 1) // 3 * 3 + 4
        quarter_end = date(cursor.year + 1, 1, 1) if month > 12 else date(cursor.year, month, 1)
        stop = min(quarter_end, end)
        days = [cursor + timedelta(d) for d in range((stop - cursor).days)]
        working = [d for d in days if d.weekday() < 5] or days
        middle = cursor + (stop - cursor) / 2
        pieces.append(Slice(cursor, working, YEARLY_TREND * (middle - start).days / 365.25))
        cursor = stop
    weights = np.array([len(s.days) for s in pieces], dtype=float)
    mean_trend = float(np.dot(weights, [s.trend for s in pieces]) / weights.sum())
    for s in pieces:
        s.trend -= mean_trend  # the trend moves quarters, not the period as a whole
    return pieces


def _thresholds(start: date) -> dict[str, float]:
    targets = db.session.execute(select(Target).join(Target.plan)).scalars().all()
    valid = [t for t in targets if t.plan.valid_from <= start <= t.plan.valid_to]
    found = dict(DEFAULT_TARGETS)
    for target in valid:
        if target.measure != "overall":
            continue
        if target.questionnaire_kinds == ["administrative"] and not target.sector_groups:
            found["overall"] = target.threshold
        elif target.questionnaire_kinds == ["administrative"]:
            for group in target.sector_groups:
                found[f"group:{group}"] = target.threshold
        elif "administrative" not in target.questionnaire_kinds:
            found["campaign"] = target.threshold
    return found


def active(cells: _Cells, piece: Slice) -> np.ndarray:
    return np.array([r is None or piece.start < r for r in cells.retires])


def calibrate(cells: _Cells, slices: list[Slice], start: date, end: date) -> None:
    """Set each cell's true rate so that the period's rates land where the story wants.

    Missing groups sit below their target, campaigns above theirs, and the other
    administrative sectors are shifted until the expected province-wide rate of
    administrative procedures equals its target exactly.
    """
    limits = _thresholds(start)
    effect = cells.rate.copy()
    is_campaign = cells.campaign >= 0
    base = np.empty(len(effect))
    adjustable = np.zeros(len(effect), dtype=bool)
    for i, group in enumerate(cells.group):
        if is_campaign[i]:
            base[i] = limits["campaign"] + CAMPAIGN_GAP
        elif group in GROUP_GAP:
            base[i] = limits.get(f"group:{group}", DEFAULT_TARGETS["group"]) + GROUP_GAP[group]
        else:
            adjustable[i] = True
    weights = np.array([len(s.days) for s in slices], dtype=float)
    activity = np.array([active(cells, s) for s in slices], dtype=float) * cells.volume
    share = (activity / activity.sum(axis=1, keepdims=True)) * (weights / weights.sum())[:, None]
    admin_share = share[:, ~is_campaign]
    channel_effect = np.array(list(CHANNEL_EFFECT.values()))
    channel_effect -= np.dot(list(CHANNEL_MIX.values()), channel_effect)
    trend = np.array([s.trend for s in slices])

    def expected(shift: float) -> float:
        rates = np.where(adjustable, limits["overall"] + shift, base) + effect
        grid = rates[None, :, None] + trend[:, None, None] + channel_effect[None, None, :]
        mean = (np.clip(grid, 0.02, 0.99) * list(CHANNEL_MIX.values())).sum(axis=2)
        return float((mean[:, ~is_campaign] * admin_share).sum() / admin_share.sum())

    low, high = -0.3, 0.3
    for _ in range(60):  # bisection: expected() rises with the shift
        mid = (low + high) / 2
        low, high = (mid, high) if expected(mid) < limits["overall"] else (low, mid)
    cells.rate = np.where(adjustable, limits["overall"] + (low + high) / 2, base) + effect
