"""Alerts on the staff dashboard: answers that far outnumber the transactions behind them.

A counter's open QR can be stuffed. The one-stop software reports how many
transactions each agency handled in each sector (`TransactionVolume`); a place
whose answers in a volume's period exceed RATIO times its transactions (and at
least MIN_RESPONSES, so that a handful of answers on a quiet week is no alarm)
is flagged, with the counters that took the answers and the share of answers
marked as repeats from one device (services/device_marks.py).

Counting is done by the database over the rolled-up cells (and the rows of a volume
period's days outside whole months): one GROUP BY per distinct volume period (the
one-stop software reports by month or quarter, so a dashboard's window holds a handful
of them), never by loading responses into Python. Paper entries are left out: they
are typed in by staff, not sent through a QR code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, select

from survey_app.extensions import db
from survey_app.i18n import local_midnight
from survey_app.models import Agency, Counter, Response, Sector, TransactionVolume
from survey_app.services.access.scope import Scope
from survey_app.services.rollups import reading
from survey_app.vocabulary import Channel

RATIO = 1.5
MIN_RESPONSES = 20
WEB_CHANNELS = (Channel.COUNTER, Channel.TOKEN, Channel.LINK, Channel.KIOSK)


@dataclass(frozen=True)
class CounterCount:
    code: str
    name: dict
    responses: int


@dataclass(frozen=True)
class VolumeAlert:
    agency_code: str
    agency_name: dict
    sector_code: str
    sector_name: dict
    first_day: date
    last_day: date
    transactions: int
    responses: int
    repeats: int
    counters: list[CounterCount] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.responses / self.transactions if self.transactions else float("inf")

    @property
    def repeat_share(self) -> float:
        return self.repeats / self.responses if self.responses else 0.0


def volume_alerts(first_day: date, last_day: date, scope: Scope, *, ratio: float = RATIO,
                  minimum: int = MIN_RESPONSES) -> list[VolumeAlert]:
    """Places in `scope` whose volume periods overlap first_day..last_day and look stuffed."""
    volumes = db.session.execute(
        select(TransactionVolume).where(
            TransactionVolume.period_start <= last_day,
            TransactionVolume.period_end >= first_day,
        )
    ).scalars().all()
    volumes = [v for v in volumes if scope.allows_response(v.agency_id, v.sector_id)]
    by_period: dict[tuple[date, date], list[TransactionVolume]] = {}
    for volume in volumes:
        by_period.setdefault((volume.period_start, volume.period_end), []).append(volume)
    alerts = []
    for (start, end), rows in sorted(by_period.items()):
        counts = _counts(start, end, {(v.agency_id, v.sector_id) for v in rows})
        for volume in rows:
            per_counter = counts.get((volume.agency_id, volume.sector_id), {})
            responses = sum(n for n, _ in per_counter.values())
            if responses < minimum or responses <= ratio * volume.transactions:
                continue
            alerts.append(_alert(volume, responses, per_counter))
    alerts.sort(key=lambda a: a.ratio, reverse=True)
    return alerts


def _counts(start: date, end: date, places: set[tuple[int, int]]) -> dict:
    """{(agency, sector): {counter_id: (responses, repeats)}} for local days start..end:
    the rolled-up cells of the whole months, the rows of the days at either end."""
    within = (sorted({a for a, _ in places}), sorted({s for _, s in places}))
    parts = reading.split(local_midnight(start), local_midnight(end + timedelta(days=1)))
    cells = reading.CELLS
    queries = [_query(cells, parts.months(), within, reading.column(Response.counter_id),
                      func.sum(cells.responses), func.sum(cells.repeat_device))
               ] if parts.first_month else []
    queries += [_query(Response, [Response.submitted_hour >= first,
                                  Response.submitted_hour < last], within,
                       Response.counter_id, func.count(),
                       func.sum(case((Response.repeat_device.is_(True), 1), else_=0)))
                for first, last in parts.edges]
    counts: dict = {}
    for agency_id, sector_id, counter_id, n, repeats in reading.summed(queries, 3, 2):
        if (agency_id, sector_id) in places:
            counts.setdefault((agency_id, sector_id), {})[counter_id] = (n, repeats)
    return counts


def _query(source, when: list, within, counter, responses, repeats):
    """Responses and repeats per agency × sector × counter of `source` (cells or rows)."""
    agency_ids, sector_ids = within
    return select(source.agency_id, source.sector_id, counter, responses, repeats).where(
        *when, source.agency_id.in_(agency_ids), source.sector_id.in_(sector_ids),
        source.channel.in_(WEB_CHANNELS))


def _alert(volume: TransactionVolume, responses: int, per_counter: dict) -> VolumeAlert:
    agency = db.session.get_one(Agency, volume.agency_id)
    sector = db.session.get_one(Sector, volume.sector_id)
    counters = []
    for counter_id, (n, _repeats) in sorted(per_counter.items(), key=lambda kv: -kv[1][0]):
        counter = db.session.get(Counter, counter_id) if counter_id else None
        counters.append(CounterCount(
            counter.code if counter else "-",
            {"vi": counter.name_vi, "en": counter.name_en} if counter else {"vi": "-", "en": "-"},
            n,
        ))
    return VolumeAlert(
        agency.code, {"vi": agency.name_vi, "en": agency.name_en},
        sector.code, {"vi": sector.name_vi, "en": sector.name_en},
        volume.period_start, volume.period_end, volume.transactions, responses,
        sum(r for _, r in per_counter.values()), counters,
    )
