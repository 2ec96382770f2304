"""Jobs: long work run by the task queue, followed by the staff member who started it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from survey_app.extensions import db
from survey_app.models.types import UTCDateTime, utcnow

JOB_KINDS = ("paper_import", "report")
JOB_STATUSES = ("queued", "running", "done", "failed")


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("kind IN ('paper_import', 'report')", name="kind"),
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    filename: Mapped[str] = mapped_column(String(300), default="")
    # The uploaded file, until the job has read it (a paper import), or the file built
    # (a report): the worker may run on another machine than the web server, so the
    # file travels through the database.
    # Deferred: the job's page reads its state every few seconds, not the file.
    payload: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # What came of it, as plain data the page translates: {"rows": …, "batch_id": …}
    # or {"problem": code, …} with the located errors of a refused file.
    outcome: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
