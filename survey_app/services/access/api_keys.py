"""API keys of one-stop systems: create (shown once), list, revoke, authenticate.

A key is `svk_` + 43 URL-safe characters (32 random bytes, 256 bits). Keys are
longer than citizens' tokens because nothing constrains their length (they sit in a
server's configuration, not in a QR code or an SMS) and they live for years, so a
wide margin against guessing costs nothing. Only `sha256_hex(key)` is stored: with
256 random bits a plain hash cannot be reversed, and a slow KDF would slow every
API call. A short prefix (`svk_` + 8 characters, 48 bits) is kept in clear so that
staff can tell keys apart and revoke one; it is useless for authenticating.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import Agency, ApiKey, utcnow
from survey_app.services.responses.tokens import sha256_hex

KEY_MARK = "svk_"  # makes a leaked key recognisable to secret scanners and people
KEY_BYTES = 32
PREFIX_LENGTH = len(KEY_MARK) + 8
MAX_NAME_LENGTH = 200


class ApiKeyError(DomainError):
    """A key cannot be created, found or revoked as asked."""


class UnknownKeyAgency(ApiKeyError):
    pass


class UnknownKey(ApiKeyError):
    """No key matches (authentication) or no key has that prefix (revocation)."""

    status = 401


class AmbiguousPrefix(ApiKeyError):
    pass


class RevokedKey(ApiKeyError):
    status = 401


@dataclass(frozen=True)
class KeyInfo:
    """What may be shown about a key: never the key itself."""

    prefix: str
    agency_code: str
    name: str
    created_at: datetime
    revoked_at: datetime | None


def create(agency_code: str, name: str = "") -> tuple[str, KeyInfo]:
    """A new key for an agency: returns (the key, shown this once; its description)."""
    agency = db.session.execute(
        select(Agency).where(Agency.code == agency_code)
    ).scalar_one_or_none()
    if agency is None:
        raise UnknownKeyAgency("agency_unknown", code=agency_code)
    name = (name or "").strip() or f"one-stop system of {agency.code}"
    if len(name) > MAX_NAME_LENGTH:
        raise ApiKeyError("key_name_too_long", n=MAX_NAME_LENGTH)
    key = KEY_MARK + secrets.token_urlsafe(KEY_BYTES)
    row = ApiKey(
        agency=agency, name=name, prefix=key[:PREFIX_LENGTH], key_sha256=sha256_hex(key)
    )
    db.session.add(row)
    db.session.commit()
    return key, _info(row)


def list_keys(agency_code: str | None = None) -> list[KeyInfo]:
    query = select(ApiKey).join(ApiKey.agency).order_by(Agency.code, ApiKey.created_at)
    if agency_code:
        if db.session.execute(select(Agency.id).where(Agency.code == agency_code)).first() is None:
            raise UnknownKeyAgency("agency_unknown", code=agency_code)
        query = query.where(Agency.code == agency_code)
    return [_info(row) for row in db.session.execute(query).scalars()]


def revoke(prefix: str) -> KeyInfo:
    """Revoke the one key with this prefix (revoking twice keeps the first time)."""
    rows = db.session.execute(select(ApiKey).where(ApiKey.prefix == prefix)).scalars().all()
    if not rows:
        raise UnknownKey("key_prefix_unknown", prefix=prefix)
    if len(rows) > 1:
        raise AmbiguousPrefix("key_prefix_shared", count=len(rows), prefix=prefix)
    row = rows[0]
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.commit()
    return _info(row)


def authenticate(key: str) -> ApiKey:
    """The live key row for a presented key, or UnknownKey / RevokedKey."""
    if not key.startswith(KEY_MARK) or len(key) > 200:
        raise UnknownKey("not_a_key")
    # Looking up by the hash compares no secret byte by byte, so timing tells nothing.
    row = db.session.execute(
        select(ApiKey).where(ApiKey.key_sha256 == sha256_hex(key))
    ).scalar_one_or_none()
    if row is None:
        raise UnknownKey("key_unknown")
    if row.revoked_at is not None:
        raise RevokedKey("key_revoked")
    return row


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(row.prefix, row.agency.code, row.name, row.created_at, row.revoked_at)
