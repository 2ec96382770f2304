"""Questionnaires and their immutable published versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.extensions import db
from survey_app.models.types import UTCDateTime, utcnow


class Questionnaire(db.Model):
    __tablename__ = "questionnaires"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)

    versions: Mapped[list[QuestionnaireVersion]] = relationship(
        back_populates="questionnaire", order_by="QuestionnaireVersion.version"
    )

    @property
    def latest_published(self) -> QuestionnaireVersion | None:
        published = [v for v in self.versions if v.status == "published"]
        return published[-1] if published else None


class QuestionnaireVersion(db.Model):
    """One version of a questionnaire file; a response points at the exact one it answered.

    `definition` holds the parsed file. A published version is never edited in place:
    the loader refuses, and a changed file must carry a new version number.
    """

    __tablename__ = "questionnaire_versions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    content_sha256: Mapped[str] = mapped_column(String(64))
    title_vi: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    instrument: Mapped[str] = mapped_column(String(300))
    definition: Mapped[dict] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="versions")
