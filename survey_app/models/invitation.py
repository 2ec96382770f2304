"""Single-use transaction invitations and the API keys of one-stop systems.

Only hashes of tokens, keys and dossier references are stored. An invitation is
never linked to the response it allowed: marking it used and inserting the
response happen in one transaction, with no shared value between the rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.types import UTCDateTime, utcnow


class ApiKey(db.Model):
    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(12))  # shown to staff to tell keys apart
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agency = relationship("Agency")


class Invitation(db.Model):
    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id"))
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id"))
    dossier_sha256: Mapped[str | None] = mapped_column(String(64))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    counter = relationship("Counter")
    sector = relationship("Sector")
    procedure = relationship("Procedure")
