"""stray charges: money Stripe took that no payment is owed for (a hold settled by staff
while its Checkout was open, a second Checkout paid, a wrong amount), each refunded once —
the unique payment intent is what makes it once. A new table, and the mail kind that tells the learner (the CHECK on notification.kind,
in batch mode for SQLite).

Revision ID: 76226489bf51
Revises: a7c3e5d91b24
Create Date: 2026-12-03 11:34:46.708100

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '76226489bf51'
down_revision = 'a7c3e5d91b24'
branch_labels = None
depends_on = None

OLD_KINDS = ('enrollment_confirmed', 'waitlist_joined', 'waitlist_promoted',
             'enrollment_cancelled', 'enrollment_transferred', 'session_changed',
             'session_cancelled', 'certificate_issued', 'certificate_revoked',
             'renewal_reminder', 'password_reset', 'authorisation_reminder', 'account_created',
             'registration_attempt', 'class_reminder', 'instructor_roster', 'low_enrollment',
             'keycodes_low', 'card_lookup', 'seat_held', 'payment_refunded', 'order_invitation',
             'class_scheduled', 'order_invoice')
NEW_KINDS = (*OLD_KINDS, 'stray_charge_refunded')


def _kinds(kinds) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def upgrade():
    op.create_table('stray_charge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_intent', sa.String(length=255), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('found_at', sa.DateTime(), nullable=False),
    sa.Column('refunded_at', sa.DateTime(), nullable=True),
    sa.Column('refund_reference', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_stray_charge_enrollment_id_enrollment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stray_charge')),
    sa.UniqueConstraint('payment_intent', name=op.f('uq_stray_charge_payment_intent'))
    )
    with op.batch_alter_table('stray_charge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stray_charge_enrollment_id'), ['enrollment_id'], unique=False)
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_kind_known'), _kinds(NEW_KINDS))


def downgrade():
    op.execute("DELETE FROM notification WHERE kind = 'stray_charge_refunded'")
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_kind_known'), _kinds(OLD_KINDS))
    with op.batch_alter_table('stray_charge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stray_charge_enrollment_id'))

    op.drop_table('stray_charge')
