"""user session epoch: a per-user counter that is part of every session and remember-me
cookie (raising it ends them all), and the user's preferred language for GET /api/v1/me.

Both columns are NOT NULL with a server default, so existing rows get 0 and "en"; batch mode
because SQLite cannot ALTER a table's columns in place.

Revision ID: d4598bf41550
Revises: e9f54add6ae4
Create Date: 2026-12-01 22:52:00.317445

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4598bf41550'
down_revision = 'e9f54add6ae4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('preferred_language', sa.String(length=8), server_default='en', nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('preferred_language')
        batch_op.drop_column('session_epoch')
