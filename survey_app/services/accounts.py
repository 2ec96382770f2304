"""Staff accounts: authentication with lockout, creation, the first admin."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import ROLES, StaffUser, utcnow

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12


class LoginRefused(Exception):
    """Wrong credentials, a disabled account or a temporary lockout (one vague message)."""


class AccountError(ValueError):
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


def authenticate(username: str, password: str) -> StaffUser:
    user = db.session.execute(
        select(StaffUser).where(func.lower(StaffUser.username) == username.strip().lower())
    ).scalar_one_or_none()
    refusal = LoginRefused("Wrong username or password, or the account is locked for a while.")
    now = utcnow()
    if user is None or not user.active:
        raise refusal
    if user.locked_until and user.locked_until > now:
        raise refusal
    if not user.check_password(password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
        db.session.commit()
        raise refusal
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.commit()
    return user


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(set(password)) < 6:
        raise AccountError("the password is too repetitive")


def create_user(username: str, password: str, role: str, display_name: str = "") -> StaffUser:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    username = username.strip()
    if not username:
        raise AccountError("the username is empty")
    taken = db.session.execute(
        select(StaffUser.id).where(func.lower(StaffUser.username) == username.lower())
    ).first()
    if taken:
        raise AccountError(f"the username {username!r} is taken")
    check_password_strength(password)
    user = StaffUser(username=username, display_name=display_name or username, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def ensure_admin(password: str | None) -> tuple[StaffUser | None, str | None]:
    """Create the first admin if there is none; returns (user, generated password or None)."""
    exists = db.session.execute(select(StaffUser.id).where(StaffUser.role == "admin")).first()
    if exists:
        return None, None
    generated = None
    if not password:
        password = generated = secrets.token_urlsafe(15)
    user = create_user("admin", password, "admin", "Administrator")
    return user, generated
