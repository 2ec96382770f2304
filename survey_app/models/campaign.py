"""Sector surveys (health, education): a questionnaire version, facilities, a window, quotas."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.types import UTCDateTime, utcnow


class Campaign(db.Model):
    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    owner_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id"))
    respondent_group: Mapped[str] = mapped_column(String(40))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    margin: Mapped[float | None] = mapped_column(Float)
    previous_campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questionnaire_version = relationship("QuestionnaireVersion")
    owner_agency = relationship("Agency")
    sector = relationship("Sector")
    facilities: Mapped[list[CampaignFacility]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan"
    )


class CampaignFacility(db.Model):
    """A hospital or school in a campaign, with its volume (for weights) and quota."""

    __tablename__ = "campaign_facilities"
    __table_args__ = (UniqueConstraint("campaign_id", "agency_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    code: Mapped[str] = mapped_column(String(60), unique=True)  # public link /s/<code>
    volume: Mapped[int | None]
    quota: Mapped[int | None]

    campaign: Mapped[Campaign] = relationship(back_populates="facilities")
    agency = relationship("Agency")
