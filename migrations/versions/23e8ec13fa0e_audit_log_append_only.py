"""audit log append-only

Triggers refuse UPDATE and DELETE on audit_log, on SQLite and PostgreSQL alike
(the statements live in survey_app/models/append_only.py, which also creates them
with the table when the schema is built from the models).

Revision ID: 23e8ec13fa0e
Revises: b5e1c0d4a9f2
Create Date: 2026-12-01 21:20:00.000000

"""
from alembic import op

from survey_app.models import append_only


# revision identifiers, used by Alembic.
revision = '23e8ec13fa0e'
down_revision = 'b5e1c0d4a9f2'
branch_labels = None
depends_on = None


def upgrade():
    append_only.install(op.get_bind())


def downgrade():
    append_only.remove(op.get_bind())
