"""Targets of the administrative-reform plans, loaded from reference/targets.yaml."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, Float, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db


class Plan(db.Model):
    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_vi: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str] = mapped_column(String(500))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    # Targets carried forward until the plan is issued: staff see them (marked), the
    # public results page does not.
    provisional: Mapped[bool] = mapped_column(default=False, server_default=false())

    targets: Mapped[list[Target]] = relationship(back_populates="plan", order_by="Target.id")


class Target(db.Model):
    """A goal such as "≥ 90 % satisfied with administrative procedures".

    `measure` is `overall` (share satisfied on the questionnaire's overall item) or
    `service-index` (mean of the factor indices). Its population is the questionnaire
    kinds, sector groups, channels and agency levels it covers (an empty list means
    all); a view only ever judges a target on answers inside that population.
    """

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    code: Mapped[str] = mapped_column(String(60))
    name_vi: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str] = mapped_column(String(500))
    threshold: Mapped[float] = mapped_column(Float)
    measure: Mapped[str] = mapped_column(String(40))
    questionnaire_kinds: Mapped[list] = mapped_column(JSON, default=list)
    sector_groups: Mapped[list] = mapped_column(JSON, default=list)
    channels: Mapped[list] = mapped_column(JSON, default=list)
    levels: Mapped[list] = mapped_column(JSON, default=list)

    plan: Mapped[Plan] = relationship(back_populates="targets")
