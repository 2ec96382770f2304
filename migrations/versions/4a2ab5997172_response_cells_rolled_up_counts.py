"""response cells: rolled-up counts

One row per local day × agency × counter × sector × channel × questionnaire version ×
campaign with what every figure needs (models/rollup.py says what each column
holds). Existing responses are counted here, by one INSERT … SELECT; new ones by
their writers (services/rollups/upkeep.py).

Revision ID: 4a2ab5997172
Revises: d3f8a1c6e2b4
Create Date: 2026-12-02 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4a2ab5997172'
down_revision = 'd3f8a1c6e2b4'
branch_labels = None
depends_on = None

SLOTS = 8
VECTOR = [f"{kind}_{slot}" for kind in ("satisfied", "scored") for slot in range(1, SLOTS + 1)]
SHORT = {name: f"{'s' if name.startswith('satisfied') else 'm'}{name.split('_')[1]}"
         for name in VECTOR}
PAIRS = [(a, b) for i, a in enumerate(VECTOR) for b in VECTOR[i:]]
KEYS = ["day", "agency_id", "counter_id", "sector_id", "channel", "questionnaire_version_id",
        "campaign_id"]
COUNTS = ["responses", "n", "satisfied", "repeat_device", "tallied"]
RESPONDENTS = [f"respondents_{slot}" for slot in range(1, SLOTS + 1)]
PRODUCTS = [f"x_{SHORT[a]}_{SHORT[b]}" for a, b in PAIRS]


def upgrade():
    op.create_table('response_cells',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('agency_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('counter_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('sector_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('questionnaire_version_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('campaign_id', sa.Integer(), autoincrement=False, nullable=False),
    *[sa.Column(name, sa.Integer(), nullable=False)
      for name in COUNTS + VECTOR + RESPONDENTS + PRODUCTS],
    sa.PrimaryKeyConstraint(*KEYS, name=op.f('pk_response_cells'))
    )
    _count_existing_responses()


def _count_existing_responses():
    responses = sa.table("responses", *[sa.column(name) for name in (
        "id", "agency_id", "counter_id", "sector_id", "channel", "questionnaire_version_id",
        "campaign_id", "submitted_hour", "overall_score", "repeat_device")])
    factors = sa.table("response_factors", sa.column("response_id"),
                       *[sa.column(name) for name in VECTOR])
    r, f = responses.c, factors.c
    if op.get_bind().dialect.name == "postgresql":
        day = sa.cast(r.submitted_hour + sa.literal_column("interval '7 hours'"), sa.Date)
    else:
        day = sa.func.date(r.submitted_hour, "+7 hours")
    keys = [day, r.agency_id, sa.func.coalesce(r.counter_id, 0),
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
    cells = sa.table("response_cells", *[sa.column(name) for name in
                                         KEYS + COUNTS + VECTOR + RESPONDENTS + PRODUCTS])
    op.execute(cells.insert().from_select(KEYS + COUNTS + VECTOR + RESPONDENTS + PRODUCTS,
                                          counted))


def downgrade():
    op.drop_table('response_cells')
