"""Where a citizen's survey comes from: a counter's open QR, a transaction link, a kiosk.

The public views call these to turn a URL (counter code, sector, procedure, token)
into plain data for the page and into the `submissions.Origin` a response records.
They raise named errors that the views turn into friendly pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select

from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import Agency, Counter, Invitation, Procedure, Sector
from survey_app.models.reference import counter_sectors
from survey_app.services.questionnaires import versions as questionnaires
from survey_app.services.reference import cache as reference_cache
from survey_app.services.responses.submissions import Origin

COUNTER_QUESTIONNAIRE = "administrative"


class PointError(DomainError):
    """The URL does not lead to a survey (the page says why)."""

    status = 404


class CounterNotInService(PointError):
    """No counter with that code, or one no longer in service."""


class UnknownChoice(PointError):
    """A sector or procedure the counter does not serve."""


class NoQuestionnaire(PointError):
    """No published questionnaire of the kind the counter needs (set-up incomplete)."""


@dataclass(frozen=True)
class Named:
    id: int
    code: str
    name: dict  # {"vi": …, "en": …}


@dataclass(frozen=True)
class SectorChoice:
    id: int
    code: str
    name: dict
    procedures: tuple[Named, ...]


@dataclass(frozen=True)
class CounterPoint:
    """A counter as the citizen sees it: its names and what it serves."""

    id: int
    code: str
    name: dict
    agency_id: int
    agency_name: dict
    sectors: tuple[SectorChoice, ...]

    def sector(self, code: str) -> SectorChoice:
        for sector in self.sectors:
            if sector.code == code:
                return sector
        raise UnknownChoice("sector_not_served", counter=self.code, sector=code)


@dataclass(frozen=True)
class SurveyPoint:
    """A counter with the sector (and maybe procedure) of this response settled."""

    counter: CounterPoint
    sector: SectorChoice | None
    procedure: Named | None

    def origin(self, channel: str, language: str) -> Origin:
        version = questionnaires.serving_version(COUNTER_QUESTIONNAIRE)
        if version is None:
            raise NoQuestionnaire("no_questionnaire", kind=COUNTER_QUESTIONNAIRE)
        return Origin(
            questionnaire_version_id=version.id, definition=version.definition,
            agency_id=self.counter.agency_id, counter_id=self.counter.id,
            sector_id=self.sector.id if self.sector else None,
            procedure_id=self.procedure.id if self.procedure else None,
            channel=channel, language=language,
        )


def open_counter(code: str) -> CounterPoint:
    """The active counter with this public code, or CounterNotInService."""
    point = reference_cache.remembered(
        ("counter", code), lambda: _load_counter(_COUNTER_BY_CODE, code=code))
    if point is None:
        raise CounterNotInService("counter_not_in_service", code=code)
    return point


def _counter_rows():
    """A counter, its agency, sectors and procedures: a row per sector × procedure."""
    return (
        select(Counter.id, Counter.code, Counter.name_vi, Counter.name_en, Counter.agency_id,
               Agency.name_vi.label("agency_vi"), Agency.name_en.label("agency_en"),
               Sector.id.label("sector_id"), Sector.code.label("sector_code"),
               Sector.name_vi.label("sector_vi"), Sector.name_en.label("sector_en"),
               Procedure.id.label("procedure_id"), Procedure.code.label("procedure_code"),
               Procedure.name_vi.label("procedure_vi"), Procedure.name_en.label("procedure_en"))
        .join(Agency, Agency.id == Counter.agency_id)
        .outerjoin(counter_sectors, counter_sectors.c.counter_id == Counter.id)
        .outerjoin(Sector, Sector.id == counter_sectors.c.sector_id)
        .outerjoin(Procedure, Procedure.sector_id == Sector.id)
        .order_by(Sector.name_vi, Sector.id, Procedure.code)
    )


# Built once: constructing this statement costs more than running it, on a path that
# every page view and submission takes.
_COUNTER_BY_CODE = _counter_rows().where(Counter.code == bindparam("code"),
                                         Counter.active.is_(True))
_COUNTER_BY_ID = _counter_rows().where(Counter.id == bindparam("id"))


def _load_counter(statement, **params) -> CounterPoint | None:
    # On the connection: a plain SELECT has no use for the ORM's execution layer.
    rows = db.session.connection().execute(statement, params).all()
    if not rows:
        return None
    sectors: dict[int, tuple] = {}  # sector id -> (row, [procedures]) in display order
    for row in rows:
        if row.sector_id is None:
            continue
        _first, procedures = sectors.setdefault(row.sector_id, (row, []))
        if row.procedure_id is not None:
            procedures.append(Named(row.procedure_id, row.procedure_code,
                                    {"vi": row.procedure_vi, "en": row.procedure_en}))
    head = rows[0]
    return CounterPoint(
        id=head.id, code=head.code, name={"vi": head.name_vi, "en": head.name_en},
        agency_id=head.agency_id, agency_name={"vi": head.agency_vi, "en": head.agency_en},
        sectors=tuple(
            SectorChoice(row.sector_id, row.sector_code,
                         {"vi": row.sector_vi, "en": row.sector_en}, tuple(procedures))
            for row, procedures in sectors.values()
        ),
    )


def choose(counter: CounterPoint, sector_code: str | None = None,
           procedure_code: str | None = None) -> SurveyPoint:
    """The sector and procedure the citizen picked; a single-sector counter needs neither.

    A procedure implies its sector; a multi-sector counter without either raises
    UnknownChoice (the view shows the picker instead).
    """
    procedure = None
    if procedure_code:
        owner = next((s for s in counter.sectors
                      for p in s.procedures if p.code == procedure_code), None)
        if owner is None or (sector_code and owner.code != sector_code):
            raise UnknownChoice("procedure_not_served", counter=counter.code,
                                procedure=procedure_code)
        procedure = next(p for p in owner.procedures if p.code == procedure_code)
        return SurveyPoint(counter, owner, procedure)
    if sector_code:
        return SurveyPoint(counter, counter.sector(sector_code), None)
    if len(counter.sectors) <= 1:  # no sector to pick (none recorded when it serves none)
        return SurveyPoint(counter, counter.sectors[0] if counter.sectors else None, None)
    raise UnknownChoice("sector_choice_needed", counter=counter.code)


def invitation_point(invitation: Invitation) -> SurveyPoint:
    """The counter, sector and procedure an invitation was issued for."""
    counter = reference_cache.remembered(
        ("counter id", invitation.counter_id),
        lambda: _load_counter(_COUNTER_BY_ID, id=invitation.counter_id))
    if counter is None:  # the invitation's counter row is gone from the reference data
        raise CounterNotInService("counter_not_in_service", code=str(invitation.counter_id))
    sector = procedure = None
    if invitation.sector is not None:
        sector = _sector_choice(invitation.sector, ())
    if invitation.procedure is not None:
        procedure = _named(invitation.procedure)
    return SurveyPoint(counter, sector, procedure)


def _sector_choice(sector, procedures: tuple[Named, ...]) -> SectorChoice:
    return SectorChoice(sector.id, sector.code, _names(sector), procedures)


def _named(row) -> Named:
    return Named(row.id, row.code, _names(row))


def _names(row) -> dict:
    return {"vi": row.name_vi, "en": row.name_en}
