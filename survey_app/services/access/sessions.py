"""Staff sessions kept on the server, so that logging out ends them.

The session cookie is signed but lives in the browser: clearing it at logout does
nothing to a copy. At login `open_session` stores the SHA-256 of a random key and
the cookie carries the key; every request checks the row is there (`is_live`);
logging out deletes it (`close`), "log out everywhere" deletes them all.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from survey_app.extensions import db
from survey_app.models import StaffSession, utcnow
from survey_app.services.responses.tokens import new_token, sha256_hex


def open_session(user_id: int, lifetime: timedelta) -> str:
    """A new live session of the account; returns the key for the cookie (the caller
    commits). The account's sessions past their lifetime are dropped on the way."""
    now = utcnow()
    db.session.execute(delete(StaffSession).where(StaffSession.user_id == user_id,
                                                  StaffSession.started_at < now - lifetime))
    key = new_token()
    db.session.add(StaffSession(user_id=user_id, key_sha256=sha256_hex(key), started_at=now))
    return key


def is_live(user_id: int, key: object) -> bool:
    if not isinstance(key, str) or not key:
        return False
    return db.session.execute(
        select(StaffSession.id).where(StaffSession.user_id == user_id,
                                      StaffSession.key_sha256 == sha256_hex(key))
    ).first() is not None


def close(key: object) -> None:
    """End one session (commits)."""
    if isinstance(key, str) and key:
        db.session.execute(delete(StaffSession).where(StaffSession.key_sha256 == sha256_hex(key)))
        db.session.commit()


def close_all(user_id: int) -> None:
    """End every session of the account (the caller commits)."""
    db.session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
