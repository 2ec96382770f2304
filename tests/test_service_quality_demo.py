"""The 766 group for the demo year, per agency, equals a computation by hand (in Python,
row by row, with statsmodels' Wilson interval) from the cases the demo's comments open."""

from collections import defaultdict
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from statsmodels.stats.proportion import proportion_confint

from survey_app.demo import generate as demo_data
from survey_app.extensions import db
from survey_app.models import Comment, FeedbackCase, Response
from survey_app.services.access.scope import Scope
from survey_app.services.feedback import listing, service_quality
from survey_app.services.reporting.periods import parse_period

YEAR = (date(2025, 1, 1), date(2026, 1, 1))


def _by_hand(rows, today):
    tally = defaultdict(lambda: [0, 0, 0])  # cases, on time, unsatisfied or late
    for agency, deadline, answered_on, state, rating in rows:
        late = (answered_on is not None and answered_on > deadline) or (
            answered_on is None and state in ("new", "assigned", "in_progress")
            and deadline < today)
        tally[agency][0] += 1
        tally[agency][1] += answered_on is not None and answered_on <= deadline
        tally[agency][2] += rating == "unsatisfied" or late
    return tally


def _rate(successes, n):
    low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
    return successes / n, low, high, 6.0 * min(1.0, successes / n / 0.9)


def test_the_demo_year_per_agency_equals_a_hand_computation(reference_data):
    demo_data.generate(8000, seed=11, start=YEAR[0], end=YEAR[1])
    report = service_quality.group_report(parse_period("2025"), Scope.all_data())
    start, end = datetime(2024, 12, 31, 17, tzinfo=UTC), datetime(2025, 12, 31, 17, tzinfo=UTC)
    rows = db.session.execute(
        select(FeedbackCase.agency_id, FeedbackCase.deadline, FeedbackCase.answered_on,
               FeedbackCase.state, FeedbackCase.rating)
        .join(Comment, Comment.id == FeedbackCase.comment_id)
        .join(Response, Response.id == Comment.response_id)
        .where(Response.submitted_hour >= start, Response.submitted_hour < end)).all()
    tally = _by_hand(rows, listing.today())
    assert sum(t[0] for t in tally.values()) > 30  # the demo year holds real work
    assert sum(t[1] for t in tally.values()) > 0  # some handled on time: not all zero
    by_agency = {a["agency_id"]: a for a in report["agencies"]}
    assert set(by_agency) == set(tally)  # no volumes in the demo: agencies with cases
    for agency, (n, on_time, lost) in tally.items():
        got = {r["code"]: r for r in by_agency[agency]["rates"]}
        earned = 0.0
        for code, successes in (("feedback_on_time", on_time),
                                ("feedback_satisfaction", n - lost)):
            rate, low, high, points = _rate(successes, n)
            assert (got[code]["successes"], got[code]["n"]) == (successes, n), code
            assert got[code]["rate"] == pytest.approx(rate)
            assert (got[code]["low"], got[code]["high"]) == (pytest.approx(low),
                                                              pytest.approx(high))
            assert got[code]["points"] == pytest.approx(points)
            earned += points
        assert got["dossier_satisfaction"]["n"] == 0
        assert by_agency[agency]["earned"] == pytest.approx(earned)
