"""What a reader's dashboard opens on: their own surveys, the last period with data.

A health analyst should not land on administrative procedures they cannot see, and
nobody on the current quarter when it is still empty. Both are cheap lookups on the
rolled-up cells (the latest month in scope; one EXISTS).
"""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import exists, func, select

from survey_app.extensions import db
from survey_app.i18n import local_midnight
from survey_app.models import Response
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import periods
from survey_app.services.reporting.figures import version_ids
from survey_app.services.rollups import reading

ADMINISTRATIVE = "administrative"
ALL_SURVEYS = "all"


def last_period_with_data(scope: Scope) -> periods.Period:
    """The quarter of the latest answer the reader may see (this quarter if none)."""
    if reading.from_cells():
        month = db.session.scalar(select(func.max(reading.CELLS.month))
                                .where(scope.responses_filter(reading.CELLS)))
        return periods.current_quarter(None if month is None else local_midnight(month))
    latest = db.session.scalar(select(func.max(Response.submitted_hour))
                               .where(scope.responses_filter()))
    if latest is None:
        return periods.current_quarter()
    # SQLite gives back naive datetimes; stored times are UTC.
    aware = latest if latest.tzinfo else latest.replace(tzinfo=UTC)
    return periods.current_quarter(aware)


def own_survey(scope: Scope) -> str:
    """Administrative procedures where the reader has such answers, else all the
    surveys of their scope (a health analyst's inpatient and outpatient surveys)."""
    if scope.everything:
        return ADMINISTRATIVE
    if _any_response(scope, (ADMINISTRATIVE,)):
        return ADMINISTRATIVE
    return ALL_SURVEYS if _any_response(scope) else ADMINISTRATIVE


def _any_response(scope: Scope, kinds=()) -> bool:
    # FROM named explicitly: a scope that sees nothing filters by a bare FALSE, and
    # EXISTS over no table is an error on SQLite.
    source = reading.CELLS if reading.from_cells() else Response
    query = select(source.questionnaire_version_id).where(scope.responses_filter(source))
    if kinds:
        query = query.where(source.questionnaire_version_id.in_(version_ids(kinds)))
    return bool(db.session.scalar(select(exists(query))))

