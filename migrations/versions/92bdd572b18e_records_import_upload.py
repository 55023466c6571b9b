"""records import upload: uploaded certificate files wait in the database, not on a web
host's disk, between their preview and the confirmation.

A new table only, so no server defaults are needed (created_at is always set by the app);
the indexes go through batch mode like the initial schema's, which SQLite needs for ALTERs.

Revision ID: 92bdd572b18e
Revises: 1262ce1dec62
Create Date: 2026-12-01 22:01:01.427894

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '92bdd572b18e'
down_revision = '1262ce1dec62'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('records_import_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('csv_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('length(token) = 32', name=op.f('ck_records_import_upload_token_length')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_records_import_upload_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_records_import_upload')),
    sa.UniqueConstraint('token', name=op.f('uq_records_import_upload_token'))
    )
    with op.batch_alter_table('records_import_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_records_import_upload_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_records_import_upload_uploaded_by_id'), ['uploaded_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('records_import_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_records_import_upload_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_records_import_upload_created_at'))

    op.drop_table('records_import_upload')
