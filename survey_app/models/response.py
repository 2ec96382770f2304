"""What citizens sent: responses, their answers, free-text comments, paper imports.

A response keeps no IP address, user agent or exact time (only the UTC hour), so
that it cannot be matched with a server log or a counter's queue.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.types import UTCDateTime, utcnow
from survey_app.vocabulary import Channel, CommentStatus


class Response(db.Model):
    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint(Channel.check("channel"), name="channel"),
        CheckConstraint("language IN ('vi', 'en')", name="language"),
        CheckConstraint("overall_score BETWEEN 1 AND 5", name="overall_score"),
        Index("ix_responses_hour_sector", "submitted_hour", "sector_id"),
        Index("ix_responses_hour_agency", "submitted_hour", "agency_id"),
        # What the child rows' composite foreign keys reference. On PostgreSQL the
        # table is partitioned by month (services/partitions.py) and its primary key is
        # (id, submitted_hour) there: a partitioned table's keys hold the partition key.
        UniqueConstraint("id", "submitted_hour"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_versions.id"), index=True
    )
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), index=True)
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id"))
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id"))
    channel: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(2))
    submitted_hour: Mapped[datetime] = mapped_column(UTCDateTime)
    # The overall item's answer, kept on the row so rates are one GROUP BY away;
    # NULL when the citizen chose "not used / no opinion".
    overall_score: Mapped[int | None] = mapped_column(SmallInteger)
    # Random id rendered into the form. Its uniqueness (a re-sent form is recognised,
    # not stored twice) is table submission_ids' primary key: a partitioned table
    # cannot hold a unique index without the partition key. Kept here for reading.
    submission_id: Mapped[str | None] = mapped_column(String(36))
    repeat_device: Mapped[bool] = mapped_column(default=False)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    questionnaire_version = relationship("QuestionnaireVersion")
    agency = relationship("Agency")
    counter = relationship("Counter")
    sector = relationship("Sector")
    procedure = relationship("Procedure")


class Answer(db.Model):
    """One answer: a score (1–5), a choice (one row per chosen option), or a number.

    "Not used / no opinion" on a 5-point item is stored as choice `not_used` with
    no score, so it is kept but left out of every rate.
    """

    __tablename__ = "answers"
    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 5", name="score"),
        ForeignKeyConstraint(["response_id", "submitted_hour"],
                             ["responses.id", "responses.submitted_hour"], ondelete="CASCADE"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(index=True)
    # The response's hour, the partition key on PostgreSQL (set from the response).
    submitted_hour: Mapped[datetime] = mapped_column(UTCDateTime)
    item_code: Mapped[str] = mapped_column(String(40))
    score: Mapped[int | None] = mapped_column(SmallInteger)
    choice: Mapped[str | None] = mapped_column(String(60))
    number: Mapped[float | None] = mapped_column(Float)

    response: Mapped[Response] = relationship(back_populates="answers")


# Factors a questionnaire version may define (its schema's maxItems): the slots of
# response_factors below.
FACTOR_SLOTS = 8

# Per response, each factor's satisfied (4–5) and scored answers, in the order of its
# version's `factors` (slot 1 = the first factor). Derived from the answers when the
# response is written (services/factor_tallies.py); the answers stay the record. The
# service index sums these over responses: counting them from the answer rows took
# ~25 s per dashboard view at a million responses. A response with no scored answer
# in any factor has no row.
response_factors = Table(
    "response_factors",
    db.metadata,
    Column("response_id", Integer, primary_key=True, autoincrement=False),
    *[Column(f"{kind}_{slot}", SmallInteger, nullable=False)
      for slot in range(1, FACTOR_SLOTS + 1) for kind in ("satisfied", "scored")],
    Column("submitted_hour", UTCDateTime, nullable=False),  # the response's, last
    ForeignKeyConstraint(["response_id", "submitted_hour"],
                         ["responses.id", "responses.submitted_hour"], ondelete="CASCADE"),
)


class Comment(db.Model):
    """A free-text answer. Free text may hold anything a citizen writes, so every one is
    treated as personal data: read only by staff whose scope allows comments, purged
    after the retention period."""

    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint(CommentStatus.check("status"), name="status"),
        UniqueConstraint("response_id", "item_code"),
        ForeignKeyConstraint(["response_id", "submitted_hour"],
                             ["responses.id", "responses.submitted_hour"], ondelete="CASCADE"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int]
    submitted_hour: Mapped[datetime] = mapped_column(UTCDateTime)  # the response's
    item_code: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=CommentStatus.NEW.value)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    assigned_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    reply_note: Mapped[str | None] = mapped_column(Text)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # Contact details only when the citizen ticked the consent sentence.
    contact_consent: Mapped[bool] = mapped_column(default=False)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    response: Mapped[Response] = relationship(back_populates="comments")
    assigned_agency = relationship("Agency")


class SubmissionId(db.Model):
    """The submission id of a stored response: its primary key is what makes a re-sent
    form harmless (the second INSERT fails), written in the response's transaction.
    Unpartitioned and small of row, so the check is one index probe."""

    __tablename__ = "submission_ids"
    __table_args__ = (
        ForeignKeyConstraint(["response_id", "submitted_hour"],
                             ["responses.id", "responses.submitted_hour"], ondelete="CASCADE"),
    )
    submission_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    response_id: Mapped[int] = mapped_column(index=True)
    submitted_hour: Mapped[datetime] = mapped_column(UTCDateTime)


class ImportBatch(db.Model):
    """A file of paper questionnaires imported at once; the same file is refused twice."""

    __tablename__ = "import_batches"
    __table_args__ = (UniqueConstraint("campaign_id", "file_sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    file_sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(300))
    rows: Mapped[int]
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
