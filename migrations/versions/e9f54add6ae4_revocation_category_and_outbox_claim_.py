"""revocation category and outbox claim token

certificate.revocation_category: the public side of a revocation, from a fixed vocabulary
(app.models.vocab.REVOCATION_CATEGORIES, checked like the other enum columns); NULL while the
certificate is not revoked, so no server default. Certificates revoked before this revision
get one by rule: a certificate that a reissue replaced is `replaced`, any other `withdrawn`.

notification.claim_token: written by the claim that holds a `sending` row; NULL otherwise, so
existing rows need no value.

Both ALTERs go through batch mode, which SQLite needs for the CHECK.

Revision ID: e9f54add6ae4
Revises: 3c1a7e5d9b20
Create Date: 2026-12-01 22:55:19.435502

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e9f54add6ae4'
down_revision = "3c1a7e5d9b20"
branch_labels = None
depends_on = None

CATEGORIES = ("issued_in_error", "replaced", "withdrawn", "training_not_completed")


def upgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revocation_category', sa.String(length=32), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_certificate_revocation_category_known'),
            "revocation_category IN ({})".format(", ".join(f"'{c}'" for c in CATEGORIES)))

    op.execute(
        "UPDATE certificate SET revocation_category = CASE WHEN EXISTS "
        "(SELECT 1 FROM certificate AS replacement WHERE replacement.replaces_id = certificate.id) "
        "THEN 'replaced' ELSE 'withdrawn' END "
        "WHERE revoked_at IS NOT NULL"
    )

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('claim_token')

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_certificate_revocation_category_known'), type_='check')
        batch_op.drop_column('revocation_category')
