"""course description in Spanish: an optional Course.description_es, shown on Spanish pages
when set (else the English description).

Nullable, so existing rows need no value; batch mode because SQLite cannot ALTER a table's
columns in place.

Revision ID: a7c3e5d91b24
Revises: fe1b58ed69ad
Create Date: 2026-12-02 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e5d91b24'
down_revision = 'fe1b58ed69ad'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description_es', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('description_es')
