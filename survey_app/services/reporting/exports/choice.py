"""What a report is built for: the reader's scope narrowed to a sector or an agency, and a survey.

The Reports page, the task queue (which rebuilds the choice from its job when the
worker runs, so a right withdrawn meanwhile is withdrawn from the file too) and the
API all narrow through `narrow`. Narrowing is a smaller scope: one granted sector,
or one agency of the scope with its sub-units, keeping the reader's right to
comments. A survey is a questionnaire kind that has answers inside the reader's
scope: a health analyst is offered the health surveys, never the education one.
Anything outside the scope raises `OutsideScope` (the page answers 404, so a name
is never confirmed to someone who may not read it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select

from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import Agency, Sector
from survey_app.models.rollup import response_cells
from survey_app.services.access.scope import Scope, agency_subtree
from survey_app.services.reporting.figures import version_ids
from survey_app.vocabulary import QuestionnaireKind

ALL_SURVEYS = "all"


class OutsideScope(DomainError):
    """A sector, agency or survey the reader may not choose (or that does not exist)."""

    status = 404

    def __init__(self, chosen=None):
        super().__init__("outside_scope")
        self.chosen = chosen


class BothNarrowings(DomainError):
    """A sector and an agency at once: the files are narrowed by one of them."""

    def __init__(self):
        super().__init__("both_narrowings")


@dataclass(frozen=True)
class Choice:
    scope: Scope
    survey: str | None = None  # a questionnaire kind; None: every survey of the scope
    sector_id: int | None = None
    agency_id: int | None = None

    def args(self) -> dict:
        """Query-string arguments that keep this choice in links (and in a queued job)."""
        pairs = (("sector", self.sector_id), ("agency", self.agency_id),
                 ("survey", self.survey))
        return {name: value for name, value in pairs if value}


def surveys(scope: Scope) -> list[str]:
    """The questionnaire kinds with answers inside `scope`, in the vocabulary's order
    (one EXISTS per kind over the rolled-up cells, not the responses: every page and
    download asks)."""
    cells = response_cells.c
    found = []
    for kind in QuestionnaireKind.values():
        query = select(cells.month).where(
            scope.responses_filter(cells), cells.questionnaire_version_id.in_(version_ids((kind,))))
        if db.session.scalar(select(exists(query))):
            found.append(kind)
    return found


def narrow(scope: Scope, sector_id: int | None = None, agency_id: int | None = None,
           survey: str | None = None) -> Choice:
    """The choice inside `scope`; `OutsideScope` or `BothNarrowings` when it cannot be."""
    if survey in ("", ALL_SURVEYS):
        survey = None
    if survey is not None and survey not in surveys(scope):
        raise OutsideScope(survey)
    if sector_id is not None and agency_id is not None:
        raise BothNarrowings()
    if sector_id is not None:
        if not (scope.everything or sector_id in scope.sector_ids) or db.session.get(
                Sector, sector_id) is None:
            raise OutsideScope(sector_id)
        return Choice(Scope(sector_ids=frozenset({sector_id}),
                            allows_comments=scope.allows_comments), survey, sector_id=sector_id)
    if agency_id is not None:
        if not (scope.everything or agency_id in scope.agency_ids) or db.session.get(
                Agency, agency_id) is None:
            raise OutsideScope(agency_id)
        return Choice(Scope(agency_ids=agency_subtree({agency_id}),
                            root_agency_ids=frozenset({agency_id}),
                            allows_comments=scope.allows_comments), survey, agency_id=agency_id)
    return Choice(scope, survey)
