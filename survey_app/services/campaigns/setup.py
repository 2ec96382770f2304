"""Sector survey campaigns: who may run them, their window, facilities, quotas and links.

A campaign is a health or education department's survey wave: one questionnaire
version, a respondent group, facilities (hospitals, health centres, schools) from
the reference data, a window (opened and closed on local dates, stored in UTC)
and a quota per facility, proposed from the facility's volume (patients
discharged, pupils enrolled) and the wanted margin of error by
`analysis.sample_size`.

Rules kept here, in one place:

- which questionnaire kinds fit a sector (data below: health_* for y-te,
  education_parent for giao-duc) and which agencies are facilities of a sector;
- who may see a campaign (`Scope.campaigns_filter`) and who may run one (admins,
  and analysts whose scope holds the campaign's sector);
- facilities and quotas change until the campaign closes; the questionnaire
  version never changes once responses exist; a facility with responses stays;
- a facility is in at most one open-at-the-same-time campaign of a questionnaire
  kind, so that a paper form or a section index belongs to exactly one wave.

Error messages are lazy strings: they are rendered in the reader's language by
the view (services never need a request).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import exists, func, select

import analysis
from survey_app import formatting
from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.i18n import local_date, local_midnight
from survey_app.models import (
    Agency,
    Campaign,
    CampaignFacility,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Sector,
    StaffUser,
    agency_sectors,
    utcnow,
)
from survey_app.services.access.scope import Scope
from survey_app.vocabulary import QuestionnaireKind, RespondentGroup, Role

# Which questionnaire kinds a department may field, by sector code (data, not code paths).
SECTOR_KINDS = {
    "y-te": (QuestionnaireKind.HEALTH_INPATIENT, QuestionnaireKind.HEALTH_OUTPATIENT),
    "giao-duc": (QuestionnaireKind.EDUCATION_PARENT,),
}
FACILITY_KINDS = ("hospital", "health-centre", "school")
MANAGER_ROLES = frozenset({Role.ADMIN, Role.ANALYST})
# Link codes are typed by people who cannot scan: no 0/o, 1/l/i look-alikes.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 8
MAX_QUOTA = 100_000


class CampaignError(DomainError):
    """A campaign cannot be created or changed as asked; `field` names the form field."""

    def __init__(self, code: str, /, field: str | None = None, **params):
        super().__init__(code, **params)
        self.field = field


class CampaignNotFound(DomainError):
    """No such campaign, or not in the reader's scope (the two look the same on purpose)."""

    status = 404

    def __init__(self, campaign_id: int):
        super().__init__("campaign_not_found", id=campaign_id)


@dataclass
class FacilityInput:
    agency_id: int
    volume: int | None = None
    quota: int | None = None


@dataclass
class CampaignInput:
    """What a department enters; dates are local calendar days, both inclusive."""

    name_vi: str
    name_en: str
    sector_id: int
    version_id: int
    respondent_group: str
    opens_on: date
    closes_on: date
    margin: float | None = None
    previous_campaign_id: int | None = None
    facilities: list[FacilityInput] = field(default_factory=list)


# --- time --------------------------------------------------------------------------------

def window_of(opens_on: date, closes_on: date) -> tuple[datetime, datetime]:
    """UTC instants: local midnight starting `opens_on`, local midnight after `closes_on`."""
    return local_midnight(opens_on), local_midnight(closes_on + timedelta(days=1))


def local_days(campaign: Campaign) -> tuple[date, date]:
    """First and last local day of the window (the close instant itself is excluded)."""
    last = local_date(campaign.closes_at - timedelta(microseconds=1))
    return local_date(campaign.opens_at), last


def window_state(campaign: Campaign, now: datetime | None = None) -> str:
    now = now or utcnow()
    if now < campaign.opens_at:
        return "not_yet_open"
    if now >= campaign.closes_at:
        return "closed"
    return "open"


# --- who may do what -----------------------------------------------------------------------

def visible_campaigns(scope: Scope) -> list[Campaign]:
    return list(db.session.execute(
        select(Campaign).where(scope.campaigns_filter())
        .order_by(Campaign.opens_at.desc(), Campaign.id.desc())
    ).scalars())


def get_visible(campaign_id: int, scope: Scope) -> Campaign:
    campaign = db.session.execute(
        select(Campaign).where(Campaign.id == campaign_id, scope.campaigns_filter())
    ).scalar_one_or_none()
    if campaign is None:
        raise CampaignNotFound(campaign_id)
    return campaign


def may_manage(user: StaffUser, scope: Scope, sector_id: int) -> bool:
    """Run campaigns (create, edit, enter and import paper forms) of a sector."""
    return user.role in MANAGER_ROLES and scope.allows_sector(sector_id)


