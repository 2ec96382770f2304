"""transaction volumes: late dossiers

How many of a period's dossiers were settled late, when the one-stop software says
(NULL: not reported). The 766 satisfaction-with-dossiers rate counts them.

Revision ID: 4a7099023307
Revises: 23e8ec13fa0e
Create Date: 2026-12-01 21:39:46.194965

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4a7099023307'
down_revision = '23e8ec13fa0e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('transaction_volumes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late_dossiers', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('transaction_volumes', schema=None) as batch_op:
        batch_op.drop_column('late_dossiers')

