"""Storing a citizen's answers: the one path every channel goes through.

Answers arrive already checked against the questionnaire (every channel checks
them with `services.responses.answers.validate`); this module writes their rows and
guards the two promises of the submit path:

- a transaction link is used once: the invitation is marked used by a conditional
  UPDATE in the same database transaction as the response INSERT, so of two
  simultaneous submissions exactly one wins, and no value links the two rows;
- a re-sent form (lost reply, double tap) carries the same submission id and is
  answered with success without a second row.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import Answer, Comment, Invitation, Response, SubmissionId, utcnow
from survey_app.services.questionnaires.fields import UUID_SHAPE
from survey_app.services.questionnaires.files import items_of
from survey_app.services.responses import factor_tallies
from survey_app.services.responses.answers import rows_and_comments
from survey_app.services.responses.tokens import sha256_hex
from survey_app.services.rollups import upkeep
from survey_app.vocabulary import CommentStatus

# SQLite answers "database is locked" when two writers meet despite the busy timeout
# (a read snapshot that went stale); the whole transaction is simply tried again.
ATTEMPTS = 5


class SubmissionRefused(DomainError):
    """The response cannot be stored; `reason` (used, expired, unknown) names why, for
    the citizen's page."""

    status = 410

    def __init__(self, reason: str):
        super().__init__(f"token_{reason}")
        self.reason = reason


@dataclass(frozen=True)
class Origin:
    """Where a response comes from: what it answered, at which service point, how."""

    questionnaire_version_id: int
    definition: dict
    agency_id: int
    channel: str
    language: str
    counter_id: int | None = None
    sector_id: int | None = None
    procedure_id: int | None = None
    campaign_id: int | None = None


@dataclass(frozen=True)
class Contact:
    """Contact details, given only with the citizen's explicit consent."""

    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class Extras:
    """What other channels add: who typed a paper form, which import, device repeat."""

    entered_by_id: int | None = None
    import_batch_id: int | None = None
    repeat_device: bool = False
    answered_at: datetime | None = None  # paper: the day it was filled in
    contact: Contact | None = None
    notes: dict = field(default_factory=dict)


def hour_of(moment: datetime) -> datetime:
    """Times are kept to the hour, so a response cannot be matched with a queue or a log."""
    return moment.replace(minute=0, second=0, microsecond=0)


def submit(origin: Origin, answers: dict, *, submission_id: str, token: str | None = None,
           extras: Extras | None = None) -> bool:
    """Store one web submission and commit; returns False when it was a re-sent duplicate.

    Raises SubmissionRefused("used" | "expired" | "unknown") for a transaction link
    that cannot take this response.
    """
    for attempt in range(ATTEMPTS):
        try:
            return _submit_once(origin, answers, submission_id, token, extras)
        except OperationalError:
            db.session.rollback()
            if attempt == ATTEMPTS - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")


def _submit_once(origin, answers, submission_id, token, extras) -> bool:
    # A re-sent form is found by submission_ids' primary key, not by a query before
    # every submission: the duplicate INSERT fails and we look then.
    now = utcnow()
    try:
        if token is not None:
            _redeem(token, now)
        add_response(origin, answers, submission_id=submission_id, extras=extras, now=now)
        db.session.commit()
    except IntegrityError:
        # The same submission id is stored already (a re-sent form, or a race we lost).
        db.session.rollback()
        if _already_stored(submission_id):
            return False
        raise
    except SubmissionRefused:
        db.session.rollback()
        if _already_stored(submission_id):
            return False
        raise
    return True


def is_stored(submission_id: str) -> bool:
    """Whether a form with this submission id was stored already (a re-sent form).

    The transaction-link page asks this before saying "already answered": the
    citizen whose reply was lost must see the thank-you page instead.
    """
    return _already_stored(submission_id)


def was_sent(posted_id: str) -> bool:
    """`is_stored` for an id as posted, before its form is checked: an id of another
    shape was never minted by a form, so never stored, and is not looked up (a NUL in
    it would make PostgreSQL refuse the query)."""
    return bool(UUID_SHAPE.fullmatch(posted_id)) and _already_stored(posted_id)


def _already_stored(submission_id: str) -> bool:
    return db.session.execute(
        select(SubmissionId.response_id).where(SubmissionId.submission_id == submission_id)
    ).first() is not None


