"""The volume alerts block of the dashboard (services/alerts.py), for any staff template.

Templates call `volume_alerts_for(period)` and include staff/_volume_alerts.html:

    {% with volume_alerts = volume_alerts_for(query.period) %}
      {% include "staff/_volume_alerts.html" %}{% endwith %}

The alerts are read within the reader's scope, like every other staff figure.
"""

from __future__ import annotations

from flask_login import current_user

from survey_app.routing import Views
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import alerts

views = Views()


@views.context_processor
def _alert_helpers() -> dict:
    return {"volume_alerts_for": volume_alerts_for}


def volume_alerts_for(period) -> list[alerts.VolumeAlert]:
    if not current_user.is_authenticated:
        return []
    return alerts.volume_alerts(period.first_day, period.last_day,
                                Scope.for_user(current_user._get_current_object()))
