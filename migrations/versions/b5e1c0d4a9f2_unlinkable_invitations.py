"""invitations: no time of use, keyed dossier hash

A used invitation kept the hour it was used (`used_at`), equal to its answer's
`submitted_hour`, and the plain SHA-256 of a guessable dossier number: joined on
counter, sector and procedure they linked an answer to its dossier. Now `used` is a
flag, a used invitation forgets its procedure and keeps its issue and expiry times
to the UTC day, and `dossier_hmac` is an HMAC of the old SHA-256 under the server's
DOSSIER_HASH_KEY (or a key derived from SECRET_KEY), which is not in the database.

The downgrade cannot restore the plain hashes: dossier references come back empty.

Revision ID: b5e1c0d4a9f2
Revises: 28cc731fc414
Create Date: 2026-12-01 21:20:00

"""
import hashlib
import hmac
from datetime import timedelta

import sqlalchemy as sa
from alembic import op
from flask import current_app

# revision identifiers, used by Alembic.
revision = 'b5e1c0d4a9f2'
down_revision = '28cc731fc414'
branch_labels = None
depends_on = None

invitations = sa.table(
    'invitations', sa.column('id', sa.Integer), sa.column('used_at', sa.DateTime),
    sa.column('used', sa.Boolean), sa.column('procedure_id', sa.Integer),
    sa.column('created_at', sa.DateTime), sa.column('expires_at', sa.DateTime),
    sa.column('dossier_sha256', sa.String), sa.column('dossier_hmac', sa.String),
)


def _dossier_key() -> bytes:
    """config.server_key(config, 'DOSSIER_HASH_KEY') as of this revision."""
    own = (current_app.config.get('DOSSIER_HASH_KEY') or '').strip()
    if own:
        return hashlib.sha256(own.encode('utf-8')).digest()
    secret = (current_app.config.get('SECRET_KEY') or '').encode('utf-8')
    return hmac.new(secret, b'DOSSIER_HASH_KEY', hashlib.sha256).digest()


def _day(moment):
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def upgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('used', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('dossier_hmac', sa.String(length=64), nullable=True))
    connection = op.get_bind()
    key = _dossier_key()
    rows = connection.execute(sa.select(
        invitations.c.id, invitations.c.used_at, invitations.c.created_at,
        invitations.c.expires_at, invitations.c.dossier_sha256,
    ).where(sa.or_(invitations.c.used_at.is_not(None),
                   invitations.c.dossier_sha256.is_not(None)))).all()
    for row in rows:
        values = {}
        if row.dossier_sha256:
            values['dossier_hmac'] = hmac.new(key, row.dossier_sha256.encode('ascii'),
                                              hashlib.sha256).hexdigest()
        if row.used_at is not None:
            values.update(used=True, procedure_id=None, created_at=_day(row.created_at),
                          expires_at=_day(row.expires_at) + timedelta(days=1))
        connection.execute(invitations.update().where(invitations.c.id == row.id)
                           .values(**values))
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.alter_column('used', server_default=None)
        batch_op.drop_column('used_at')
        batch_op.drop_column('dossier_sha256')


def downgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('used_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('dossier_sha256', sa.String(length=64), nullable=True))
    # The time of use is gone: a used invitation gets its (day-cut) issue time.
    op.execute(invitations.update().where(invitations.c.used.is_(True))
               .values(used_at=invitations.c.created_at))
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('dossier_hmac')
        batch_op.drop_column('used')
