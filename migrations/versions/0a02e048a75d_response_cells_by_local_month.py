"""response cells by local month

Cells by day were nearly as many as responses (a province has ~800 counter × sector ×
channel places, each with a few answers a day); by month a year is ~10,000 cells.
The table is derived data: dropped and counted again from the rows. Downgrading
restores the cells by day (the previous revision's upgrade).

Revision ID: 0a02e048a75d
Revises: 9c4e7a2f1d6b
Create Date: 2026-12-02 00:50:00.000000

"""
import importlib.util
from pathlib import Path

from alembic import op
import sqlalchemy as sa

from survey_app.i18n import utc_offset_hours


# revision identifiers, used by Alembic.
revision = '0a02e048a75d'
down_revision = '9c4e7a2f1d6b'
branch_labels = None
depends_on = None

SLOTS = 8
VECTOR = [f"{kind}_{slot}" for kind in ("satisfied", "scored") for slot in range(1, SLOTS + 1)]
SHORT = {name: f"{'s' if name.startswith('satisfied') else 'm'}{name.split('_')[1]}"
         for name in VECTOR}
PAIRS = [(a, b) for i, a in enumerate(VECTOR) for b in VECTOR[i:]]
KEYS = ["month", "agency_id", "counter_id", "sector_id", "channel",
        "questionnaire_version_id", "campaign_id"]
MEASURES = (["responses", "n", "satisfied", "repeat_device", "tallied"] + VECTOR
            + [f"respondents_{slot}" for slot in range(1, SLOTS + 1)]
            + [f"x_{SHORT[a]}_{SHORT[b]}" for a, b in PAIRS])


def upgrade():
    op.drop_table('response_cells')
    op.create_table('response_cells',
    sa.Column('month', sa.Date(), nullable=False),
    *[sa.Column(name, sa.Integer(), autoincrement=False, nullable=False)
      if name != "channel" else sa.Column(name, sa.String(length=10), nullable=False)
      for name in KEYS[1:]],
    *[sa.Column(name, sa.Integer(), nullable=False) for name in MEASURES],
    sa.PrimaryKeyConstraint(*KEYS, name=op.f('pk_response_cells'))
    )
    responses = sa.table("responses", *[sa.column(name) for name in (
        "id", "agency_id", "counter_id", "sector_id", "channel", "questionnaire_version_id",
        "campaign_id", "submitted_hour", "overall_score", "repeat_device")])
    factors = sa.table("response_factors", sa.column("response_id"),
                       *[sa.column(name) for name in VECTOR])
    r, f = responses.c, factors.c
    hours = utc_offset_hours()  # DISPLAY_TIMEZONE's: one whole number of hours all year
    if op.get_bind().dialect.name == "postgresql":
        month = sa.cast(sa.func.date_trunc(
            "month", r.submitted_hour + sa.literal_column(f"interval '{hours} hours'")),
            sa.Date)
    else:
        month = sa.func.date(r.submitted_hour, f"{hours:+d} hours", "start of month")
    keys = [month, r.agency_id, sa.func.coalesce(r.counter_id, 0),
            sa.func.coalesce(r.sector_id, 0), r.channel, r.questionnaire_version_id,
            sa.func.coalesce(r.campaign_id, 0)]
    measures = [
        sa.func.count(), sa.func.count(r.overall_score),
        sa.func.sum(sa.case((r.overall_score >= 4, 1), else_=0)),
        sa.func.sum(sa.case((r.repeat_device.is_(True), 1), else_=0)),
        sa.func.count(f.response_id),
        *[sa.func.coalesce(sa.func.sum(f[name]), 0) for name in VECTOR],
        *[sa.func.sum(sa.case((f[f"scored_{slot}"] > 0, 1), else_=0))
          for slot in range(1, SLOTS + 1)],
        *[sa.func.coalesce(sa.func.sum(f[a] * f[b]), 0) for a, b in PAIRS],
    ]
    counted = (sa.select(*keys, *measures)
               .select_from(responses.outerjoin(factors, f.response_id == r.id))
               .where(sa.true()).group_by(*keys))
    cells = sa.table("response_cells", *[sa.column(name) for name in KEYS + MEASURES])
    op.execute(cells.insert().from_select(KEYS + MEASURES, counted))


def downgrade():
    op.drop_table('response_cells')
    path = Path(__file__).with_name("4a2ab5997172_response_cells_rolled_up_counts.py")
    spec = importlib.util.spec_from_file_location("cells_by_day", path)
    by_day = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(by_day)
    by_day.upgrade()
