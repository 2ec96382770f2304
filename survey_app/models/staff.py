"""Staff accounts, their scopes, and the audit log of reads and exports."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from survey_app.extensions import db
from survey_app.models import append_only
from survey_app.models.types import UTCDateTime, utcnow
from survey_app.vocabulary import Role


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_users"
    __table_args__ = (
        CheckConstraint(Role.check("role"), name="role"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_secret: Mapped[str | None] = mapped_column(String(255))  # encrypted (totp.seal)
    # The time step of the last accepted one-time code: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Wrong one-time codes since the last right one, counted here whatever cookie is
    # replayed; the password step never clears them (staff/totp.py).
    totp_failures: Mapped[int] = mapped_column(default=0)
    # Bumped by "log out everywhere" and password changes: older sessions stop working.
    session_version: Mapped[int] = mapped_column(default=1)

    scopes: Mapped[list[StaffScope]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt, a memory-hard KDF with a per-password salt.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active


class StaffScope(db.Model):
    """One grant: a sector, or an agency (with its sub-units). Admins need none."""

    __tablename__ = "staff_scopes"
    __table_args__ = (
        CheckConstraint(
            "sector_id IS NOT NULL OR agency_id IS NOT NULL", name="sector_or_agency"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))

    user: Mapped[StaffUser] = relationship(back_populates="scopes")
    sector = relationship("Sector")
    agency = relationship("Agency")


class StaffSession(db.Model):
    """A live staff login: logging out deletes it, so a copied cookie stops working.

    Only the SHA-256 of the session's random key is stored; the key is in the cookie.
    """

    __tablename__ = "staff_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"),
                                         index=True)
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginFailure(db.Model):
    """Wrong passwords for one account from one address (an HMAC of it, never the
    address): the lockout holds that address only, so a stranger cannot lock the
    account's owner out (services/access/accounts.py)."""

    __tablename__ = "login_failures"
    __table_args__ = (UniqueConstraint("user_id", "address_hmac"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    address_hmac: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditLog(db.Model):
    """Who read, changed or exported what, and when (CLI actions have no user).

    Append-only: see models/append_only.py.
    """

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


append_only.guard(AuditLog)
