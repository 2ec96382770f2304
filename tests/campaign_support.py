"""Helpers for the campaign and paper tests: a department analyst, a campaign, paper rows."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.i18n import local_today
from survey_app.models import Agency, Sector, StaffScope, StaffUser
from survey_app.services.campaigns import setup as campaigns
from survey_app.services.questionnaires import versions as questionnaires
from survey_app.services.questionnaires.files import items_of


def today() -> date:
    return local_today()


def sector(code: str) -> Sector:
    return db.session.execute(select(Sector).where(Sector.code == code)).scalar_one()


def agency(code: str) -> Agency:
    return db.session.execute(select(Agency).where(Agency.code == code)).scalar_one()


def analyst(username: str, sector_code: str) -> StaffUser:
    from survey_app.services.access import accounts

    user = accounts.create_user(username, "correct horse battery staple", "analyst")
    user.scopes.append(StaffScope(sector_id=sector(sector_code).id))
    db.session.commit()
    return user


HOSPITALS = {"bv-da-khoa-vinh-long": 1200, "bv-da-khoa-tra-vinh": 800}


def health_input(volumes=None, opens_on=None, closes_on=None, margin=0.1, **more):
    volumes = HOSPITALS if volumes is None else volumes
    version = questionnaires.current_version("health_inpatient")
    opens_on = opens_on or today() - timedelta(days=3)
    return campaigns.CampaignInput(
        name_vi="Khảo sát người bệnh nội trú đợt 1", name_en="Inpatient survey, wave 1",
        sector_id=sector("y-te").id, version_id=version.id, respondent_group="inpatient",
        opens_on=opens_on, closes_on=closes_on or today() + timedelta(days=10), margin=margin,
        facilities=[campaigns.FacilityInput(agency(code).id, volume)
                    for code, volume in volumes.items()],
        **more,
    )


def scale_items(definition: dict) -> list[str]:
    return [i for i, item in items_of(definition).items() if item["type"] == "scale5"]


def paper_row(campaign, facility_code: str, day: date, overall: int | str, **answers) -> dict:
    row = {"facility": facility_code, "date": f"{day:%d/%m/%Y}",
           campaign.questionnaire_version.definition["overall_item"]: str(overall)}
    row.update({key: str(value) for key, value in answers.items()})
    return row


def csv_file(campaign, rows: list[dict], hint: bool = True) -> bytes:
    header = ["facility", "date", *items_of(campaign.questionnaire_version.definition)]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    if hint:
        writer.writerow(["# gợi ý"] + [""] * (len(header) - 1))
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return buffer.getvalue().encode("utf-8")
