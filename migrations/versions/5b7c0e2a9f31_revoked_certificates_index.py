"""revoked certificates index: a partial index of the revoked certificates (revoked_at, id),
so the revocation status list's version (API-2 §5) is read from a small index-only scan
instead of a scan of every certificate on each wallet's poll.

Revision ID: 5b7c0e2a9f31
Revises: 35f6022cf9b1
Create Date: 2026-12-02 01:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7c0e2a9f31'
down_revision = '35f6022cf9b1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index('ix_certificate_revoked', ['revoked_at', 'id'], unique=False,
                              sqlite_where=sa.text('revoked_at IS NOT NULL'),
                              postgresql_where=sa.text('revoked_at IS NOT NULL'))


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index('ix_certificate_revoked',
                            sqlite_where=sa.text('revoked_at IS NOT NULL'),
                            postgresql_where=sa.text('revoked_at IS NOT NULL'))
