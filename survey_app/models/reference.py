"""Reference data: levels, agencies (a tree), counters, sectors, procedures, volumes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db

counter_sectors = Table(
    "counter_sectors",
    db.metadata,
    Column("counter_id", ForeignKey("counters.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True),
)

agency_sectors = Table(
    "agency_sectors",
    db.metadata,
    Column("agency_id", ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True),
)


class Level(db.Model):
    """An administrative level; retiring one (districts, 1 July 2025) keeps its history."""

    __tablename__ = "levels"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    retired_on: Mapped[date | None] = mapped_column(Date)


class Agency(db.Model):
    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    level_code: Mapped[str] = mapped_column(ForeignKey("levels.code"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    former_province: Mapped[str | None] = mapped_column(String(60))

    parent: Mapped[Agency | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Agency]] = relationship(back_populates="parent")
    counters: Mapped[list[Counter]] = relationship(back_populates="agency")
    sectors: Mapped[list[Sector]] = relationship(secondary=agency_sectors)


class Counter(db.Model):
    """A service point of an agency; its public code is what the poster's QR carries."""

    __tablename__ = "counters"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)

    agency: Mapped[Agency] = relationship(back_populates="counters")
    sectors: Mapped[list[Sector]] = relationship(secondary=counter_sectors)


class SectorGroup(db.Model):
    """A group of sectors that a target names (e.g. land, construction, investment)."""

    __tablename__ = "sector_groups"
    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))


class Sector(db.Model):
    """A lĩnh vực of administrative procedures or public services."""

    __tablename__ = "sectors"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    group_code: Mapped[str] = mapped_column(ForeignKey("sector_groups.code"), index=True)

    group: Mapped[SectorGroup] = relationship()


class Procedure(db.Model):
    """A thủ tục hành chính, optionally within a sector."""

    __tablename__ = "procedures"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name_vi: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str] = mapped_column(String(500))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id"), index=True)

    sector: Mapped[Sector | None] = relationship()


class TransactionVolume(db.Model):
    """Transactions handled by an agency in a sector over a period.

    Used to post-stratify rates by the real mix of transactions and to flag a
    counter whose answers far outnumber its transactions.
    """

    __tablename__ = "transaction_volumes"
    __table_args__ = (UniqueConstraint("agency_id", "sector_id", "period_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    transactions: Mapped[int] = mapped_column(Integer)
    # Dossiers settled after their due date, when the one-stop software reports them
    # (the 766 index's satisfaction with dossiers counts them as not satisfied).
    late_dossiers: Mapped[int | None] = mapped_column(Integer)
