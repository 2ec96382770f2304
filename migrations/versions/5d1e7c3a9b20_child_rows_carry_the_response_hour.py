"""child rows carry the response's hour; submission ids in their own table

Answers, response factors and comments get their response's `submitted_hour` and
reference `(response_id, submitted_hour)`, what monthly partitions of responses need
(docs/deployment.md §8): a partitioned table's keys must hold the partition key. The
uniqueness of a form's submission id moves to table `submission_ids` (its primary
key), since `responses` cannot keep a unique index on it once partitioned. Existing
rows are filled from their responses. Downgrade restores the single-column keys.

Revision ID: 5d1e7c3a9b20
Revises: 0a02e048a75d
Create Date: 2026-12-02 05:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e7c3a9b20'
down_revision = '0a02e048a75d'
branch_labels = None
depends_on = None

CHILDREN = ("answers", "response_factors", "comments")


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_responses_submission_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_responses_id_submitted_hour'),
                                          ['id', 'submitted_hour'])
    for table in CHILDREN:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('submitted_hour', sa.DateTime(), nullable=True))
        op.execute(f"UPDATE {table} SET submitted_hour = (SELECT responses.submitted_hour "
                   f"FROM responses WHERE responses.id = {table}.response_id)")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('submitted_hour', existing_type=sa.DateTime(),
                                  nullable=False)
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_response_id_responses'),
                                     type_='foreignkey')
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_response_id_responses'), 'responses',
                ['response_id', 'submitted_hour'], ['id', 'submitted_hour'], ondelete='CASCADE')
    op.create_table('submission_ids',
    sa.Column('submission_id', sa.String(length=36), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('submitted_hour', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['response_id', 'submitted_hour'], ['responses.id', 'responses.submitted_hour'], name=op.f('fk_submission_ids_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('submission_id', name=op.f('pk_submission_ids'))
    )
    with op.batch_alter_table('submission_ids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_ids_response_id'), ['response_id'],
                              unique=False)
    op.execute("INSERT INTO submission_ids (submission_id, response_id, submitted_hour) "
               "SELECT submission_id, id, submitted_hour FROM responses "
               "WHERE submission_id IS NOT NULL")


def downgrade():
    op.drop_table('submission_ids')
    for table in CHILDREN:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_response_id_responses'),
                                     type_='foreignkey')
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_response_id_responses'), 'responses',
                ['response_id'], ['id'], ondelete='CASCADE')
            batch_op.drop_column('submitted_hour')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_responses_id_submitted_hour'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_responses_submission_id'),
                                          ['submission_id'])
