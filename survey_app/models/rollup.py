"""Rolled-up counts: one row per local month × counter × sector × channel × version × campaign.

Every figure of the dashboard, the reports, the public page and the API is a sum over
these cells (services/rollups/ keeps them and checks them against the rows). A cell
holds, for its responses:

- `responses`, `n` (with an overall score), `satisfied` (overall 4–5), `repeat_device`;
- `tallied`: responses with a response_factors row, the respondents of the service
  index; per factor slot k the sums of its satisfied and scored answers
  (`satisfied_k`, `scored_k`), `respondents_k` (responses with a scored answer in
  slot k), and every cross-product Σ y_a·y_b of the vector y = (satisfied_1…8,
  scored_1…8) that the ratio estimators' covariance needs (`x_<a>_<b>`, a ≤ b).

`month` is the first day of the local month (DISPLAY_TIMEZONE, one whole number of
hours from UTC all year: Asia/Ho_Chi_Minh, UTC+7) of the response's UTC hour:
quarters, halves and years are whole months, and a custom range of days reads its
whole months here and the days at either end from the rows
(services/rollups/reading.py). A day would make cells nearly as many as responses (a
province has ~800 counter × sector × channel places); a month makes a year's
dashboard read ~10,000 cells whatever the number of responses. Key columns hold 0 for
"none" (no counter, sector or campaign): a primary key cannot hold NULL. The cells are
derived data: no foreign keys, rebuilt from the rows by `flask rollups rebuild`
(after a change of DISPLAY_TIMEZONE too).
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, String, Table

from survey_app.extensions import db
from survey_app.models.response import FACTOR_SLOTS

# Key columns whose "none" is stored as 0.
OPTIONAL_KEYS = ("counter_id", "sector_id", "campaign_id")
KEYS = ("month", "agency_id", "counter_id", "sector_id", "channel", "questionnaire_version_id",
        "campaign_id")
COUNTS = ("responses", "n", "satisfied", "repeat_device", "tallied")
# The respondent vector of the ratio estimators, in analysis.ratio's order.
VECTOR = tuple(f"{kind}_{slot}" for kind in ("satisfied", "scored")
               for slot in range(1, FACTOR_SLOTS + 1))
RESPONDENTS = tuple(f"respondents_{slot}" for slot in range(1, FACTOR_SLOTS + 1))


def product_name(a: str, b: str) -> str:
    """`x_s1_m3` for satisfied_1 × scored_3 (a before b in VECTOR)."""
    def short(name: str) -> str:
        kind, slot = name.split("_")
        return f"{kind[0] if kind == 'satisfied' else 'm'}{slot}"
    return f"x_{short(a)}_{short(b)}"


PAIRS = tuple((a, b) for i, a in enumerate(VECTOR) for b in VECTOR[i:])
PRODUCTS = tuple(product_name(a, b) for a, b in PAIRS)
MEASURES = COUNTS + VECTOR + RESPONDENTS + PRODUCTS

response_cells = Table(
    "response_cells",
    db.metadata,
    Column("month", Date, primary_key=True),
    Column("agency_id", Integer, primary_key=True, autoincrement=False),
    Column("counter_id", Integer, primary_key=True, autoincrement=False),
    Column("sector_id", Integer, primary_key=True, autoincrement=False),
    Column("channel", String(10), primary_key=True),
    Column("questionnaire_version_id", Integer, primary_key=True, autoincrement=False),
    Column("campaign_id", Integer, primary_key=True, autoincrement=False),
    *[Column(name, Integer, nullable=False) for name in MEASURES],
)
