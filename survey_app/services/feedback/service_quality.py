"""The 766/QĐ-TTg satisfaction group inside the province, per period and owner agency.

Counts come from the feedback cases, the transaction volumes the one-stop software
sends, and the verified (transaction-link) answers; the rates, intervals and points
from analysis/service_quality.py with the rules of reference/service_quality.yaml
(marked to verify). For each agency: the three rates with n and interval, the points
per rule and in total, and what moves the points most (of the rates computed, the
rule losing the most points).

- feedback on time = cases answered on or before their deadline ÷ all cases;
- feedback satisfaction = (all − rated unsatisfied or late) ÷ all, where late is
  answered after the deadline, or still open past it;
- dossier satisfaction = (dossiers − late dossiers − verified answers unsatisfied or
  with a feedback case) ÷ dossiers, floored at 0 (a late dossier may also have been
  rated: the answers are unlinkable, so both are taken off, which errs low). Not
  computed for an agency whose volumes do not all report late dossiers.

`group_report(period, scope)` gives the same figures as plain data for the JSON and
DOCX reports.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import and_, case, exists, false, func, or_, select, true

from analysis import service_quality as points
from survey_app.extensions import db
from survey_app.models import Agency, Comment, FeedbackCase, Response, TransactionVolume
from survey_app.services.access.scope import Scope
from survey_app.services.feedback import listing
from survey_app.services.feedback.cases import OPEN_STATES
from survey_app.services.reporting.periods import Period

RULES_FILE = Path(__file__).resolve().parents[3] / "reference" / "service_quality.yaml"
RULE_CODES = ("feedback_on_time", "feedback_satisfaction", "dossier_satisfaction")


@dataclass(frozen=True)
class Rules:
    group: dict
    rules: dict[str, points.Rule]
    texts: dict[str, dict]  # code -> name, formula, source, status
    unsatisfied_at_most: int


@dataclass
class AgencyGroup:
    agency_id: int
    name: dict
    rates: list[points.ScoredRate]
    earned: float
    possible: float
    moves_most: str | None  # the rule code losing the most points


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> Rules:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = {rule["code"]: rule for rule in data["rules"]}
    if len(found) < len(data["rules"]):
        codes = [rule["code"] for rule in data["rules"]]
        raise ValueError(f"{path.name}: rule {max(codes, key=codes.count)!r} is given twice")
    missing = set(RULE_CODES) - set(found)
    if missing:
        raise ValueError(f"{path.name}: no rule for {', '.join(sorted(missing))}")
    return Rules(
        group=data["group"],
        rules={code: points.Rule(code, float(found[code]["points"]),
                                 float(found[code]["full_at"])) for code in RULE_CODES},
        texts={code: {k: found[code][k] for k in ("name", "formula", "source", "status")}
               for code in RULE_CODES},
        unsatisfied_at_most=int(data["unsatisfied_score_at_most"]))


def _agency_in(scope: Scope, column):
    """The figures are per agency: readers granted whole agencies (or everything) see them."""
    if scope.everything:
        return true()
    return column.in_(sorted(scope.agency_ids)) if scope.agency_ids else false()


def _in_period(period: Period):
    return and_(Response.submitted_hour >= period.start, Response.submitted_hour < period.end)


def _case_counts(period: Period, scope: Scope) -> dict[int, tuple[int, int, int]]:
    """Owner agency -> (cases, on time, unsatisfied or late)."""
    today = listing.today()
    on_time = and_(FeedbackCase.answered_on.is_not(None),
                   FeedbackCase.answered_on <= FeedbackCase.deadline)
    late = or_(FeedbackCase.answered_on > FeedbackCase.deadline,
               and_(FeedbackCase.state.in_(OPEN_STATES), FeedbackCase.deadline < today))
    lost = or_(FeedbackCase.rating == "unsatisfied", late)
    rows = db.session.execute(
        select(FeedbackCase.agency_id, func.count(),
               func.sum(case((on_time, 1), else_=0)), func.sum(case((lost, 1), else_=0)))
        .join(Comment, Comment.id == FeedbackCase.comment_id)
        # Purged cases still count: the figures of a past period must not change. The
        # response is found by its key (as a join, SQLite walked the period's responses).
        .where(exists().where(Response.id == Comment.response_id, _in_period(period)),
               _agency_in(scope, FeedbackCase.agency_id))
        .group_by(FeedbackCase.agency_id)).all()
    return {agency: (n, int(good or 0), int(bad or 0)) for agency, n, good, bad in rows}


def _dossier_counts(period: Period, scope: Scope) -> dict[int, tuple[int, int | None]]:
    """Agency -> (dossiers, late dossiers or None when some period did not report them)."""
    rows = db.session.execute(
        select(TransactionVolume.agency_id, func.sum(TransactionVolume.transactions),
               func.sum(TransactionVolume.late_dossiers),
               func.sum(case((TransactionVolume.late_dossiers.is_(None), 1), else_=0)))
        .where(TransactionVolume.period_start >= period.first_day,
               TransactionVolume.period_end <= period.last_day,
               _agency_in(scope, TransactionVolume.agency_id))
        .group_by(TransactionVolume.agency_id)).all()
    return {agency: (int(total or 0), None if unreported else int(late or 0))
            for agency, total, late, unreported in rows}


def _verified_unsatisfied(period: Period, scope: Scope, rules: Rules) -> dict[int, int]:
    """Agency -> verified answers rated unsatisfied or whose comment became a case."""
    with_case = select(Comment.response_id).join(
        FeedbackCase, FeedbackCase.comment_id == Comment.id)
    rows = db.session.execute(
        select(Response.agency_id, func.count())
        .where(_in_period(period), Response.channel == "token",
               _agency_in(scope, Response.agency_id),
               or_(Response.overall_score <= rules.unsatisfied_at_most,
                   Response.id.in_(with_case)))
        .group_by(Response.agency_id)).all()
    return dict(rows)


def agency_groups(period: Period, scope: Scope) -> list[AgencyGroup]:
    """The group for every agency in scope with cases or volumes in the period."""
    listing.open_cases()
    rules = load_rules()
    cases_by, dossiers_by = _case_counts(period, scope), _dossier_counts(period, scope)
    unsatisfied_by = _verified_unsatisfied(period, scope, rules)
    ids = sorted(set(cases_by) | set(dossiers_by))
    names = {a.id: {"vi": a.name_vi, "en": a.name_en} for a in db.session.execute(
        select(Agency).where(Agency.id.in_(ids))).scalars()} if ids else {}
    found = []
    for agency_id in ids:
        n, on_time, lost = cases_by.get(agency_id, (0, 0, 0))
        dossiers, late = dossiers_by.get(agency_id, (0, None))
        good_dossiers = max(0, dossiers - late - unsatisfied_by.get(agency_id, 0)) if (
            late is not None) else 0
        rates = [points.score(rules.rules["feedback_on_time"], on_time, n),
                 points.score(rules.rules["feedback_satisfaction"], n - lost, n),
                 points.score(rules.rules["dossier_satisfaction"], good_dossiers,
                              dossiers if late is not None else 0)]
        earned, possible = points.group_total(rates)
        computed = [r for r in rates if r.n and r.points_lost > 0]
        worst = max(computed, key=lambda r: r.points_lost).code if computed else None
        found.append(AgencyGroup(agency_id, names[agency_id], rates, earned, possible, worst))
    # Most points lost first; agencies with nothing to compute yet at the end.
    return sorted(found, key=lambda g: (not any(r.n for r in g.rates), g.earned - g.possible,
                                        g.name["vi"]))


def group_report(period: Period, scope: Scope) -> dict:
    """The group as plain data (JSON-ready) for the reports: rules with sources, agencies."""
    rules = load_rules()
    return {
        "group": rules.group, "period": period.code, "status": "to_verify",
        "rules": [{"code": code, "points": rules.rules[code].points,
                   "full_at": rules.rules[code].full_at, **rules.texts[code]}
                  for code in RULE_CODES],
        "agencies": [{"agency_id": g.agency_id, "name": g.name, "earned": g.earned,
                      "possible": g.possible, "moves_most": g.moves_most,
                      "rates": [asdict(r) for r in g.rates]}
                     for g in agency_groups(period, scope)],
    }
