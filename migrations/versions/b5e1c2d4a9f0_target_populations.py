"""target populations: channels and agency levels

A target's population is its questionnaire kinds, sector groups, channels and agency
levels (an empty list: all). Existing targets cover all channels and levels.

Revision ID: b5e1c2d4a9f0
Revises: f7d0420ed68c
Create Date: 2026-12-01 21:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5e1c2d4a9f0'
down_revision = 'f7d0420ed68c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channels', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('levels', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))


def downgrade():
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_column('levels')
        batch_op.drop_column('channels')
