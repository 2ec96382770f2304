"""plans: provisional (targets carried forward until the plan is issued)

Revision ID: 9c4e7a2f1d6b
Revises: c4e7a2f19b30
Create Date: 2026-12-02 00:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c4e7a2f1d6b'
down_revision = 'c4e7a2f19b30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provisional', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('provisional')
