"""A campaign's progress and analysis: responses against quotas, rates, weights, waves.

Everything is counted by the database (`GROUP BY` facility and channel, and by
hour); Python only folds the grouped rows (facilities × channels, hours of the
window) and hands counts to `analysis`:

- per facility: responses (online link / paper), against the quota; n (answers
  with an overall score: "not used" is kept but left out), satisfied (4 or 5),
  rate with a 95 % Wilson interval (`analysis.proportion_ci`);
- the department: the plain pooled rate (unweighted) and the rate post-stratified
  by facility volumes (`analysis.stratified_proportion`, population = volumes), so
  that a large hospital that answered little is not drowned by a small one that
  answered much. A facility enters the weighted figure only with a volume and at
  least 2 answers (the estimator's variance needs n_h >= 2); the ones left out are
  listed, and the weighted rate then speaks for the facilities that are in;
- by local day (DISPLAY_TIMEZONE): hours are grouped in SQL and folded to days
  here (the offset is whole hours, so an hour never straddles two days);
- the section indices (A–E of the Ministry of Health forms, the education
  sections): the questionnaire's factors, computed by `factor_indices`;
- the previous wave (`previous_campaign_id`): difference of the unweighted rates
  with Newcombe's interval (`analysis.difference_ci`).

`progress(campaign, scope)` is the one entry point (the progress page and the
reports use it); the reader's scope is applied to every count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

import analysis
from survey_app import formatting
from survey_app.extensions import db
from survey_app.i18n import local_date
from survey_app.models import Campaign, Response
from survey_app.services.access.scope import Scope
from survey_app.vocabulary import Channel

CONFIDENCE = 0.95
MIN_CELL = 30  # as in reporting: a rate on fewer answers is shown but marked too small


@dataclass
class Counts:
    """Responses by channel, answers with an overall score, satisfied, rate and interval."""

    responses: int = 0
    online: int = 0
    paper: int = 0
    n: int = 0
    satisfied: int = 0
    quota: int | None = None
    rate: float | None = None
    low: float | None = None
    high: float | None = None

    @property
    def too_small(self) -> bool:
        return self.n < MIN_CELL

    @property
    def quota_share(self) -> float | None:
        return self.responses / self.quota if self.quota else None

    def add(self, channel: str, responses: int, n: int, satisfied: int) -> None:
        self.responses += responses
        if channel == Channel.PAPER:
            self.paper += responses
        else:
            self.online += responses
        self.n += n
        self.satisfied += satisfied

    def finish(self) -> Counts:
        if self.n:
            self.rate = self.satisfied / self.n
            self.low, self.high = analysis.proportion_ci(self.satisfied, self.n, CONFIDENCE)
        return self


@dataclass
class FacilityProgress:
    agency_id: int
    code: str
    name: dict
    volume: int | None
    counts: Counts


@dataclass
class Previous:
    campaign_id: int
    name: dict
    counts: Counts
    difference: analysis.Difference | None = None


@dataclass
class Progress:
    campaign_id: int
    facilities: list[FacilityProgress]
    total: Counts
    weighted: analysis.WeightedEstimate | None = None
    left_out: list[dict] = field(default_factory=list)  # names of facilities not weighted
    days: list[tuple[date, int, int]] = field(default_factory=list)  # (day, online, paper)
    sections: object | None = None  # factor_indices.ServiceIndex
    previous: Previous | None = None


def counts_by_facility(campaign_id: int, scope: Scope) -> dict[int, Counts]:
    """{agency_id: Counts} for a campaign, in one GROUP BY agency, channel."""
    rows = db.session.execute(
        select(
            Response.agency_id, Response.channel, func.count(),
            func.count(Response.overall_score),
            func.coalesce(func.sum(case((Response.overall_score >= 4, 1), else_=0)), 0),
        )
        .where(Response.campaign_id == campaign_id, scope.responses_filter())
        .group_by(Response.agency_id, Response.channel)
    ).all()
    found: dict[int, Counts] = defaultdict(Counts)
    for agency_id, channel, responses, n, satisfied in rows:
        found[agency_id].add(channel, int(responses), int(n), int(satisfied))
    return found


def counts_by_day(campaign_id: int, scope: Scope) -> list[tuple[date, int, int]]:
    """(local day, online, paper) for every day with responses, oldest first."""
    rows = db.session.execute(
        select(Response.submitted_hour, Response.channel, func.count())
        .where(Response.campaign_id == campaign_id, scope.responses_filter())
        .group_by(Response.submitted_hour, Response.channel)
    ).all()
    days: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for hour, channel, responses in rows:
        days[local_date(hour)][channel == Channel.PAPER] += int(responses)
    return [(day, online, paper) for day, (online, paper) in sorted(days.items())]


def totals(campaign_id: int, scope: Scope) -> Counts:
    total = Counts()
    for counts in counts_by_facility(campaign_id, scope).values():
        total.responses += counts.responses
        total.online += counts.online
        total.paper += counts.paper
        total.n += counts.n
        total.satisfied += counts.satisfied
    return total.finish()


def weighted_rate(facilities: list[FacilityProgress]):
    """Post-stratified department rate, and the facilities it had to leave out."""
    strata: dict[Hashable, tuple[int, int]] = {}
    population: dict[Hashable, float] = {}
    left_out = []
    for facility in facilities:
        counts = facility.counts
        if facility.volume and counts.n >= 2 and facility.volume >= counts.n:
            strata[facility.agency_id] = (counts.satisfied, counts.n)
            population[facility.agency_id] = facility.volume
        elif counts.n:
            left_out.append(facility.name)
    if not strata:
        return None, left_out
    estimate = analysis.stratified_proportion(strata, population=population,
                                              confidence=CONFIDENCE)
    return estimate, left_out


def progress(campaign: Campaign, scope: Scope, with_sections: bool = True) -> Progress:
    by_facility = counts_by_facility(campaign.id, scope)
    facilities = []
    for facility in formatting.sort_by_name(campaign.facilities, lambda f: f.agency.name_vi, "vi"):
        counts = by_facility.get(facility.agency_id, Counts())
        counts.quota = facility.quota
        facilities.append(FacilityProgress(
            facility.agency_id, facility.code,
            {"vi": facility.agency.name_vi, "en": facility.agency.name_en},
            facility.volume, counts.finish(),
        ))
    total = Counts(quota=sum(f.quota or 0 for f in campaign.facilities) or None)
    for item in facilities:
        online_paper = ((Channel.LINK, item.counts.online), (Channel.PAPER, item.counts.paper))
        for channel, number in online_paper:
            total.add(channel, number, 0, 0)
        total.n += item.counts.n
        total.satisfied += item.counts.satisfied
    result = Progress(campaign.id, facilities, total.finish())
    result.weighted, result.left_out = weighted_rate(facilities)
    result.days = counts_by_day(campaign.id, scope)
    result.previous = _previous(campaign, scope, result.total)
    if with_sections:
        from survey_app.services.campaigns.sections import section_indices

        result.sections = section_indices(campaign)
    return result


def _previous(campaign: Campaign, scope: Scope, current: Counts) -> Previous | None:
    if campaign.previous_campaign_id is None:
        return None
    earlier = db.session.execute(
        select(Campaign).where(Campaign.id == campaign.previous_campaign_id,
                               scope.campaigns_filter())
    ).scalar_one_or_none()
    if earlier is None:
        return None
    counts = totals(earlier.id, scope)
    previous = Previous(earlier.id, {"vi": earlier.name_vi, "en": earlier.name_en}, counts)
    if counts.n and current.n:
        previous.difference = analysis.difference_ci(
            current.satisfied, current.n, counts.satisfied, counts.n, CONFIDENCE)
    return previous
