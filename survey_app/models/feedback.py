"""Feedback cases: a comment that asks for action, its owner agency, deadline and thread.

A case is opened from a comment (a low score, or tagged as a complaint or a proposal;
praise is kept apart). Its thread (`case_events`) is only ever added to: each note,
reply, change of state, owner or rating is one row with who, when, old and new value.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.types import UTCDateTime, utcnow
from survey_app.vocabulary import CaseEventKind, CaseKind, CaseRating, CaseState

CASE_STATES = CaseState.values()
CASE_KINDS = CaseKind.values()
CASE_RATINGS = CaseRating.values()


class FeedbackCase(db.Model):
    __tablename__ = "feedback_cases"
    __table_args__ = (
        CheckConstraint(CaseState.check("state"), name="state"),
        CheckConstraint(CaseKind.check("kind"), name="kind"),
        CheckConstraint(f"rating IS NULL OR {CaseRating.check('rating')}", name="rating"),
        Index("ix_feedback_cases_agency_state", "agency_id", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default="new")
    # The agency that must answer: at first the one the citizen answered about.
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    # Local (Asia/Ho_Chi_Minh) dates: deadlines are counted in the province's working days.
    opened_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_on: Mapped[date | None] = mapped_column(Date)  # local date, against the deadline
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The citizen's single-use link to read the reply (hash only), and their rating.
    reply_token_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    reply_link_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating: Mapped[str | None] = mapped_column(String(12))
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    comment = relationship("Comment")
    agency = relationship("Agency")
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan")


class CaseEvent(db.Model):
    """One entry of a case's thread and history (never updated)."""

    __tablename__ = "case_events"
    __table_args__ = (CheckConstraint(CaseEventKind.check("action"), name="action"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    action: Mapped[str] = mapped_column(String(20))
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)

    case: Mapped[FeedbackCase] = relationship(back_populates="events")
    user = relationship("StaffUser")
