"""Staff accounts: authentication with lockout, creation, the first admin.

Wrong passwords lock one account *from one address* (`login_failures`, the address
kept as an HMAC): after MAX_FAILED_LOGINS, that address waits LOCKOUT_BASE, then
twice as long after each further failure, up to LOCKOUT_MAX, and an alert is raised
(audit `login.locked`, a warning in the log). Its owner, from another address, logs
in as usual: a stranger cannot lock anyone out at will. The account itself is
locked only by wrong one-time codes (staff/totp.py), which need the password first.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from survey_app.config import server_key
from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import LoginFailure, StaffUser, utcnow
from survey_app.services.access import audit, sessions
from survey_app.vocabulary import Role

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)  # of the account, after wrong one-time codes
LOCKOUT_BASE = timedelta(minutes=1)  # of one address, doubling with each failure
LOCKOUT_MAX = timedelta(hours=1)
MIN_PASSWORD_LENGTH = 12
MIN_STRENGTH = 4  # zxcvbn's score: about 10^10 guesses and more


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


class LoginRefused(DomainError):
    """Wrong credentials, a disabled account or a temporary lockout (one vague message)."""


class AccountError(DomainError):
    """An account cannot be created or changed as asked."""


def load_session_user(session_id: str) -> StaffUser | None:
    """The user of a session id `<id>:<session_version>`; stale versions are logged out."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(StaffUser, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def authenticate(username: str, password: str, address: str = "") -> StaffUser:
    user = db.session.execute(
        select(StaffUser).where(func.lower(StaffUser.username) == username.strip().lower())
    ).scalar_one_or_none()
    refusal = LoginRefused("login_refused")
    now = utcnow()
    if user is None or not user.active:
        # Spend the same scrypt time as a real check: timing must not tell which names exist.
        check_password_hash(_dummy_hash(), password)
        # The typed name is not logged: it is often a password typed in the wrong box.
        audit.record(None, "login.refused", reason="unknown or disabled account")
        raise refusal
    failures = _failures_from(user, address)
    if _locked(user.locked_until, now) or _locked(failures.locked_until, now):
        audit.record(user.id, "login.refused", reason="locked")
        raise refusal
    if not user.check_password(password):
        audit.record(user.id, "login.refused", commit=False, reason="password")
        _note_wrong_password(user, failures, now)
        raise refusal
    if failures.id is not None:
        db.session.delete(failures)
    if not user.totp_secret:
        # With a second factor the login is done only at the code (staff/totp.py): a
        # right password alone must not clear the failures the codes have counted.
        note_login_done(user)
    user.last_login_at = now
    audit.record(user.id, "login.password", commit=False)
    db.session.commit()
    return user


# Words that top every leaked-password list, in English and Vietnamese, and the
# project's own names: a password that is one of them plus digits and symbols
# ("Password2025!", "matkhau@123456") falls to the first guesses of any attacker.
COMMON_WORDS = frozenset({
    "password", "passw0rd", "qwerty", "qwertyuiop", "asdfgh", "zxcvbn", "abc", "abcd",
    "abcdef", "admin", "administrator", "welcome", "letmein", "iloveyou", "changeme",
    "secret", "login", "root", "test", "matkhau", "matkhaumoi", "anhyeuem", "emyeuanh",
    "iloveu", "vietnam", "vinhlong", "khaosat", "hailong", "sonoivu", "motcua",
    "ubnd", "congchuc", "quantri",
})


def _locked(until, now) -> bool:
    return until is not None and until > now


def _failures_from(user: StaffUser, address: str) -> LoginFailure:
    key = hmac.new(server_key(current_app.config, "ADDRESS_HASH_KEY"),
                   address.encode("utf-8"), hashlib.sha256).hexdigest()
    found = db.session.execute(select(LoginFailure).where(
        LoginFailure.user_id == user.id, LoginFailure.address_hmac == key)).scalar_one_or_none()
    return found or LoginFailure(user_id=user.id, address_hmac=key, failures=0)


def _note_wrong_password(user: StaffUser, failures: LoginFailure, now) -> None:
    failures.failures += 1
    db.session.add(failures)
    beyond = failures.failures - MAX_FAILED_LOGINS
    if beyond >= 0:
        wait = min(LOCKOUT_BASE * 2 ** min(beyond, 16), LOCKOUT_MAX)
        failures.locked_until = now + wait
        audit.record(user.id, "login.locked", commit=False, failures=failures.failures,
                     minutes=int(wait.total_seconds() // 60))
        current_app.logger.warning("account %s: %s wrong passwords from one address, "
                                   "held %s", user.id, failures.failures, wait)
    db.session.commit()


def note_login_done(user: StaffUser) -> None:
    """A full login (password and, if any, code): the failure counts start again."""
    user.failed_logins = 0
    user.totp_failures = 0
    user.locked_until = None


def note_failed_login(user: StaffUser) -> None:
    """Count a failure (a wrong password or one-time code); lock the account at the limit."""
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until = utcnow() + LOCKOUT
        user.failed_logins = 0
    db.session.commit()


def check_password_strength(password: str, username: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_short", length=MIN_PASSWORD_LENGTH)
    if len(set(password)) < 6:
        raise AccountError("password_repetitive")
    lowered = password.lower()
    name = username.strip().lower()
    if len(name) >= 3 and name in lowered:
        raise AccountError("password_has_username")
    letters = "".join(c for c in lowered if c.isalpha())
    if letters in COMMON_WORDS or lowered in COMMON_WORDS:
        raise AccountError("password_common")
    if lowered.isdigit() or _is_sequence(lowered):
        raise AccountError("password_guessable")
    # A real estimator last (zxcvbn: dictionaries, l33t, dates, repeats, keyboard
    # patterns): "P@ssw0rd2026" and "Summer2026!!" pass every rule above.
    estimate = zxcvbn(password[:100], user_inputs=[name, *COMMON_WORDS])
    if estimate["score"] < MIN_STRENGTH:
        raise AccountError("password_weak")


def _is_sequence(text: str) -> bool:
    """Keyboard or counting runs such as 123456789012 or abcdefghijkl."""
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    return steps <= {1} or steps <= {-1}


def end_all_sessions(user_id: int) -> None:
    """Log an account out on every device: sessions carry the version they started on."""
    user = db.session.get(StaffUser, user_id)
    if user is None:
        raise AccountError("account_unknown")
    user.session_version += 1
    sessions.close_all(user.id)
    audit.record(user.id, "account.logout_everywhere")


def create_user(username: str, password: str, role: str, display_name: str = "") -> StaffUser:
    if role not in Role.values():
        raise AccountError("role_unknown", roles=", ".join(Role.values()))
    username = username.strip()
    if not username:
        raise AccountError("username_empty")
    taken = db.session.execute(
        select(StaffUser.id).where(func.lower(StaffUser.username) == username.lower())
    ).first()
    if taken:
        raise AccountError("username_taken", username=username)
    check_password_strength(password, username)
    user = StaffUser(username=username, display_name=display_name or username, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def ensure_admin(password: str | None) -> tuple[StaffUser | None, str | None]:
    """Create the first admin if there is none; returns (user, generated password or None)."""
    exists = db.session.execute(select(StaffUser.id).where(StaffUser.role == Role.ADMIN)).first()
    if exists:
        return None, None
    generated = None
    if not password:
        password = generated = secrets.token_urlsafe(15)
    user = create_user("admin", password, Role.ADMIN, "Administrator")
    return user, generated
