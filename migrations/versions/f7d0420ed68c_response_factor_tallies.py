"""response factor tallies

Each response's satisfied and scored answers per factor of its questionnaire
version (slot k = the version's k-th factor), so that the service index sums one
row per respondent instead of grouping the answers. Existing responses are
tallied from their answers here; new ones when they are written.

Revision ID: f7d0420ed68c
Revises: 73acf6b6ded5
Create Date: 2026-11-26 04:20:41.624744

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f7d0420ed68c'
down_revision = '73acf6b6ded5'
branch_labels = None
depends_on = None

SLOTS = 8
NAMES = [f"{kind}_{slot}" for slot in range(1, SLOTS + 1) for kind in ("satisfied", "scored")]


def upgrade():
    op.create_table('response_factors',
    sa.Column('response_id', sa.Integer(), nullable=False),
    *[sa.Column(name, sa.SmallInteger(), nullable=False) for name in NAMES],
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_response_factors_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', name=op.f('pk_response_factors'))
    )
    _tally_existing_responses()


def _tally_existing_responses():
    """One INSERT … SELECT per questionnaire version that has factors."""
    answers = sa.table("answers", sa.column("response_id"), sa.column("item_code"),
                       sa.column("score"))
    responses = sa.table("responses", sa.column("id"), sa.column("questionnaire_version_id"))
    tallies = sa.table("response_factors", sa.column("response_id"),
                       *[sa.column(name) for name in NAMES])
    versions = op.get_bind().execute(
        sa.text("SELECT id, definition FROM questionnaire_versions")).all()
    for version_id, definition in versions:
        if isinstance(definition, str):
            definition = json.loads(definition)
        factors = (definition or {}).get("factors") or []
        if not factors:
            continue
        columns = []
        for slot in range(SLOTS):
            items = factors[slot]["items"] if slot < len(factors) else []
            if not items:
                columns += [sa.literal(0), sa.literal(0)]
                continue
            member = answers.c.item_code.in_(items)
            columns += [sa.func.sum(sa.case((member & (answers.c.score >= 4), 1), else_=0)),
                        sa.func.sum(sa.case((member, 1), else_=0))]
        every_item = sorted({item for factor in factors for item in factor["items"]})
        per_response = (
            sa.select(answers.c.response_id, *columns)
            .select_from(answers.join(responses, responses.c.id == answers.c.response_id))
            .where(responses.c.questionnaire_version_id == version_id,
                   answers.c.score.is_not(None), answers.c.item_code.in_(every_item))
            .group_by(answers.c.response_id)
        )
        op.execute(tallies.insert().from_select(["response_id", *NAMES], per_response))


def downgrade():
    op.drop_table('response_factors')
