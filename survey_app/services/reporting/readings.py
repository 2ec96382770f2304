"""The words an official reads beside a target: verdict line, time to decide, change.

`analysis.readings` decides which reading applies (pure statistics); this module only
words it in the current language (gettext: the dashboard's request language, or the
report's with `flask_babel.force_locale("vi")`), numbers in that language's format.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from analysis import readings
from survey_app import formatting
from survey_app.models import utcnow
from survey_app.services.reporting.periods import Period

VERDICT_LINES = {
    readings.MET: _l("%(what)s %(rate)s is above the target %(target)s, and the evidence is "
                     "enough to conclude it is met"),
    readings.NOT_MET: _l("%(what)s %(rate)s is below the target %(target)s, and the evidence "
                         "is enough to conclude it is not met"),
    readings.ABOVE_NOT_PROVEN: _l("%(what)s %(rate)s is above the target %(target)s, but not "
                                  "yet enough evidence to conclude it is met"),
    readings.BELOW_NOT_PROVEN: _l("%(what)s %(rate)s is below the target %(target)s, but not "
                                  "yet enough evidence to conclude it is not met"),
    readings.AT_TARGET: _l("%(what)s %(rate)s equals the target %(target)s; not yet enough "
                           "evidence either way"),
}
CHANGES = {
    readings.INCREASE: _l("statistically significant increase"),
    readings.DECREASE: _l("statistically significant decrease"),
    readings.NO_CLEAR_CHANGE: _l("no clear change"),
}


def verdict_line(result) -> str | None:
    """'The rate 90.3 % is above the target 90 %, but not yet enough evidence …' for a
    judged target (None without a rate or interval, or for a part of its population)."""
    if result.rate is None or result.low is None or getattr(result, "partial", False):
        return None
    code = readings.verdict_reading(result.rate, result.low, result.high, result.threshold)
    what = _l("The index") if result.measure == "service-index" else _l("The rate")
    return str(VERDICT_LINES[code] % {"what": what, "rate": formatting.percent(result.rate),
                                      "target": formatting.threshold(result.threshold)})


def time_line(result, period: Period, now=None) -> str | None:
    """The extra answers as time at this period's pace, or None when none are needed."""
    if not result.additional_n or not result.n:
        return None
    observed = (min(now or utcnow(), period.end) - period.start).total_seconds() / 604800
    if observed <= 0:
        return None
    weeks = readings.time_to_decide(result.additional_n, result.n, observed).weeks
    if weeks is None:
        return str(_l("at this period's pace of answers it cannot be decided within a "
                      "quarter"))
    return str(_l("at this period's pace of answers, about %(weeks)s more weeks of answers "
                  "would decide it", weeks=formatting.number(weeks)))


def change_words(change) -> str | None:
    """'statistically significant increase' / '… decrease' / 'no clear change'."""
    if change is None:
        return None
    return str(CHANGES[readings.change_reading(change.low, change.high)])
