"""Managing staff accounts and their scopes (admin pages and `flask users …`).

Scope rules, checked before anything is written:

- admin: no scope rows (an admin reads everything);
- agency: exactly one agency row (the agency and its sub-units), no sector rows;
- analyst, viewer: at least one sector or agency row.

Disabling an account bumps its session version, so its open sessions end at once;
the last active admin cannot be disabled (nobody could manage accounts then).
Every change is audited (`users.create`, `users.scope`, `users.active`) with its old
and new values and the acting admin (None from the command line).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from survey_app import formatting
from survey_app.extensions import db
from survey_app.models import Agency, Sector, StaffScope, StaffUser
from survey_app.services.access import audit
from survey_app.services.access.accounts import AccountError, create_user
from survey_app.services.access.scope import ScopeError, ids_by_code
from survey_app.vocabulary import Role


@dataclass
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    sectors: list[dict]
    agencies: list[dict]
    last_login_at: object


def check_scope(role: str, sector_ids: set[int], agency_ids: set[int]) -> None:
    """Raise AccountError when the grants do not fit the role (see module docstring)."""
    if role not in Role.values():
        raise AccountError("role_unknown", roles=", ".join(Role.values()))
    if role == Role.ADMIN and (sector_ids or agency_ids):
        raise AccountError("admin_scoped")
    if role == Role.AGENCY and (sector_ids or len(agency_ids) != 1):
        raise AccountError("agency_scope")
    if role in (Role.ANALYST, Role.VIEWER) and not (sector_ids or agency_ids):
        raise AccountError("scope_empty")
    known_sectors = set(db.session.execute(
        select(Sector.id).where(Sector.id.in_(sector_ids))).scalars()) if sector_ids else set()
    known_agencies = set(db.session.execute(
        select(Agency.id).where(Agency.id.in_(agency_ids))).scalars()) if agency_ids else set()
    if known_sectors != set(sector_ids) or known_agencies != set(agency_ids):
        raise AccountError("scope_unknown")


def ids_from_codes(sector_codes, agency_codes) -> tuple[set[int], set[int]]:
    """Sector and agency ids by code; AccountError naming unknown codes."""
    try:
        return (ids_by_code(Sector, list(sector_codes), "sector"),
                ids_by_code(Agency, list(agency_codes), "agency"))
    except ScopeError as error:
        raise AccountError(error.code, **error.params) from None


def find_user(username: str) -> StaffUser:
    user = db.session.execute(
        select(StaffUser).where(func.lower(StaffUser.username) == username.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        raise AccountError("username_unknown", name=username)
    return user


def create_with_scope(username: str, role: str, sector_ids=(), agency_ids=(),
                      password: str | None = None,
                      display_name: str = "",
                      actor_id: int | None = None) -> tuple[StaffUser, str | None]:
    """Create an account with its grants; returns (user, generated password or None).

    Without a password one is generated (to be shown once, never stored in clear).
    """
    sector_ids, agency_ids = set(sector_ids), set(agency_ids)
    check_scope(role, sector_ids, agency_ids)
    generated = None
    if not password:
        password = generated = secrets.token_urlsafe(15)
    user = create_user(username, password, role, display_name)
    _replace_scope(user, sector_ids, agency_ids)
    db.session.flush()
    audit.record(actor_id, "users.create", commit=False, account=user.id,
                 new=_grants(role, sector_ids, agency_ids))
    db.session.commit()
    return user, generated


def _replace_scope(user: StaffUser, sector_ids: set[int], agency_ids: set[int]) -> None:
    user.scopes.clear()
    for sector_id in sorted(sector_ids):
        user.scopes.append(StaffScope(sector_id=sector_id))
    for agency_id in sorted(agency_ids):
        user.scopes.append(StaffScope(agency_id=agency_id))


def _grants(role: str, sector_ids, agency_ids) -> dict:
    return {"role": role, "sectors": sorted(sector_ids), "agencies": sorted(agency_ids)}


def _current_grants(user: StaffUser) -> dict:
    return _grants(user.role, {s.sector_id for s in user.scopes if s.sector_id is not None},
                   {s.agency_id for s in user.scopes if s.agency_id is not None})


def set_scope(user: StaffUser, sector_ids=(), agency_ids=(), role: str | None = None,
              actor_id: int | None = None) -> None:
    """Replace the user's grants (and role, if given); their sessions restart."""
    old = _current_grants(user)
    role = role or user.role
    sector_ids, agency_ids = set(sector_ids), set(agency_ids)
    check_scope(role, sector_ids, agency_ids)
    if user.role == Role.ADMIN and role != Role.ADMIN:
        _keep_one_admin(user)
    user.role = role
    _replace_scope(user, sector_ids, agency_ids)
    # A narrower scope must apply now, not at the next login.
    user.session_version += 1
    audit.record(actor_id, "users.scope", commit=False, account=user.id, old=old,
                 new=_grants(role, sector_ids, agency_ids))
    db.session.commit()


def _keep_one_admin(user: StaffUser) -> None:
    others = db.session.execute(
        select(func.count()).select_from(StaffUser).where(
            StaffUser.role == Role.ADMIN, StaffUser.active.is_(True), StaffUser.id != user.id)
    ).scalar()
    if not others:
        raise AccountError("last_admin")


def set_active(user: StaffUser, active: bool, actor_id: int | None = None) -> None:
    """Disable (ending its sessions) or re-enable an account."""
    if not active and user.role == Role.ADMIN and user.active:
        _keep_one_admin(user)
    if user.active and not active:
        user.session_version += 1
    audit.record(actor_id, "users.active", commit=False, account=user.id, old=user.active,
                 new=active)
    user.active = active
    db.session.commit()


def list_users() -> list[UserRow]:
    """Every account, people in the page language's order of their names (`person_key`)."""
    users = formatting.sort_people(
        db.session.execute(select(StaffUser).order_by(StaffUser.username)).scalars(),
        lambda user: user.display_name or user.username)
    rows = []
    for user in users:
        sectors = [{"vi": s.sector.name_vi, "en": s.sector.name_en, "code": s.sector.code}
                   for s in user.scopes if s.sector_id is not None]
        agencies = [{"vi": s.agency.name_vi, "en": s.agency.name_en, "code": s.agency.code}
                    for s in user.scopes if s.agency_id is not None]
        rows.append(UserRow(user.id, user.username, user.display_name, user.role, user.active,
                            sectors, agencies, user.last_login_at))
    return rows
