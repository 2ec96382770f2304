"""Single-use transaction invitations and the API keys of one-stop systems.

Only hashes of tokens and keys are stored, and dossier references only as a keyed
hash (HMAC under a server key that is not in the database). An invitation is never
linked to the response it allowed: a used invitation keeps no time of use, its
procedure is forgotten and its issue and expiry times are cut to the UTC day, so
it cannot be joined with the response's hour (services/responses/submissions.py).
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
    dossier_hmac: Mapped[str | None] = mapped_column(String(64))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used: Mapped[bool] = mapped_column(default=False)

    counter = relationship("Counter")
    sector = relationship("Sector")
    procedure = relationship("Procedure")
