"""Seed responses straight into the models, for reporting and access tests.

Works on the real reference data and questionnaires (fixture `reference_data`).
Nothing here computes a rate: tests count what they seeded independently.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from support import PROJECT
from survey_app.extensions import db
from survey_app.models import (
    Agency,
    Answer,
    Comment,
    Counter,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Sector,
)
from survey_app.services.responses import factor_tallies
from survey_app.services.rollups import upkeep


def load_reference(app, runner) -> None:
    """Load the real reference data and questionnaires without holding an app context.

    Tests that send requests should not keep an app context open while they do: Flask
    would reuse it for each request, and `g` (where Flask-WTF caches the CSRF token)
    with it, so the token would never reach the session.
    """
    with app.app_context():
        for group in ("reference", "questionnaires"):
            result = runner.invoke(args=[group, "load", str(PROJECT / group)])
            assert result.exit_code == 0, (result.output, repr(result.exception))


def by_code(model, code):
    return db.session.execute(select(model).where(model.code == code)).scalar_one()


def version_of(kind: str) -> QuestionnaireVersion:
    return db.session.execute(
        select(QuestionnaireVersion).join(Questionnaire).where(Questionnaire.kind == kind)
        .order_by(QuestionnaireVersion.id.desc()).limit(1)
    ).scalar_one()


def add_responses(count: int, *, scores, agency: str, sector: str | None = None,
                  counter: str | None = None, kind: str = "administrative",
                  channel: str = "counter", at: datetime = datetime(2025, 8, 1, 3, tzinfo=UTC),
                  answers: dict | None = None, repeat_device: bool = False,
                  comments: list[str] | None = None,
                  campaign_id: int | None = None) -> list[Response]:
    """`count` responses; `scores` is one overall score (or None) or a list cycled over.

    Written as the app writes them, rolled-up cells included: set every field here (a
    campaign too), not on the returned rows, or the cells no longer match the rows.

    `answers` maps item codes to a score (or a list cycled over, or None for not used).
    `comments[i]` (if given) becomes the comment of the i-th response.
    """
    version = version_of(kind)
    agency_row = by_code(Agency, agency)
    sector_row = by_code(Sector, sector) if sector else None
    counter_row = by_code(Counter, counter) if counter else None
    scores = scores if isinstance(scores, list) else [scores]
    rows, given = [], []
    for i in range(count):
        response = Response(
            questionnaire_version_id=version.id, agency_id=agency_row.id,
            counter_id=counter_row.id if counter_row else None,
            sector_id=sector_row.id if sector_row else None, channel=channel, language="vi",
            submitted_hour=at, overall_score=scores[i % len(scores)],
            repeat_device=repeat_device, campaign_id=campaign_id,
        )
        scored = {}
        for item, value in (answers or {}).items():
            values = value if isinstance(value, list) else [value]
            score = scored[item] = values[i % len(values)]
            response.answers.append(Answer(item_code=item, score=score,
                                           choice=None if score else "not_used"))
        if comments and i < len(comments):
            response.comments.append(Comment(item_code="q_comment", text=comments[i], tags=[]))
        rows.append(response)
        given.append(scored)
    db.session.add_all(rows)
    db.session.flush()
    for response, scored in zip(rows, given, strict=True):  # as submissions.add_response does
        factor_tallies.record((response.id, response.submitted_hour), version.definition, scored)
    upkeep.count_ids(db.session.connection(), [response.id for response in rows])
    db.session.commit()
    return rows
