"""responses, answers and response factors partitioned by month (PostgreSQL)

Each of the three becomes a table partitioned by range of `submitted_hour`: one
partition per local month from the first stored response's month to three months
ahead, and a default partition (survey_app/services/partitions.py; the worker keeps
months ahead with `flask partitions ensure`). Rows are copied month by month and the
tables swapped by rename in the migration's transaction. SQLite has no partitions:
nothing changes there. Downgrade makes them plain tables again, rows kept.

Revision ID: a8c3f2d15e67
Revises: 5d1e7c3a9b20
Create Date: 2026-12-02 06:00:00.000000

"""
from alembic import op

from survey_app.services import partitions


# revision identifiers, used by Alembic.
revision = 'a8c3f2d15e67'
down_revision = '5d1e7c3a9b20'
branch_labels = None
depends_on = None


def upgrade():
    partitions.partition(op.get_bind())


def downgrade():
    partitions.unpartition(op.get_bind())
