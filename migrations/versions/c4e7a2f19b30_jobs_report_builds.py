"""jobs: report builds (large reports and packages built by the task queue)

Revision ID: c4e7a2f19b30
Revises: 4a2ab5997172
Create Date: 2026-12-02 00:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4e7a2f19b30'
down_revision = '4a2ab5997172'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_jobs_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_jobs_kind'),
                                         "kind IN ('paper_import', 'report')")


def downgrade():
    # A report job is a built file waiting to be downloaded: nothing is lost but the file.
    op.execute("DELETE FROM jobs WHERE kind = 'report'")
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_jobs_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_jobs_kind'), "kind IN ('paper_import')")
