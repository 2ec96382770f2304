"""The optional second page: the criteria, added to a response already stored.

A survey's first page holds the items its questionnaire lists in `first_page` (the
overall question and a comment; a kiosk's first page is its five faces, the overall
item alone). Sending it stores a response at once: most people stop there. The
thank-you page then offers the other items, and what comes back is added to that
same response, never stored as a second one.

Single use without a new column: the response's submission id (its row in
`submission_ids`, and the copy on the response) is moved from the first page's id to
the second page's by a conditional UPDATE, in the transaction that inserts the new
answers. Of two sends of one second page, one moves it; the other finds its own id
stored (a re-sent form: success) or the first id gone (used).
Who may add to a response, and for how long, is the web layer's grant
(survey_app/public/follow_up.py): a cookie bound to the browser that sent the first
page, with a short lifetime.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.exc import IntegrityError

from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import (
    Answer,
    QuestionnaireVersion,
    Response,
    SubmissionId,
    response_factors,
)
from survey_app.services.questionnaires.files import items_of
from survey_app.services.responses import factor_tallies
from survey_app.services.responses.submissions import Contact, is_stored, write_answers
from survey_app.services.rollups import upkeep


class DetailsGone(DomainError):
    """The first response is gone or already has its second page."""

    status = 410

    def __init__(self, first_submission_id: str = ""):
        super().__init__("details_gone")
        self.first_submission_id = first_submission_id


@dataclass(frozen=True)
class Stored:
    """The first page's response, as the second page needs it."""

    response_id: int
    submitted_hour: datetime
    definition: dict
    channel: str

    @property
    def key(self) -> tuple[int, datetime]:
        return self.response_id, self.submitted_hour


def first_page_ids(definition: dict, channel: str) -> list[str]:
    """The items of the first page: the kiosk's faces, or the questionnaire's
    `first_page` (all items when it names none: then there is no second page)."""
    if channel == "kiosk":
        return [definition["overall_item"]]
    return list(definition.get("first_page") or items_of(definition))


def second_page_ids(definition: dict, channel: str) -> list[str]:
    first = set(first_page_ids(definition, channel))
    return [item for item in items_of(definition) if item not in first]


def page_definition(definition: dict, ids: list[str]) -> dict:
    """`definition` reduced to the items `ids` (same labels, scale and validation)."""
    keep = set(ids)
    sections = []
    for section in definition["sections"]:
        items = [item for item in section["items"] if item["id"] in keep]
        if items:
            sections.append({**section, "items": items})
    return {**definition, "sections": sections}


def find(first_submission_id: str) -> Stored:
    """The response a second page would extend; DetailsGone when there is none."""
    row = db.session.execute(
        select(Response.id, Response.submitted_hour, Response.channel,
               QuestionnaireVersion.definition)
        .select_from(SubmissionId)
        .join(Response, (Response.id == SubmissionId.response_id)
              & (Response.submitted_hour == SubmissionId.submitted_hour))
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Response.questionnaire_version_id)
        .where(SubmissionId.submission_id == first_submission_id)
    ).first()
    if row is None:
        raise DetailsGone(first_submission_id)
    return Stored(row.id, row.submitted_hour, row.definition, row.channel)


def add(first_submission_id: str, answers: dict, *, submission_id: str,
        contact: Contact | None = None) -> bool:
    """Add the second page's `answers` to the first page's response and commit.

    Returns False for a re-sent second page (stored already); raises DetailsGone when
    the first response is gone or has its second page already.
    """
    if is_stored(submission_id):
        return False
    stored = find(first_submission_id)
    try:
        # an UPDATE's result is a CursorResult (the session types it as a plain Result)
        moved = cast(CursorResult, db.session.execute(
            update(SubmissionId)
            .where(SubmissionId.submission_id == first_submission_id,
                   SubmissionId.response_id == stored.response_id)
            .values(submission_id=submission_id)
            .execution_options(synchronize_session=False)
        )).rowcount
        if moved != 1:
            raise DetailsGone(first_submission_id)
        db.session.execute(
            update(Response)
            .where(Response.id == stored.response_id,
                   Response.submitted_hour == stored.submitted_hour)
            .values(submission_id=submission_id)
            .execution_options(synchronize_session=False))
        connection = db.session.connection()
        write_answers(connection, stored.key, stored.definition, answers, contact)
        _retally(connection, stored, answers)
        db.session.commit()
    except (IntegrityError, DetailsGone):
        db.session.rollback()
        if is_stored(submission_id):  # the same second page won a race with itself
            return False
        raise DetailsGone(first_submission_id) from None
    return True


def _retally(connection, stored: Stored, answers: dict) -> None:
    """The response's factor tally (and so its cell) over both pages' scored answers."""
    scores = dict(connection.execute(
        select(Answer.item_code, Answer.score)
        .where(Answer.response_id == stored.response_id,
               Answer.submitted_hour == stored.submitted_hour, Answer.score.is_not(None))
    ).all())
    upkeep.uncount_one(connection, stored.key)
    connection.execute(
        delete(response_factors).where(response_factors.c.response_id == stored.response_id,
                                       response_factors.c.submitted_hour == stored.submitted_hour))
    factor_tallies.record(stored.key, stored.definition, {**answers, **scores},
                          connection)
    upkeep.count_one(connection, stored.key)
