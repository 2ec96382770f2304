"""A target's rate post-stratified by transaction volumes (agency × sector group × period).

Answers are not a random sample of transactions: open answers (QR at the counter,
kiosk) are self-selected, and a busy land office may send far fewer answers per
dossier than a quiet commune. Where the period's transactions are loaded (`flask
reference volumes`), each stratum, one agency × one sector group × one quarter, is
weighted by its share of the transactions: `analysis.stratified_proportion` with N_h = transactions,
which gives the design-based interval and Kish's effective n. The unweighted rate
stays the headline's companion, and the verdict stays on it (docs/staff.md says
why); this is shown beside it.

Volumes are one-stop dossiers, so they weight the administrative targets only.
Strata: a period of a quarter or less is one period stratum; a longer one (a half, a
year, a long custom range) is split into its calendar quarters, so a quarter with many
dossiers weighs more than a quiet one. Each stratum's N_h is the volumes lying wholly
inside its quarter (monthly or quarterly rows), summed per agency × group; a volume row
spanning two quarters belongs to neither (only where no quarter has any volume, a
year's rows say, is the whole period one period stratum). A stratum with fewer than 2
answers, or with no volume loaded, cannot be weighted: its answers are counted in
`left_out` and the estimate is over the other strata.

Health and education targets use the campaign page's facility weights instead
(`campaigns.progress.weighted_rate`): one stratum per campaign × facility, N_h the
facility's volume given with the campaign, the same rule for leaving one out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

import analysis
from survey_app.extensions import db
from survey_app.models import Agency, CampaignFacility, Response, TransactionVolume
from survey_app.services.reporting import memo
from survey_app.services.reporting.figures import grouped_counts
from survey_app.services.reporting.periods import Period, quarter

WEIGHTED_KINDS = ["administrative"]
CAMPAIGN_KINDS = {"health_inpatient", "health_outpatient", "education_parent"}


@dataclass
class Stratum:
    agency_id: int
    group: str | None
    responses: int
    n: int
    satisfied: int
    transactions: int | None
    period: Period | None = None  # the period stratum (a quarter), None for facilities
    name: dict = field(default_factory=dict)  # the agency's, for the page's table

    @property
    def response_rate(self) -> float | None:
        """Responses per transaction: how much of the stratum answered."""
        return self.responses / self.transactions if self.transactions else None


@dataclass
class PostStratified:
    estimate: analysis.WeightedEstimate
    transactions: int  # in the strata weighted
    left_out: int  # answers (with a score) in strata that could not be weighted
    strata: list[Stratum] = field(default_factory=list)


def applies(target) -> bool:
    return list(target.questionnaire_kinds) == WEIGHTED_KINDS


def by_facilities(target) -> bool:
    return bool(target.questionnaire_kinds) and set(target.questionnaire_kinds) <= CAMPAIGN_KINDS


def facility_weighted(period: Period, scope, filters, wanted) -> PostStratified | None:
    """A campaign target's rate post-stratified by facility volumes; `wanted(version,
    sector, agency, channel)` says whether a row is in the target's population."""
    rows = grouped_counts(period.start, period.end, scope, filters, Response.campaign_id,
                          Response.agency_id, Response.questionnaire_version_id,
                          Response.sector_id, Response.channel)
    volume = {(c, a): v for c, a, v in db.session.execute(
        select(CampaignFacility.campaign_id, CampaignFacility.agency_id,
               CampaignFacility.volume))}
    folded: dict = defaultdict(lambda: [0, 0, 0])
    for campaign, agency, version, sector, channel, responses, n, satisfied, _r in rows:
        if campaign is not None and wanted(version, sector, agency, channel):
            cell = folded[(campaign, agency)]
            cell[0], cell[1], cell[2] = cell[0] + responses, cell[1] + n, cell[2] + satisfied
    strata = {key: Stratum(key[1], None, r, n, x, volume.get(key))
              for key, (r, n, x) in folded.items()}
    return _estimate(strata)


def pieces(period: Period) -> list[Period]:
    """The period strata: the period itself up to a quarter, else its calendar quarters
    (the first and last clipped to the period's days)."""
    if period.kind == "quarter" or period.days <= 92:
        return [period]
    first, last = period.first_day, period.last_day
    parts = []
    year, number = first.year, (first.month - 1) // 3 + 1
    while (part := quarter(year, number)).first_day <= last:
        if part.first_day < first or part.last_day > last:
            part = Period("custom", max(part.first_day, first), min(part.last_day, last))
        parts.append(part)
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)
    return parts


def volumes(period: Period, group_of: dict) -> dict[tuple[int, str | None], int]:
    """Transactions per (agency, sector group) over the volume periods inside `period`."""
    query = (select(TransactionVolume.agency_id, TransactionVolume.sector_id,
                    TransactionVolume.transactions)
             .where(TransactionVolume.period_start >= period.first_day,
                    TransactionVolume.period_end <= period.last_day))
    rows = memo.remembered(("volumes", period.first_day, period.last_day),
                           lambda: tuple(db.session.execute(query).all()))
    totals: dict = defaultdict(int)
    for agency, sector, transactions in rows:
        totals[(agency, group_of.get(sector))] += int(transactions)
    return dict(totals)


def post_stratified(period: Period, rows_of, group_of: dict) -> PostStratified | None:
    """`rows_of(piece)` gives the `targets._rows` tuples of the target's population in
    view during one period stratum; None when no stratum can be weighted (no volumes
    loaded for the period, say)."""
    loaded = {piece: volumes(piece, group_of) for piece in pieces(period)}
    if not any(loaded.values()):  # volumes given only for the whole period (a year's row)
        loaded = {period: volumes(period, group_of)}
    if not any(loaded.values()):
        return None
    folded: dict = defaultdict(lambda: [0, 0, 0])
    for piece in loaded:
        for _kind, group, _level, _channel, agency, (responses, n, satisfied, _r) in rows_of(
                piece):
            cell = folded[(agency, group, piece)]
            cell[0], cell[1], cell[2] = cell[0] + responses, cell[1] + n, cell[2] + satisfied
    strata = [Stratum(agency, group, responses, n, satisfied,
                      loaded[piece].get((agency, group)), piece)
              for (agency, group, piece), (responses, n, satisfied) in sorted(
                  folded.items(), key=lambda item: (item[0][0] or 0, item[0][1] or "",
                                                    item[0][2].first_day))]
    return _estimate({(s.agency_id, s.group, s.period): s for s in strata})


def _estimate(strata: dict) -> PostStratified | None:
    """`analysis.stratified_proportion` over the strata that can be weighted."""
    names = dict((agency, {"vi": vi, "en": en}) for agency, vi, en in db.session.execute(
        select(Agency.id, Agency.name_vi, Agency.name_en)
        .where(Agency.id.in_(sorted({s.agency_id for s in strata.values() if s.agency_id})))))
    for stratum in strata.values():
        stratum.name = names.get(stratum.agency_id, {})
    usable = {key: s for key, s in strata.items()
              if s.n >= 2 and s.transactions and s.transactions >= s.n}
    if not usable:
        return None
    estimate = analysis.stratified_proportion(
        {key: (s.satisfied, s.n) for key, s in usable.items()},
        {key: s.transactions for key, s in usable.items()})
    return PostStratified(estimate=estimate, transactions=sum(s.transactions
                                                              for s in usable.values()),
                          left_out=sum(s.n for s in strata.values())
                          - sum(s.n for s in usable.values()),
                          strata=list(strata.values()))