def get_managed(campaign_id: int, user: StaffUser) -> Campaign:
    """A campaign the user may run; anything else is 'not found' (no existence leak)."""
    scope = Scope.for_user(user)
    campaign = get_visible(campaign_id, scope)
    if not may_manage(user, scope, campaign.sector_id):
        raise CampaignNotFound(campaign_id)
    return campaign


def manageable_sectors(user: StaffUser) -> list[Sector]:
    scope = Scope.for_user(user)
    sectors = db.session.execute(
        select(Sector).where(Sector.code.in_(SECTOR_KINDS)).order_by(Sector.code)
    ).scalars()
    return [s for s in sectors if may_manage(user, scope, s.id)]


# --- choices ---------------------------------------------------------------------------------

def versions_for(sector: Sector) -> list[QuestionnaireVersion]:
    kinds = SECTOR_KINDS.get(sector.code, ())
    return list(db.session.execute(
        select(QuestionnaireVersion).join(Questionnaire)
        .where(Questionnaire.kind.in_(kinds), QuestionnaireVersion.status == "published")
        .order_by(Questionnaire.code, QuestionnaireVersion.version.desc())
    ).scalars())


def facilities_for(sector_id: int) -> list[Agency]:
    facilities = db.session.execute(
        select(Agency).join(agency_sectors, agency_sectors.c.agency_id == Agency.id)
        .where(agency_sectors.c.sector_id == sector_id, Agency.kind.in_(FACILITY_KINDS))
    ).scalars()
    return sorted(facilities, key=lambda a: (a.kind, formatting.name_key(a.name_vi, "vi")))


def previous_candidates(sector_id: int, exclude_id: int | None = None) -> list[Campaign]:
    query = select(Campaign).where(Campaign.sector_id == sector_id)
    if exclude_id is not None:
        query = query.where(Campaign.id != exclude_id)
    return list(db.session.execute(query.order_by(Campaign.opens_at.desc())).scalars())


def propose_quota(volume: int | None, margin: float | None) -> int | None:
    """Sample size for the margin at 95 %, p = 0.5, finite population = the volume."""
    if not volume or not margin:
        return None
    return analysis.sample_size(margin, population=volume)


# --- create and edit -------------------------------------------------------------------------

def create(data: CampaignInput, user: StaffUser) -> Campaign:
    sector = _checked_sector(data.sector_id, user)
    campaign = Campaign(sector_id=sector.id, created_by_id=user.id, code=_campaign_code(sector))
    campaign.owner_agency_id = _department_of(sector)
    _apply(campaign, data, sector, has_responses=False)
    db.session.add(campaign)
    db.session.commit()
    return campaign


def update(campaign: Campaign, data: CampaignInput, user: StaffUser,
           now: datetime | None = None) -> Campaign:
    if window_state(campaign, now) == "closed":
        raise CampaignError("campaign_closed")
    sector = _checked_sector(campaign.sector_id, user)
    try:
        _apply(campaign, data, sector, has_responses=has_responses(campaign.id))
        db.session.commit()
    except CampaignError:
        db.session.rollback()
        raise
    return campaign


def close_now(campaign: Campaign, now: datetime | None = None) -> None:
    """End the window at once (the link then shows the closed page)."""
    now = now or utcnow()
    if window_state(campaign, now) == "closed":
        return
    campaign.closes_at = max(now, campaign.opens_at)
    db.session.commit()


def has_responses(campaign_id: int, agency_id: int | None = None) -> bool:
    condition = Response.campaign_id == campaign_id
    if agency_id is not None:
        condition = condition & (Response.agency_id == agency_id)
    return bool(db.session.execute(select(exists().where(condition))).scalar())


def _checked_sector(sector_id: int, user: StaffUser) -> Sector:
    sector = db.session.get(Sector, sector_id)
    if sector is None or sector.code not in SECTOR_KINDS:
        raise CampaignError("sector_not_surveyed", field="sector")
    if not may_manage(user, Scope.for_user(user), sector.id):
        raise CampaignError("sector_not_managed", field="sector")
    return sector


def _apply(campaign: Campaign, data: CampaignInput, sector: Sector, has_responses: bool) -> None:
    name_vi = (data.name_vi or "").strip()
    if not name_vi:
        raise CampaignError("name_missing", field="name_vi")
    version = db.session.get(QuestionnaireVersion, data.version_id)
    if version is None or version.questionnaire.kind not in SECTOR_KINDS[sector.code]:
        raise CampaignError("questionnaire_unfit", field="version")
    if has_responses and version.id != campaign.questionnaire_version_id:
        raise CampaignError("questionnaire_fixed", field="version")
    _check_group_window_margin(data)
    previous = data.previous_campaign_id
    if previous is not None and (previous == campaign.id or previous not in
                                 {c.id for c in previous_candidates(sector.id)}):
        raise CampaignError("previous_unfit", field="previous")
    campaign.name_vi = name_vi[:300]
    campaign.name_en = ((data.name_en or "").strip() or name_vi)[:300]
    campaign.questionnaire_version_id = version.id
    campaign.respondent_group = data.respondent_group
    campaign.opens_at, campaign.closes_at = window_of(data.opens_on, data.closes_on)
    campaign.margin = data.margin
    campaign.previous_campaign_id = previous
    _apply_facilities(campaign, data, sector, version.questionnaire.kind)


