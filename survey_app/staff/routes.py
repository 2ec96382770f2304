"""Staff pages: each module attaches its views to the blueprint when imported.

dashboard (targets, drill-down, factors, trend), charts (SVG images), comments
(follow-up), users (admin). All of them are behind the login guard in __init__.py
and read data only through services/scope.py.
"""

from survey_app.staff import (  # noqa: F401
    audit,
    cases,
    charts,
    comments,
    comparisons,
    dashboard,
    service_quality,
    users,
)
