"""Single-use transaction invitations: issued to one-stop systems, looked up by the forms.

`issue` checks that the counter belongs to the key's agency (or one of its sub-units)
and serves the sector, and stores only the token's hash and the dossier reference's
keyed hash (`tokens.dossier_hmac`). `find_open` tells the citizen's form whether a
token is unknown, expired, used or good. Redeeming it (marking it used and storing
the response in one transaction) belongs to the form, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, text, update

from survey_app.config import server_key
from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import Agency, ApiKey, Counter, Invitation, Procedure, Sector, utcnow
from survey_app.services.printing import qr
from survey_app.services.responses.tokens import dossier_hmac, new_token, sha256_hex

MAX_DOSSIER_LENGTH = 200
MAX_TTL_DAYS = 366
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


class InvitationError(DomainError):
    """An invitation cannot be issued as asked; each subclass has its code (the API's)."""

    code = "invalid_invitation"
    status = 422

    def __init__(self, **params):
        super().__init__(type(self).code, **params)


class UnknownInvitationCounter(InvitationError):
    code = "unknown_counter"


class InactiveCounter(InvitationError):
    code = "inactive_counter"


class CounterOfAnotherAgency(InvitationError):
    code = "counter_of_another_agency"


class UnknownSector(InvitationError):
    code = "unknown_sector"


class UnknownProcedure(InvitationError):
    code = "unknown_procedure"


class SectorNotServed(InvitationError):
    code = "sector_not_served"


class SectorRequired(InvitationError):
    code = "sector_required"


class ProcedureOfAnotherSector(InvitationError):
    code = "procedure_of_another_sector"


class DossierAnswered(InvitationError):
    code = "dossier_answered"


class BadDossier(InvitationError):
    code = "bad_dossier"


class BadTtl(InvitationError):
    code = "bad_ttl"


class TokenProblem(DomainError):
    """Why a token cannot open a survey (the form shows a page for each); `counter_code`
    is the invitation's counter, when there is one, for a link to its open survey."""

    code = "token_unknown"
    status = 404

    def __init__(self, counter_code: str | None = None):
        super().__init__(type(self).code)
        self.counter_code = counter_code


class UnknownToken(TokenProblem):
    pass


class ExpiredToken(TokenProblem):
    code = "token_expired"
    status = 410


class ReplacedToken(ExpiredToken):
    """Expired because a newer link was issued for the same dossier."""

    code = "token_replaced"


class UsedToken(TokenProblem):
    code = "token_used"
    status = 410


@dataclass(frozen=True)
class Issued:
    token: str
    url: str
    expires_at: datetime


def issue(api_key: ApiKey, counter_code: str, sector_code: str | None = None,
          procedure_code: str | None = None, dossier: str | None = None,
          ttl_days: int | None = None) -> Issued:
    """A new invitation; the token is returned here once and only its hash is stored.

    A dossier reference is stored as its hash so a repeated request can be
    recognised: an open invitation for the same dossier (a reply the one-stop
    system lost) is superseded by the new one, and a dossier whose survey was
    already answered gets no second one.
    """
    if ttl_days is None:
        ttl_days = current_app.config["INVITATION_TTL_DAYS"]
    if not 1 <= ttl_days <= MAX_TTL_DAYS:
        raise BadTtl(n=MAX_TTL_DAYS)
    counter = _counter_of(api_key, counter_code)
    sector, procedure = _sector_and_procedure(counter, sector_code, procedure_code)
    dossier_hash = _dossier_hash(dossier)
    now = utcnow()
    if dossier_hash:
        _supersede(api_key, dossier_hash, now)
    token = new_token()
    invitation = Invitation(
        token_sha256=sha256_hex(token), counter=counter, sector=sector, procedure=procedure,
        dossier_hmac=dossier_hash, api_key_id=api_key.id, created_at=now,
        expires_at=now + timedelta(days=ttl_days),
    )
    db.session.add(invitation)
    db.session.commit()
    url = qr.invitation_url(current_app.config["PUBLIC_BASE_URL"], token)
    return Issued(token=token, url=url, expires_at=invitation.expires_at)


def find_open(token: str) -> Invitation:
    """The invitation a token opens, or UnknownToken / ExpiredToken / UsedToken."""
    if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
        raise UnknownToken()
    invitation = db.session.execute(
        select(Invitation).where(Invitation.token_sha256 == sha256_hex(token))
    ).scalar_one_or_none()
    if invitation is None:
        raise UnknownToken()
    counter_code = invitation.counter.code
    if invitation.used:
        raise UsedToken(counter_code)
    if invitation.expires_at <= utcnow():
        if _replaced(invitation):
            raise ReplacedToken(counter_code)
        raise ExpiredToken(counter_code)
    return invitation


def _replaced(invitation: Invitation) -> bool:
    """Whether a later link was issued for the same dossier (`_supersede` expired this)."""
    if invitation.dossier_hmac is None:
        return False
    agency = select(ApiKey.agency_id).where(ApiKey.id == invitation.api_key_id)
    return db.session.execute(
        select(Invitation.id).join(ApiKey, Invitation.api_key_id == ApiKey.id).where(
            Invitation.dossier_hmac == invitation.dossier_hmac,
            Invitation.id > invitation.id, ApiKey.agency_id == agency.scalar_subquery(),
        ).limit(1)
    ).first() is not None


def find_for_key(api_key: ApiKey, token: str) -> Invitation | None:
    """An invitation issued by a key of the same agency (for its QR images), else None."""
    if not TOKEN_SHAPE.fullmatch(token or ""):
        return None
    return db.session.execute(
        select(Invitation)
        .join(ApiKey, Invitation.api_key_id == ApiKey.id)
        .where(Invitation.token_sha256 == sha256_hex(token),
               ApiKey.agency_id == api_key.agency_id)
    ).scalar_one_or_none()


def _counter_of(api_key: ApiKey, counter_code: str) -> Counter:
    counter = db.session.execute(
        select(Counter).where(Counter.code == counter_code)
    ).scalar_one_or_none()
    if counter is None:
        raise UnknownInvitationCounter(counter=counter_code)
    if api_key.agency_id not in _agency_and_ancestors(counter.agency_id):
        raise CounterOfAnotherAgency(counter=counter_code)
    if not counter.active:
        raise InactiveCounter(counter=counter_code)
    return counter


def _agency_and_ancestors(agency_id: int) -> set[int]:
    seen: set[int] = set()
    current: int | None = agency_id
    while current is not None and current not in seen:  # `seen` guards against a cycle
        seen.add(current)
        current = db.session.execute(
            select(Agency.parent_id).where(Agency.id == current)
        ).scalar_one_or_none()
    return seen


def _sector_and_procedure(counter: Counter, sector_code, procedure_code):
    served = {sector.code: sector for sector in counter.sectors}
    procedure = _by_code(Procedure, procedure_code, UnknownProcedure)
    sector = _by_code(Sector, sector_code, UnknownSector)
    if procedure is not None and procedure.sector is not None:
        if sector is not None and sector.id != procedure.sector.id:
            raise ProcedureOfAnotherSector(procedure=procedure.code,
                                           its_sector=procedure.sector.code, sector=sector.code)
        sector = procedure.sector  # a procedure implies its sector
    if sector is None:
        if len(served) != 1:
            raise SectorRequired(counter=counter.code)
        sector = next(iter(served.values()))
    if sector.code not in served:
        raise SectorNotServed(counter=counter.code, sector=sector.code)
    return sector, procedure


def _by_code(model, code: str | None, unknown: type[InvitationError]):
    """The row with this code; None when no code was given; `unknown` when none has it."""
    if code is None:
        return None
    row = db.session.execute(select(model).where(model.code == code)).scalar_one_or_none()
    if row is None:
        raise unknown(code=code)
    return row


def _dossier_hash(dossier: str | None) -> str | None:
    if dossier is None:
        return None
    dossier = dossier.strip()
    if not dossier or len(dossier) > MAX_DOSSIER_LENGTH:
        raise BadDossier(n=MAX_DOSSIER_LENGTH)
    return dossier_hmac(dossier, server_key(current_app.config, "DOSSIER_HASH_KEY"))


def _supersede(api_key: ApiKey, dossier_hash: str, now: datetime) -> None:
    """Expire the dossier's open link, or refuse when its survey was answered.

    Safe against concurrency: two requests for one dossier are taken one after the
    other (`_one_at_a_time`), and the answered check comes after the UPDATE, which
    waits for a citizen's redemption of the same row and so sees it.
    """
    _one_at_a_time(api_key.agency_id, dossier_hash)
    same_agency_keys = select(ApiKey.id).where(ApiKey.agency_id == api_key.agency_id)
    earlier = Invitation.dossier_hmac == dossier_hash, Invitation.api_key_id.in_(
        same_agency_keys
    )
    # The earlier link stops working ("expired"), so one dossier gets at most one answer.
    db.session.execute(
        update(Invitation)
        .where(*earlier, Invitation.used.is_(False), Invitation.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    answered = db.session.execute(
        select(Invitation.id).where(*earlier, Invitation.used.is_(True)).limit(1)
    ).first()
    if answered:
        db.session.rollback()
        raise DossierAnswered()


def _one_at_a_time(agency_id: int, dossier_hash: str) -> None:
    """Hold a lock on (agency, dossier) until the transaction ends.

    On PostgreSQL two requests for one dossier would otherwise both find no open link
    to expire (neither sees the other's uncommitted row) and both insert one. SQLite
    has one writer at a time: the UPDATE that follows waits for the other's commit.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        key = int(dossier_hash[:8], 16) - 2**31  # the lock's second int4
        db.session.execute(text("SELECT pg_advisory_xact_lock(:agency, :dossier)"),
                           {"agency": agency_id, "dossier": key})
