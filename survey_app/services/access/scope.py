"""What a staff user may read: the ONE place that turns a user into query conditions.

Every query of responses, answers, comments, counters, campaigns and every export
goes through a `Scope`, so that no page, chart, report or CLI command can forget it.

- admin: everything.
- analyst, viewer: the union of their StaffScope rows. A sector row grants the
  responses in that sector (at any agency); an agency row grants the responses of
  that agency and of all its sub-units (the agency tree, walked downwards).
- agency: one agency and its sub-units (its single StaffScope agency row).
- a user with no rows (other than admin) reads nothing: access is granted, never assumed.

Comments are personal data (free text, and contact details when the citizen
consented). Viewers read aggregates only and never comments; analysts, agency
users and admins read the comments in their scope. A comment is in scope when its
response is, or when it was assigned to an agency in scope (assigning a comment
to an agency is how it is handed over for follow-up).

    scope = Scope.for_user(current_user)
    select(func.count()).select_from(Response).where(scope.responses_filter())
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, false, or_, select, true

from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import Agency, Campaign, Comment, Counter, Response, Sector, StaffUser
from survey_app.vocabulary import Role

COMMENT_ROLES = frozenset({Role.ADMIN, Role.ANALYST, Role.AGENCY})
EDIT_ROLES = frozenset({Role.ADMIN, Role.ANALYST, Role.AGENCY})


class ScopeError(DomainError):
    """A scope asked for by code names a sector or agency that does not exist."""


def agency_subtree(agency_ids: Iterable[int]) -> frozenset[int]:
    """The agencies and all their descendants.

    The tree is read whole (one narrow query of id, parent_id: a province has a few
    hundred agencies, a country tens of thousands) and walked in Python, which works
    the same on SQLite and PostgreSQL.
    """
    roots = set(agency_ids)
    if not roots:
        return frozenset()
    children: dict[int, list[int]] = {}
    for agency_id, parent_id in db.session.execute(select(Agency.id, Agency.parent_id)):
        if parent_id is not None:
            children.setdefault(parent_id, []).append(agency_id)
    found, stack = set(), list(roots)
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, ()))
    return frozenset(found)


@dataclass(frozen=True)
class Scope:
    """The sectors and agencies a reader may see, and what they may do with comments.

    `agency_ids` is already expanded to sub-units. Build one with `for_user`,
    `everything` (CLI, public aggregates) or `from_codes` (a CLI report narrowed
    to some sectors/agencies).
    """

    everything: bool = False
    sector_ids: frozenset[int] = field(default_factory=frozenset)
    agency_ids: frozenset[int] = field(default_factory=frozenset)
    allows_comments: bool = False
    allows_editing: bool = False
    # The agencies granted directly (before expansion), e.g. for the agency role's label.
    root_agency_ids: frozenset[int] = field(default_factory=frozenset)

    # --- construction ---------------------------------------------------------------

    @classmethod
    def for_user(cls, user: StaffUser) -> Scope:
        if user is None or not user.is_active:
            return cls()
        if user.role == Role.ADMIN:
            return cls.all_data(allows_comments=True, allows_editing=True)
        sectors = {row.sector_id for row in user.scopes if row.sector_id is not None}
        agencies = {row.agency_id for row in user.scopes if row.agency_id is not None}
        if user.role == Role.AGENCY:
            # One agency and its sub-units; sector rows do not apply to this role.
            sectors = set()
            agencies = set(sorted(agencies)[:1])
        return cls(
            sector_ids=frozenset(sectors),
            agency_ids=agency_subtree(agencies),
            allows_comments=user.role in COMMENT_ROLES,
            allows_editing=user.role in EDIT_ROLES,
            root_agency_ids=frozenset(agencies),
        )

    @classmethod
    def all_data(cls, allows_comments: bool = True, allows_editing: bool = False) -> Scope:
        return cls(everything=True, allows_comments=allows_comments,
                   allows_editing=allows_editing)

    @classmethod
    def from_codes(cls, sector_codes: Iterable[str] = (), agency_codes: Iterable[str] = (),
                   allows_comments: bool = True) -> Scope:
        """A scope narrowed to sectors/agencies by code (no codes: everything)."""
        sector_codes, agency_codes = list(sector_codes), list(agency_codes)
        if not sector_codes and not agency_codes:
            return cls.all_data(allows_comments=allows_comments)
        sectors = ids_by_code(Sector, sector_codes, "sector")
        agencies = ids_by_code(Agency, agency_codes, "agency")
        return cls(sector_ids=frozenset(sectors), agency_ids=agency_subtree(agencies),
                   allows_comments=allows_comments, root_agency_ids=frozenset(agencies))

    # --- questions ------------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.sector_ids and not self.agency_ids

    def allows_agency(self, agency_id: int | None) -> bool:
        """Whole-agency access: the agency is in the granted tree (sector grants don't count)."""
        return self.everything or agency_id in self.agency_ids

    def allows_sector(self, sector_id: int | None) -> bool:
        return self.everything or sector_id in self.sector_ids

    def allows_response(self, agency_id: int, sector_id: int | None) -> bool:
        return self.allows_agency(agency_id) or self.allows_sector(sector_id)

    def touches_agency(self, agency_id: int) -> bool:
        """Whether any of the agency's data may be in scope (for pickers and drill-downs)."""
        return self.everything or bool(self.sector_ids) or agency_id in self.agency_ids

    # --- query conditions -----------------------------------------------------------

    def responses_filter(self, response=Response) -> ColumnElement[bool]:
        """Condition on `responses` (pass an alias if the query uses one)."""
        if self.everything:
            return true()
        conditions = []
        if self.sector_ids:
            conditions.append(response.sector_id.in_(sorted(self.sector_ids)))
        if self.agency_ids:
            conditions.append(response.agency_id.in_(sorted(self.agency_ids)))
        return or_(*conditions) if conditions else false()

    def comments_filter(self) -> ColumnElement[bool]:
        """Condition on `comments` joined to their `responses`; false for viewers."""
        if not self.allows_comments:
            return false()
        if self.everything:
            return true()
        assigned = (
            Comment.assigned_agency_id.in_(sorted(self.agency_ids))
            if self.agency_ids else false()
        )
        return or_(self.responses_filter(), assigned)

    def counters_filter(self) -> ColumnElement[bool]:
        """Counters of agencies in scope (sector grants read counters through responses)."""
        if self.everything:
            return true()
        if not self.agency_ids:
            return false()
        return Counter.agency_id.in_(sorted(self.agency_ids))

    def agencies_filter(self) -> ColumnElement[bool]:
        if self.everything:
            return true()
        if not self.agency_ids:
            return false()
        return Agency.id.in_(sorted(self.agency_ids))

    def sectors_filter(self) -> ColumnElement[bool]:
        if self.everything:
            return true()
        if not self.sector_ids:
            return false()
        return Sector.id.in_(sorted(self.sector_ids))

    def campaigns_filter(self) -> ColumnElement[bool]:
        """Campaigns of a sector in scope or owned by an agency in scope."""
        if self.everything:
            return true()
        conditions = []
        if self.sector_ids:
            conditions.append(Campaign.sector_id.in_(sorted(self.sector_ids)))
        if self.agency_ids:
            conditions.append(Campaign.owner_agency_id.in_(sorted(self.agency_ids)))
        return or_(*conditions) if conditions else false()

    def describe(self) -> dict:
        """Plain data for audit-log rows: what the reader could see."""
        if self.everything:
            return {"scope": "all"}
        return {"sectors": sorted(self.sector_ids), "agencies": sorted(self.root_agency_ids)}


def ids_by_code(model, codes: list[str], kind: str) -> set[int]:
    if not codes:
        return set()
    query = select(model.code, model.id).where(model.code.in_(codes))
    found: dict[str, int] = {code: id_ for code, id_ in db.session.execute(query)}
    unknown = sorted(set(codes) - set(found))
    if unknown:
        raise ScopeError(f"{kind}_codes_unknown", codes=", ".join(unknown))
    return set(found.values())
