"""The OpenAPI description of GET /reports and its `Report` schema (see api/openapi.py)."""

from __future__ import annotations

from survey_app.vocabulary import QuestionnaireKind

RATE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
COUNT = {"type": "integer", "minimum": 0}
MAYBE_COUNT = {"type": ["integer", "null"], "minimum": 0}
VERDICT = {"type": ["string", "null"], "enum": ["met", "not_met", "undecided", None],
           "description": "met: the interval's lower bound clears the target; not_met: the "
                          "upper bound is under it; undecided: otherwise; null: not judged."}
DIFFERENCE = {
    "type": ["object", "null"], "required": ["diff", "low", "high", "p_value"],
    "additionalProperties": False,
    "description": "A change of rate (fractions: 0.021 is +2.1 percentage points), 95 % "
                   "interval and two-sided p-value; null without a comparison.",
    "properties": {"diff": {"type": "number"}, "low": {"type": "number"},
                   "high": {"type": "number"}, "p_value": {"type": ["number", "null"]}},
}


def _object(properties: dict, description: str = "") -> dict:
    schema = {"type": "object", "required": sorted(properties), "additionalProperties": False,
              "properties": properties}
    if description:
        schema["description"] = description
    return schema


ESTIMATE = {"rate": RATE, "low": RATE, "high": RATE}
JUDGED = {"verdict": VERDICT, "verdict_text": {"type": ["string", "null"]}}
CELL = _object({
    "code": {"type": ["string", "null"]}, "name": {"type": "string"}, "responses": COUNT,
    "n": COUNT, "satisfied": COUNT, **ESTIMATE, "target": RATE, **JUDGED,
    "additional_n": MAYBE_COUNT, "too_small": {"type": "boolean"},
}, "A group of responses (sector, agency, facility, channel) with its Wilson interval.")
WEIGHTED = {
    **_object({
        **ESTIMATE, "se": {"type": "number", "minimum": 0}, "n": COUNT,
        "n_eff": {"type": "number", "minimum": 0}, "transactions": COUNT, "left_out": COUNT,
    }, "The rate post-stratified by transaction volumes (agency × sector group × quarter) or "
       "by facility volumes (health, education), with its design-based interval, standard "
       "error and Kish effective n; `transactions` in the strata weighted, `left_out` the "
       "answers in strata that could not be weighted. null where no volume is loaded. The "
       "verdict is read on the unweighted rate, not on this one."),
    "type": ["object", "null"],
}
TARGET = _object({
    "code": {"type": "string"}, "plan": {"type": "string"}, "name": {"type": "string"},
    "measure": {"type": "string", "enum": ["overall", "service-index"]},
    "threshold": {"type": "number"}, "partial": {"type": "boolean"}, "responses": COUNT,
    "n": COUNT, "satisfied": MAYBE_COUNT, **ESTIMATE, **JUDGED, "additional_n": MAYBE_COUNT,
    "p_value": {"type": ["number", "null"]}, "too_small": {"type": "boolean"},
    "change": DIFFERENCE, "change_year": DIFFERENCE, "weighted": WEIGHTED,
}, "A target of the plans valid in the period, measured in the scope.")
POINT = _object({
    "period": {"type": "string"}, "label": {"type": "string"}, "n": COUNT, "satisfied": COUNT,
    **ESTIMATE, "target": RATE, **JUDGED, "additional_n": MAYBE_COUNT,
})
FACTOR = _object({
    "id": {"type": "string"}, "name": {"type": "string"}, "respondents": COUNT,
    "answers": COUNT, "satisfied": COUNT, "index": RATE, "low": RATE, "high": RATE,
})
WORDS = _object({"vi": {"type": "string"}, "en": {"type": ["string", "null"]}})
POINTS = {"type": ["number", "null"], "minimum": 0}
RULE_CODES = ["feedback_on_time", "feedback_satisfaction", "dossier_satisfaction"]
RULE_CODE = {"type": "string", "enum": RULE_CODES}
SCORED_RATE = _object({
    "code": RULE_CODE, "successes": COUNT, "n": COUNT, **ESTIMATE, "points": POINTS,
    "max_points": {"type": "number", "minimum": 0},
}, "A rate of the group with its Wilson interval and points; rate, interval and points "
   "are null when n = 0.")
