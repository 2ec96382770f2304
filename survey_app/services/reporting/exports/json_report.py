"""The report as JSON, for the province's reporting system and the one-stop software.

The same `ReportData` as the PDF, the DOCX and the XLSX, so the numbers agree: rates
and intervals as fractions (0.903), counts as integers, verdicts as codes (`met`,
`not_met`, `undecided`, null) beside their Vietnamese words, times in UTC (ISO 8601).
No comment text: like the workbook, this file travels further than the PDF. A target
carries its post-stratified rate (`weighted`) beside the unweighted one; the verdict
is read on the unweighted rate (docs/staff.md says why).
The OpenAPI document (`api/openapi.py`, schema `Report`) describes every field.
"""

from __future__ import annotations

import json
from datetime import UTC

from survey_app.services.feedback import service_quality
from survey_app.services.reporting.exports import data, letterhead
from survey_app.services.reporting.exports.data import ReportData
from survey_app.services.reporting.exports.words import CHANNELS, VERDICTS

VERSION = 1


def build(report: ReportData, out) -> None:
    """Write the JSON of `report` to the binary file `out` (UTF-8, Vietnamese unescaped)."""
    out.write(json.dumps(as_dict(report), ensure_ascii=False, indent=1).encode("utf-8"))


def as_dict(report: ReportData) -> dict:
    issuer = letterhead.issuer_for(report.scope)
    period = report.period
    return {
        "version": VERSION,
        "period": {"code": period.code, "label": period.label("vi"),
                   "first_day": period.first_day.isoformat(),
                   "last_day": period.last_day.isoformat()},
        "scope": {"label": report.scope_label["vi"], "everything": report.scope.everything},
        "survey": report.survey,
        "issuer": {"name": issuer.name, "governing": issuer.governing},
        "generated_at": _utc(report.generated_at),
        "totals": {"responses": report.totals.responses, "n": report.totals.n,
                   "satisfied": report.totals.satisfied},
        "targets": [_target(t) for t in report.targets],
        "groups": [_cell(c) for c in report.groups],
        "sectors": [_cell(c) for c in report.sectors],
        "agencies": [_cell(c) for c in report.agencies],
        "facilities": [_cell(c) for c in report.services],
        "channels": [{**_cell(c), "code": c.key, "name": CHANNELS.get(c.key, str(c.key))}
                     for c in report.channels],
        "factors": _factors(report.factors),
        "trend": [_point(p) for p in report.trend],
        "comments": _comments(report),
        "service_quality": service_quality.group_report(period, report.scope),
    }


def _utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _verdict(code: str | None, judged: bool = True) -> dict:
    return {"verdict": code if judged else None,
            "verdict_text": VERDICTS[code] if judged else None}


def _difference(difference) -> dict | None:
    if difference is None:
        return None
    return {"diff": difference.diff, "low": difference.low, "high": difference.high,
            "p_value": difference.p_value}


def _target(t) -> dict:
    verdict = ({"verdict": None, "verdict_text": data.PARTIAL_VERDICT} if t.partial
               else _verdict(t.verdict))
    return {
        "code": t.code, "plan": t.plan_code, "name": t.name["vi"], "measure": t.measure,
        "threshold": t.threshold, "partial": t.partial, "responses": t.responses, "n": t.n,
        "satisfied": t.satisfied, "rate": t.rate, "low": t.low, "high": t.high, **verdict,
        "additional_n": t.additional_n, "p_value": t.p_value, "too_small": t.too_small,
        "change": _difference(t.change), "change_year": _difference(t.change_year),
        "weighted": _weighted(t.weighted),
    }


def _weighted(weighted) -> dict | None:
    """The post-stratified rate beside the unweighted one; the verdict stays on the latter."""
    if weighted is None:
        return None
    estimate = weighted.estimate
    return {"rate": estimate.rate, "low": estimate.low, "high": estimate.high,
            "se": estimate.se, "n": estimate.n, "n_eff": estimate.n_eff,
            "transactions": weighted.transactions, "left_out": weighted.left_out}


def _cell(c) -> dict:
    judged = c.target is not None
    return {
        "code": c.code, "name": c.name.get("vi", ""), "responses": c.responses, "n": c.n,
        "satisfied": c.satisfied, "rate": c.rate, "low": c.low, "high": c.high,
        "target": c.target, **_verdict(c.verdict, judged),
        "additional_n": c.additional_n if judged else None, "too_small": c.too_small,
    }


def _factors(index) -> dict:
    return {
        "respondents": index.respondents, "index": index.index, "low": index.low,
        "high": index.high,
        "factors": [{"id": f.id, "name": f.label.get("vi", f.id), "respondents": f.respondents,
                     "answers": f.answers, "satisfied": f.satisfied, "index": f.index,
                     "low": f.low, "high": f.high} for f in index.factors],
    }


def _point(p) -> dict:
    judged = p.target is not None
    return {"period": p.period.code, "label": p.period.label("vi"), "n": p.n,
            "satisfied": p.satisfied, "rate": p.rate, "low": p.low, "high": p.high,
            "target": p.target, **_verdict(p.verdict, judged),
            "additional_n": p.additional_n if judged else None}


def _comments(report: ReportData) -> dict:
    stats = report.comment_stats
    hours = stats.median_hours_to_handle
    return {"total": stats.total, "new": stats.new, "assigned": stats.assigned,
            "handled": stats.handled,
            "median_days_to_handle": round(hours / 24, 2) if hours is not None else None,
            "tags": [{"tag": tag, "count": count} for tag, count in report.comment_tags]}
