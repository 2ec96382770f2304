"""Where a citizen's survey comes from: a counter's open QR, a transaction link, a kiosk.

The public views call these to turn a URL (counter code, sector, procedure, token)
into plain data for the page and into the `submissions.Origin` a response records.
They raise named errors that the views turn into friendly pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Counter, Invitation, Procedure
from . import questionnaires
from .submissions import Origin

COUNTER_QUESTIONNAIRE = "administrative"


class PointError(LookupError):
    """The URL does not lead to a survey (the page says why)."""


class UnknownCounter(PointError):
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
        raise UnknownChoice(f"counter {self.code!r} does not serve sector {code!r}")


@dataclass(frozen=True)
class SurveyPoint:
    """A counter with the sector (and maybe procedure) of this response settled."""

    counter: CounterPoint
    sector: SectorChoice | None
    procedure: Named | None

    def origin(self, channel: str, language: str) -> Origin:
        version = questionnaires.current_version(COUNTER_QUESTIONNAIRE)
        if version is None:
            raise NoQuestionnaire(f"no published {COUNTER_QUESTIONNAIRE} questionnaire")
        return Origin(
            questionnaire_version_id=version.id, definition=version.definition,
            agency_id=self.counter.agency_id, counter_id=self.counter.id,
            sector_id=self.sector.id if self.sector else None,
            procedure_id=self.procedure.id if self.procedure else None,
            channel=channel, language=language,
        )


def open_counter(code: str) -> CounterPoint:
    """The active counter with this public code, or UnknownCounter."""
    counter = db.session.execute(
        select(Counter)
        .where(Counter.code == code, Counter.active.is_(True))
        .options(selectinload(Counter.sectors), selectinload(Counter.agency))
    ).scalar_one_or_none()
    if counter is None:
        raise UnknownCounter(f"no counter in service with code {code!r}")
    return _counter_point(counter)


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
            raise UnknownChoice(f"counter {counter.code!r} has no procedure {procedure_code!r}")
        procedure = next(p for p in owner.procedures if p.code == procedure_code)
        return SurveyPoint(counter, owner, procedure)
    if sector_code:
        return SurveyPoint(counter, counter.sector(sector_code), None)
    if len(counter.sectors) <= 1:  # no sector to pick (none recorded when it serves none)
        return SurveyPoint(counter, counter.sectors[0] if counter.sectors else None, None)
    raise UnknownChoice(f"counter {counter.code!r} serves several sectors: pick one")


def invitation_point(invitation: Invitation) -> SurveyPoint:
    """The counter, sector and procedure an invitation was issued for."""
    counter = _counter_point(invitation.counter)
    sector = procedure = None
    if invitation.sector is not None:
        sector = _sector_choice(invitation.sector, ())
    if invitation.procedure is not None:
        procedure = _named(invitation.procedure)
    return SurveyPoint(counter, sector, procedure)


def _counter_point(counter: Counter) -> CounterPoint:
    sector_ids = [s.id for s in counter.sectors]
    procedures: dict[int, list[Named]] = {}
    if sector_ids:
        rows = db.session.execute(
            select(Procedure).where(Procedure.sector_id.in_(sector_ids)).order_by(Procedure.code)
        ).scalars()
        for procedure in rows:
            procedures.setdefault(procedure.sector_id, []).append(_named(procedure))
    sectors = tuple(
        _sector_choice(sector, tuple(procedures.get(sector.id, ())))
        for sector in sorted(counter.sectors, key=lambda s: s.name_vi)
    )
    return CounterPoint(
        id=counter.id, code=counter.code, name=_names(counter), agency_id=counter.agency_id,
        agency_name=_names(counter.agency), sectors=sectors,
    )


def _sector_choice(sector, procedures: tuple[Named, ...]) -> SectorChoice:
    return SectorChoice(sector.id, sector.code, _names(sector), procedures)


def _named(row) -> Named:
    return Named(row.id, row.code, _names(row))


def _names(row) -> dict:
    return {"vi": row.name_vi, "en": row.name_en}