SERVICE_QUALITY = _object({
    "group": _object({"code": {"type": "string"}, "name": WORDS, "source": {"type": "string"}}),
    "period": {"type": "string"},
    "status": {"type": "string", "description": "to_verify: the rules are not yet checked."},
    "rules": {"type": "array", "items": _object({
        "code": RULE_CODE, "points": {"type": "number"}, "full_at": RATE, "name": WORDS,
        "formula": WORDS, "source": {"type": "string"}, "status": {"type": "string"},
    })},
    "agencies": {"type": "array", "items": _object({
        "agency_id": {"type": "integer"}, "name": WORDS, "earned": {"type": "number"},
        "possible": {"type": "number"},
        "moves_most": {"type": ["string", "null"], "enum": [*RULE_CODES, None],
                       "description": "The rule losing the most points; null if none."},
        "rates": {"type": "array", "items": SCORED_RATE},
    })},
}, "The satisfaction group of the service-quality index (Decision 766/QĐ-TTg) per owner "
   "agency, with its rules from reference/service_quality.yaml (marked to verify).")

REPORT = _object({
    "version": {"const": 1},
    "period": _object({"code": {"type": "string"}, "label": {"type": "string"},
                       "first_day": {"type": "string", "format": "date"},
                       "last_day": {"type": "string", "format": "date"}}),
    "scope": _object({"label": {"type": "string"}, "everything": {"type": "boolean"}}),
    "survey": {"type": ["string", "null"],
               "enum": [*QuestionnaireKind.values(), None],
               "description": "The questionnaire kind the report is for; null: every survey "
                              "of the scope."},
    "issuer": _object({"name": {"type": "string"}, "governing": {"type": "string"}},
                      "The body that issues the report (the reader's own)."),
    "generated_at": {"type": "string", "format": "date-time", "pattern": "Z$"},
    "totals": _object({"responses": COUNT, "n": COUNT, "satisfied": COUNT}),
    "targets": {"type": "array", "items": TARGET},
    **{name: {"type": "array", "items": CELL}
       for name in ("groups", "sectors", "agencies", "facilities", "channels")},
    "factors": _object({"respondents": COUNT, "index": RATE, "low": RATE, "high": RATE,
                        "factors": {"type": "array", "items": FACTOR}}),
    "trend": {"type": "array", "items": POINT},
    "comments": _object({
        "total": COUNT, "new": COUNT, "assigned": COUNT, "handled": COUNT,
        "median_days_to_handle": {"type": ["number", "null"], "minimum": 0},
        "tags": {"type": "array", "items": _object({"tag": {"type": "string"},
                                                    "count": COUNT})},
    }, "Counts only: comment text never leaves through this report."),
    "service_quality": SERVICE_QUALITY,
}, "The numbers of the PDF and DOCX report, for other systems.")


def operation(error, unauthorized: dict, too_many: dict) -> dict:
    return {"get": {
        "operationId": "getReport",
        "summary": "The satisfaction report of a period, as data",
        "description": (
            "Targets with their verdicts and intervals, sector, agency, facility and channel "
            "rows, factor indices, the trend, comment counts and the 766 satisfaction group "
            "per agency: the numbers of the PDF report (`flask report --format json` writes "
            "the same body). An API key reads its agency and the agency's units; a logged-in "
            "staff member (session cookie, no key) reads their own scope."
        ),
        "security": [{"bearerKey": []}, {}],
        "parameters": [{
            "name": "period", "in": "query", "required": True,
            "description": "2026-Q1, 2026-H1, 2026 or 2026-01-01..2026-03-31 (local days).",
            "schema": {"type": "string"},
        }, {
            "name": "survey", "in": "query", "required": False,
            "description": "One questionnaire kind with answers in the reader's scope "
                           "(`administrative`, `health_inpatient` …); every survey if left out.",
            "schema": {"type": "string", "enum": list(QuestionnaireKind.values())},
        }],
        "responses": {
            "200": {"description": "The report.", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Report"}}}},
            "400": error("No period or one that cannot be read (`missing_period`, "
                         "`bad_period`), or a survey with no answers in the reader's scope "
                         "(`bad_survey`)."),
            "401": unauthorized,
            "429": too_many,
        },
    }}
