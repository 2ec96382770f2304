"""staff users: second-factor secrets encrypted, wrong codes counted on the account

`totp_secret` held the base32 secret in clear; it now holds its Fernet encryption
under TOTP_ENCRYPTION_KEY (or a key derived from SECRET_KEY), so the column grows.
`totp_failures` counts wrong one-time codes on the server: the count lived in the
pending-login cookie, which could be replayed.

The downgrade decrypts the secrets back into the narrower column.

Revision ID: c7a2e5f1b3d8
Revises: 4a7099023307
Create Date: 2026-12-01 22:00:00

"""
import base64
import hashlib
import hmac

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet
from flask import current_app

# revision identifiers, used by Alembic.
revision = 'c7a2e5f1b3d8'
down_revision = '4a7099023307'
branch_labels = None
depends_on = None

staff_users = sa.table('staff_users', sa.column('id', sa.Integer),
                       sa.column('totp_secret', sa.String))


def _fernet() -> Fernet:
    """totp._fernet() as of this revision (config.server_key of TOTP_ENCRYPTION_KEY)."""
    own = (current_app.config.get('TOTP_ENCRYPTION_KEY') or '').strip()
    if own:
        key = hashlib.sha256(own.encode('utf-8')).digest()
    else:
        secret = (current_app.config.get('SECRET_KEY') or '').encode('utf-8')
        key = hmac.new(secret, b'TOTP_ENCRYPTION_KEY', hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _convert(change) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(staff_users.c.id, staff_users.c.totp_secret)
                              .where(staff_users.c.totp_secret.is_not(None))).all()
    for row in rows:
        connection.execute(staff_users.update().where(staff_users.c.id == row.id)
                           .values(totp_secret=change(row.totp_secret.encode('ascii'))))


def upgrade():
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_failures', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64),
                              type_=sa.String(length=255), existing_nullable=True)
    fernet = _fernet()
    _convert(lambda secret: fernet.encrypt(secret).decode('ascii'))
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.alter_column('totp_failures', server_default=None)


def downgrade():
    fernet = _fernet()
    _convert(lambda sealed: fernet.decrypt(sealed).decode('ascii'))
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=255),
                              type_=sa.String(length=64), existing_nullable=True)
        batch_op.drop_column('totp_failures')
