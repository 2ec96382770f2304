"""The kiosk's rule against double counting: one person, one response.

A tap on a face stores a response at once (channel `kiosk`, the overall item only):
most people stop there, and the tablet must be ready for the next person. The
thank-you screen offers "tell us more"; its link carries a signed ticket naming the
face's submission id and score, valid for FOLLOW_UP_SECONDS. When the full form
comes back, the face's response is deleted and the full one inserted in the same
transaction (a conditional DELETE: of two follow-ups of one face, one wins), so the
person is counted once whether or not they tell us more. A re-sent follow-up
(lost reply) carries its own submission id and is answered with success.

The ticket is signed with SECRET_KEY, so a forged or altered one is refused; it
lets only the kiosk that showed the face extend that one response, for a short while.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from survey_app.extensions import db
from survey_app.models import Response
from survey_app.services.responses.submissions import Extras, Origin, add_response, is_stored

# Time to read the thank-you screen, tap "tell us more" and fill in the full form.
FOLLOW_UP_SECONDS = 15 * 60
SALT = "kiosk-follow-up"


class TicketRefused(ValueError):
    """The ticket is forged, altered or too old (`expired` says which)."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


class FollowUpGone(LookupError):
    """The face's response was already replaced by another follow-up."""


@dataclass(frozen=True)
class Ticket:
    """What the kiosk's thank-you screen knows: where it was, and the face tapped."""

    counter_code: str
    sector_code: str | None
    submission_id: str | None  # None once the follow-up is stored: nothing more to add
    score: int | None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_ticket(ticket: Ticket) -> str:
    return _serializer().dumps(
        [ticket.counter_code, ticket.sector_code, ticket.submission_id, ticket.score]
    )


def read_ticket(text: str) -> Ticket:
    try:
        counter, sector, submission_id, score = _serializer().loads(
            text, max_age=FOLLOW_UP_SECONDS
        )
    except SignatureExpired as error:
        raise TicketRefused(expired=True) from error
    except (BadSignature, ValueError, TypeError) as error:
        raise TicketRefused(expired=False) from error
    return Ticket(counter, sector, submission_id, score)


def replace_face(origin: Origin, answers: dict, *, face_submission_id: str,
                 submission_id: str, extras: Extras | None = None) -> bool:
    """Swap the face's response for the full one; False when this form was stored already.

    Raises FollowUpGone when the face's response is no longer there to replace.
    """
    if is_stored(submission_id):
        return False
    try:
        removed = db.session.execute(
            delete(Response)
            .where(Response.submission_id == face_submission_id,
                   Response.channel == "kiosk",
                   Response.counter_id == origin.counter_id)
            .execution_options(synchronize_session=False)
        ).rowcount
        if removed != 1:
            raise FollowUpGone("the face's response was already replaced")
        add_response(origin, answers, submission_id=submission_id, extras=extras)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if is_stored(submission_id):  # the same follow-up won a race with itself
            return False
        raise
    except FollowUpGone:
        db.session.rollback()
        if is_stored(submission_id):
            return False
        raise
    return True