def _redeem(token: str, now: datetime) -> None:
    """Mark the invitation used, or raise why it can't be; rows stay locked until commit.

    A used invitation keeps no time of use and forgets its procedure, and its issue and
    expiry times are cut to the UTC day: what is left matches every answer given at its
    counter and sector while it was open, never the one it allowed (SECURITY.md).
    """
    digest = sha256_hex(token)
    invitation = db.session.execute(
        select(Invitation.id, Invitation.used, Invitation.created_at, Invitation.expires_at)
        .where(Invitation.token_sha256 == digest)
    ).first()
    if invitation is None:
        raise SubmissionRefused("unknown")
    # an UPDATE's result is a CursorResult (the session types it as a plain Result)
    marked = cast(CursorResult, db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used.is_(False),
               Invitation.expires_at > now)
        .values(used=True, procedure_id=None, created_at=day_of(invitation.created_at),
                expires_at=day_of(invitation.expires_at) + timedelta(days=1))
        .execution_options(synchronize_session=False)
    ))
    if marked.rowcount == 1:
        return
    # Used by a concurrent submit (the UPDATE waited for it), or expired.
    raise SubmissionRefused("used" if invitation.used or invitation.expires_at > now
                            else "expired")


def day_of(moment: datetime) -> datetime:
    """The start of a moment's UTC day: what a used invitation keeps of its times."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def add_response(origin: Origin, answers: dict, *, submission_id: str | None = None,
                 extras: Extras | None = None, now: datetime | None = None) -> int:
    """Write a response with its answers, factor tallies, comments and rolled-up counts
    in the session's transaction.

    Returns the response's id; the caller commits. Plain INSERTs (the answers: one
    multi-row statement) rather than ORM objects: this is the citizen's submit path,
    and the unit of work cost more than everything else a submission does.
    """
    extras = extras or Extras()
    now = now or utcnow()
    # On the session's connection (its transaction): INSERTs have no use for the ORM's
    # execution layer.
    connection = db.session.connection()
    row = response_row(origin, answers, submission_id, extras, now)
    response_id = connection.execute(RESPONSE_INSERT, row).scalar_one()
    key = (response_id, row["submitted_hour"])  # what every child row carries
    if submission_id is not None:  # first: a re-sent form fails here, before its answers
        connection.execute(SUBMISSION_ID_INSERT, {
            "submission_id": submission_id, "response_id": response_id,
            "submitted_hour": key[1]})
    write_answers(connection, key, origin.definition, answers, extras.contact)
    factor_tallies.record(key, origin.definition, answers, connection)
    if extras.import_batch_id is None:  # an import counts its whole batch at once
        upkeep.count_one(connection, key)
    return response_id


def response_row(origin: Origin, answers: dict, submission_id: str | None, extras: Extras,
                 now: datetime) -> dict:
    """The `responses` row of one response (without its id)."""
    overall = answers.get(origin.definition["overall_item"])
    typed_in = extras.entered_by_id is not None or extras.import_batch_id is not None
    return {
        "questionnaire_version_id": origin.questionnaire_version_id,
        "campaign_id": origin.campaign_id,
        "agency_id": origin.agency_id,
        "counter_id": origin.counter_id,
        "sector_id": origin.sector_id,
        "procedure_id": origin.procedure_id,
        "channel": origin.channel,
        "language": origin.language,
        "submitted_hour": hour_of(extras.answered_at or now),
        "overall_score": overall if isinstance(overall, int) else None,
        "submission_id": submission_id,
        "repeat_device": extras.repeat_device,
        "entered_by_id": extras.entered_by_id,
        "entered_at": now if typed_in else None,
        "import_batch_id": extras.import_batch_id,
    }


def write_answers(connection, key: tuple[int, datetime], definition: dict, answers: dict,
                  contact: Contact | None = None) -> None:
    """Insert the answer rows and comments of `answers` for the response `key` (its id
    and submitted_hour); its tally is the caller's: services.responses.details adds
    answers to a stored response."""
    rows, comments = answer_rows(key, definition, answers, contact)
    if rows:
        connection.execute(ANSWER_INSERT, rows)
    if comments:
        connection.execute(COMMENT_INSERT, comments)


def answer_rows(key: tuple[int, datetime], definition: dict, answers: dict,
                contact: Contact | None = None) -> tuple[list[dict], list[dict]]:
    """The `answers` and `comments` rows that `answers` write for the response `key`
    (its id and submitted_hour, which every child row carries: the partition key of
    answers on PostgreSQL)."""
    parent = {"response_id": key[0], "submitted_hour": key[1]}
    rows, comments = rows_and_comments(items_of(definition), answers)
    comments = [{**parent, "status": CommentStatus.NEW, "tags": [], **comment, **NO_CONTACT}
                for comment in comments]
    if contact and comments:  # the contact goes with the first comment only
        comments[0].update(
            contact_consent=True, contact_name=contact.name or None,
            contact_phone=contact.phone or None, contact_email=contact.email or None)
    return [{**parent, **row} for row in rows], comments


# Table-level statements: the ORM's bulk-insert layer costs more than the INSERTs.
RESPONSE_INSERT = insert(Response.__table__).returning(Response.__table__.c.id)
ANSWER_INSERT = insert(Answer.__table__)
COMMENT_INSERT = insert(Comment.__table__)
SUBMISSION_ID_INSERT = insert(SubmissionId.__table__)
NO_CONTACT = {"contact_consent": False, "contact_name": None, "contact_phone": None,
              "contact_email": None}
