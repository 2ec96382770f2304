"""Section indices of a campaign (A–E of the Ministry of Health forms, education sections).

The indices and their intervals are `factor_indices.service_index` (one method
everywhere: the respondent is the unit, linearised variance), asked for the
campaign's questionnaire kind, its facilities and its window. That selects
exactly the campaign's responses because `campaigns` refuses a facility in two
campaigns of one questionnaire kind at the same time, and paper forms are dated
inside the window.
"""

from __future__ import annotations

from survey_app.models import Campaign
from survey_app.services.access.scope import Scope
from survey_app.services.campaigns import setup as campaigns
from survey_app.services.reporting.factor_indices import ServiceIndex, service_index
from survey_app.services.reporting.periods import Period


def section_indices(campaign: Campaign, agency_id: int | None = None) -> ServiceIndex:
    """Indices for the whole campaign, or for one of its facilities."""
    first_day, last_day = campaigns.local_days(campaign)
    agencies = {agency_id} if agency_id is not None else {f.agency_id for f in campaign.facilities}
    kind = campaign.questionnaire_version.questionnaire.kind
    return service_index(
        Period("custom", first_day, last_day),
        Scope(agency_ids=frozenset(agencies)),
        kinds=(kind,),
    )