def _check_group_window_margin(data: CampaignInput) -> None:
    if data.respondent_group not in RespondentGroup.values():
        raise CampaignError("group_missing", field="respondent_group")
    if data.closes_on < data.opens_on:
        raise CampaignError("window_reversed", field="closes_on")
    if data.margin is not None and not 0.005 <= data.margin <= 0.2:
        raise CampaignError("margin_outside", field="margin")


def _wanted_facilities(data: CampaignInput, sector: Sector) -> dict[int, FacilityInput]:
    """The facilities asked for, by agency id: facilities of the sector, sizes in range."""
    allowed = {agency.id: agency for agency in facilities_for(sector.id)}
    wanted: dict[int, FacilityInput] = {}
    for item in data.facilities:
        if item.agency_id not in allowed:
            raise CampaignError("facility_unfit", field="facilities")
        for number, code in ((item.volume, "volume_not_positive"),
                             (item.quota, "quota_not_positive")):
            if number is not None and not 0 < number <= 10_000_000:
                raise CampaignError(code, field="facilities",
                                    name=allowed[item.agency_id].name_vi)
        wanted[item.agency_id] = item
    if not wanted:
        raise CampaignError("facilities_missing", field="facilities")
    return wanted


def _apply_facilities(campaign: Campaign, data: CampaignInput, sector: Sector, kind: str) -> None:
    wanted = _wanted_facilities(data, sector)
    current = {f.agency_id: f for f in campaign.facilities}
    for agency_id, facility in current.items():
        if agency_id not in wanted:
            if campaign.id is not None and has_responses(campaign.id, agency_id):
                raise CampaignError("facility_answered", field="facilities",
                                    name=facility.agency.name_vi)
            campaign.facilities.remove(facility)
    for agency_id, item in wanted.items():
        kept = current.get(agency_id)
        if kept is None:
            kept = CampaignFacility(agency_id=agency_id, code=_facility_code())
            campaign.facilities.append(kept)
        kept.volume = item.volume
        quota = item.quota if item.quota is not None else propose_quota(item.volume, data.margin)
        kept.quota = min(quota, MAX_QUOTA) if quota is not None else None
    _refuse_overlap(campaign, kind, list(wanted))


def _refuse_overlap(campaign: Campaign, kind: str, agency_ids: list[int]) -> None:
    """A facility may not be in two campaigns of one questionnaire kind at the same time."""
    clash = db.session.execute(
        select(Campaign.name_vi, Agency.name_vi)
        .join(CampaignFacility, CampaignFacility.campaign_id == Campaign.id)
        .join(Agency, Agency.id == CampaignFacility.agency_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Campaign.questionnaire_version_id)
        .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
        .where(
            Questionnaire.kind == kind,
            CampaignFacility.agency_id.in_(agency_ids),
            Campaign.opens_at < campaign.closes_at,
            Campaign.closes_at > campaign.opens_at,
            Campaign.id != (campaign.id or -1),
        ).limit(1)
    ).first()
    if clash:
        raise CampaignError("facility_overlap", field="facilities", facility=clash[1],
                            campaign=clash[0])


def _department_of(sector: Sector) -> int:
    """The department (sở) that handles the sector: it owns the campaign."""
    agency_id = db.session.execute(
        select(Agency.id).join(agency_sectors, agency_sectors.c.agency_id == Agency.id)
        .where(agency_sectors.c.sector_id == sector.id, Agency.kind == "department")
        .order_by(Agency.code).limit(1)
    ).scalar_one_or_none()
    if agency_id is None:
        raise CampaignError("no_department", field="sector")
    return agency_id


def _random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def _campaign_code(sector: Sector) -> str:
    return f"{sector.code}-{utcnow():%Y%m}-{_random_code(6)}"


def _facility_code() -> str:
    while True:  # 31^8 codes: a clash is rare, but a unique column would refuse it
        code = _random_code(CODE_LENGTH)
        taken = db.session.execute(
            select(func.count()).select_from(CampaignFacility).where(CampaignFacility.code == code)
        ).scalar()
        if not taken:
            return code


# --- the public link ---------------------------------------------------------------------------

def facility_by_code(code: str) -> CampaignFacility | None:
    if not code or len(code) > 60:
        return None
    return db.session.execute(
        select(CampaignFacility).where(CampaignFacility.code == code)
    ).scalar_one_or_none()


def facility_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/s/{code}"
