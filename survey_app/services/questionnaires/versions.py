"""Loading questionnaire files into versions, and finding the version to serve."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select

from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import Questionnaire, QuestionnaireVersion, Response
from survey_app.services.questionnaires.files import QuestionnaireFile
from survey_app.services.reference import cache as reference_cache


class QuestionnaireConflict(DomainError):
    """A file would change a version that is published (or already answered)."""


def load(files: list[QuestionnaireFile]) -> list[tuple[QuestionnaireFile, str]]:
    """Load checked files in one transaction; returns (file, what happened) per file.

    A new version is created; an unchanged one is left alone; a changed draft
    without answers is replaced; a changed published version is refused, and then
    nothing at all is written.
    """
    _refuse_repeats(files)
    outcomes = []
    try:
        for qfile in files:
            outcomes.append((qfile, _load_one(qfile)))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return outcomes


def _refuse_repeats(files: list[QuestionnaireFile]) -> None:
    """Two files for one version would silently replace each other: refused, naming both."""
    first: dict[tuple, QuestionnaireFile] = {}
    for qfile in files:
        earlier = first.setdefault((qfile.code, qfile.version), qfile)
        if earlier is not qfile:
            raise QuestionnaireConflict("questionnaire_version_twice", path=str(qfile.path),
                                        version=qfile.version, code=qfile.code,
                                        other=str(earlier.path))


def _load_one(qfile: QuestionnaireFile) -> str:
    data = qfile.definition
    questionnaire = db.session.execute(
        select(Questionnaire).where(Questionnaire.code == qfile.code)
    ).scalar_one_or_none()
    if questionnaire is None:
        questionnaire = Questionnaire(code=qfile.code, kind=data["kind"])
        db.session.add(questionnaire)
        db.session.flush()
    elif questionnaire.kind != data["kind"]:
        raise QuestionnaireConflict("questionnaire_kind_changed", path=str(qfile.path),
                                    code=qfile.code, kind=questionnaire.kind, said=data["kind"])
    version = db.session.execute(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.version == qfile.version,
        )
    ).scalar_one_or_none()

    if version is None:
        version = QuestionnaireVersion(questionnaire=questionnaire, version=qfile.version)
        db.session.add(version)
        _fill(version, qfile)
        return "created"
    if version.content_sha256 == qfile.sha256:
        return "unchanged"
    answered = db.session.execute(
        select(exists().where(Response.questionnaire_version_id == version.id))
    ).scalar()
    if version.status == "published" or answered:
        raise QuestionnaireConflict("questionnaire_published", path=str(qfile.path),
                                    version=qfile.version, code=qfile.code)
    _fill(version, qfile)
    return "replaced draft"


def _fill(version: QuestionnaireVersion, qfile: QuestionnaireFile) -> None:
    data = qfile.definition
    version.status = data.get("status", "published")
    version.content_sha256 = qfile.sha256
    version.title_vi = data["title"]["vi"]
    version.title_en = data["title"]["en"]
    version.instrument = f"{data['instrument']['reference']} ({data['instrument']['edition']})"
    version.definition = data


def current_version(kind: str) -> QuestionnaireVersion | None:
    """The newest published version of the questionnaire of a kind (the one to serve)."""
    return db.session.execute(
        select(QuestionnaireVersion).where(QuestionnaireVersion.id == _CURRENT_ID),
        {"kind": kind},
    ).scalar_one_or_none()


@dataclass(frozen=True)
class ServedVersion:
    id: int
    definition: dict


def serving_version(kind: str) -> ServedVersion | None:
    """`current_version` for the citizen's form, kept a few seconds (reference_cache)."""
    return reference_cache.remembered(("serving", kind), lambda: _serving_version(kind))


def _serving_version(kind: str) -> ServedVersion | None:
    row = db.session.connection().execute(_SERVING, {"kind": kind}).first()
    return ServedVersion(row.id, row.definition) if row is not None else None


# The newest published version of the kind bound as "kind"; built once (it runs on
# every citizen's page view and submission).
_CURRENT_ID = (
    select(QuestionnaireVersion.id)
    .join(Questionnaire)
    .where(Questionnaire.kind == bindparam("kind"), QuestionnaireVersion.status == "published")
    .order_by(QuestionnaireVersion.loaded_at.desc(), QuestionnaireVersion.version.desc())
    .limit(1)
    .correlate(None)  # a subquery of its own, never tied to an outer version row
    .scalar_subquery()
)
_SERVING = select(QuestionnaireVersion.id, QuestionnaireVersion.definition).where(
    QuestionnaireVersion.id == _CURRENT_ID)
