"""The demo's health and education campaigns: their cells, and the campaigns themselves."""

from __future__ import annotations

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.i18n import local_midnight
from survey_app.models import Agency, Campaign, CampaignFacility, Sector


def campaign_cells(rng, forms, start, end, retired) -> list[tuple]:
    """Health and education campaigns at the hospitals and schools (created if missing)."""
    plans = {
        "health_outpatient": (("hospital", "health-centre"), "y-te", "patient", 3.0),
        "health_inpatient": (("hospital", "health-centre"), "y-te", "patient", 1.5),
        "education_parent": (("school",), "giao-duc", "parent", 2.0),
    }
    rows = []
    for kind, (facility_kinds, sector_code, group, volume) in plans.items():
        form = forms.get(kind)
        sector = db.session.execute(
            select(Sector).where(Sector.code == sector_code)
        ).scalar_one_or_none()
        facilities = db.session.execute(
            select(Agency).where(Agency.kind.in_(facility_kinds)).order_by(Agency.code)
        ).scalars().all()
        if form is None or sector is None or not facilities:
            continue
        campaign = _campaign(kind, form, sector, group, facilities, start, end)
        for index, facility in enumerate(facilities):
            # One facility in each survey lags well behind: something to find in the report.
            effect = -0.08 if index == len(facilities) - 1 else float(rng.normal(0, 0.015))
            rows.append((facility.id, -1, sector.id, sector.group_code, kind, campaign.id,
                         retired.get(facility.level_code), volume / len(facilities), effect))
    return rows


def _campaign(kind, form, sector, group, facilities, start, end) -> Campaign:
    code = f"demo-{kind.replace('_', '-')}-{start:%Y%m%d}"
    campaign = db.session.execute(
        select(Campaign).where(Campaign.code == code)
    ).scalar_one_or_none()
    if campaign is not None:
        return campaign
    owner = facilities[0].parent or facilities[0]
    campaign = Campaign(
        code=code, name_vi=f"Khảo sát sự hài lòng (dữ liệu mẫu) {start:%Y}",
        name_en=f"Satisfaction survey (demo data) {start:%Y}",
        questionnaire_version_id=form.version_id, owner_agency_id=owner.id,
        sector_id=sector.id, respondent_group=group,
        opens_at=local_midnight(start),
        closes_at=local_midnight(end),
    )
    for facility in facilities:
        campaign.facilities.append(
            CampaignFacility(agency_id=facility.id, code=f"{code}-{facility.id}")
        )
    db.session.add(campaign)
    db.session.flush()
    return campaign
