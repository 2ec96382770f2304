"""Time-based one-time passwords (RFC 6238) as the optional second factor of staff logins.

The codes are computed by pyotp (HMAC-SHA1, 6 digits, 30-second steps, what every
authenticator app reads from an otpauth:// URI), checked against the RFC's vectors.

A code is accepted for the current step and one step either side (clock drift of
a phone), and never twice: the last accepted step is stored on the account, so a
code seen over a shoulder cannot be replayed within its minute and a half.

The secret is stored encrypted (Fernet, AES-128-CBC + HMAC-SHA256) under
`TOTP_ENCRYPTION_KEY` from configuration (derived from SECRET_KEY when unset):
a copy of the database alone does not give the codes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from urllib.parse import quote, urlencode

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy import func, select

from survey_app.config import server_key
from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import StaffUser
from survey_app.services.access import audit

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1  # accept the previous and the next code too
SECRET_BYTES = 20  # 160 bits, the HMAC-SHA1 block the RFC recommends
ISSUER = "Khao sat hai long Vinh Long"


class TotpError(DomainError):
    """A second factor cannot be enrolled, checked or reset as asked."""


def new_secret() -> str:
    """A random base32 secret (32 characters, no padding), as authenticator apps take it."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def _checked(secret: str) -> str:
    cleaned = secret.replace(" ", "").upper()
    try:
        base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (ValueError, TypeError) as error:
        raise TotpError("secret_invalid") from error
    return cleaned


def step_at(moment: float) -> int:
    return int(moment // STEP_SECONDS)


def code_for_step(secret: str, step: int, digits: int = DIGITS,
                  digest=hashlib.sha1) -> str:
    """HOTP (RFC 4226) of a step, by pyotp."""
    return pyotp.HOTP(_checked(secret), digits=digits, digest=digest).at(step)


def code_at(secret: str, moment: float, digits: int = DIGITS, digest=hashlib.sha1) -> str:
    return code_for_step(secret, step_at(moment), digits, digest)


def _fernet() -> Fernet:
    key = server_key(current_app.config, "TOTP_ENCRYPTION_KEY")
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    """What is stored of a secret: its encryption under TOTP_ENCRYPTION_KEY."""
    return _fernet().encrypt(secret.encode("ascii")).decode("ascii")


def secret_of(user: StaffUser) -> str | None:
    """The account's secret in clear; None without a second factor, or when the key
    changed (the factor must then be reset: `flask users totp-reset`)."""
    if not user.totp_secret:
        return None
    try:
        return _fernet().decrypt(user.totp_secret.encode("ascii")).decode("ascii")
    except InvalidToken:
        current_app.logger.warning("a second-factor secret cannot be decrypted with "
                                   "TOTP_ENCRYPTION_KEY: reset that account's factor")
        return None


def matching_step(secret: str, code: str, moment: float) -> int | None:
    """The step within the drift window whose code is `code`, or None."""
    code = (code or "").replace(" ", "").strip()
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = step_at(moment)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        # compare_digest: the comparison takes the same time whatever digit differs.
        if hmac.compare_digest(code_for_step(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, username: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI an authenticator app reads from the enrolment QR code."""
    label = quote(issuer, safe="") + ":" + quote(username, safe="")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1",
                       "digits": DIGITS, "period": STEP_SECONDS}, quote_via=quote)
    return f"otpauth://totp/{label}?{query}"


def verify(user: StaffUser, code: str, moment: float | None = None) -> bool:
    """Check a login code and consume its step (the caller commits)."""
    secret = secret_of(user)
    if secret is None:
        return False
    step = matching_step(secret, code, time.time() if moment is None else moment)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def enrol(user: StaffUser, secret: str, code: str, moment: float | None = None) -> None:
    """Turn the second factor on, once the user proved their app shows the right codes."""
    step = matching_step(secret, code, time.time() if moment is None else moment)
    if step is None:
        raise TotpError("code_mismatch_clock")
    user.totp_secret = seal(secret)
    user.totp_last_step = step
    # Sessions opened with the password alone end now.
    user.session_version += 1
    audit.record(user.id, "totp.enrol")


def disable(user: StaffUser, code: str, moment: float | None = None) -> None:
    """Turn it off from the user's own session: needs a current code."""
    if not verify(user, code, moment):
        raise TotpError("code_mismatch")
    _clear(user, "totp.disable", user.id)


def reset(username: str) -> StaffUser:
    """For an admin at the command line, when a phone is lost (CLI actions have no user)."""
    user = db.session.execute(
        select(StaffUser).where(func.lower(StaffUser.username) == username.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        raise TotpError("username_unknown", name=username)
    if not user.totp_secret:
        raise TotpError("no_second_factor", name=user.username)
    _clear(user, "totp.reset", None)
    return user


def _clear(user: StaffUser, action: str, actor_id: int | None) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    user.session_version += 1
    audit.record(actor_id, action, account=user.id)
