"""payments at enrollment (issue 17): a payment per priced enrollment, promo codes, the ids of
applied Stripe events, a session's own price, seats held as `pending_payment` until
`hold_expires_at`, and the two new mail kinds (seat_held, payment_refunded).

The CHECK constraints on enrollment.status and notification.kind change in batch mode, which
SQLite needs.

Revision ID: c81da1b142fa
Revises: 5b7c0e2a9f31
Create Date: 2026-12-02 00:46:22.378241

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c81da1b142fa'
down_revision = '5b7c0e2a9f31'
branch_labels = None
depends_on = None

OLD_STATUSES = ('enrolled', 'waitlisted', 'cancelled', 'passed', 'failed', 'no_show')
NEW_STATUSES = (*OLD_STATUSES, 'pending_payment')
OLD_KINDS = ('enrollment_confirmed', 'waitlist_joined', 'waitlist_promoted',
             'enrollment_cancelled', 'enrollment_transferred', 'session_changed',
             'session_cancelled', 'certificate_issued', 'certificate_revoked',
             'renewal_reminder', 'password_reset', 'authorisation_reminder',
             'account_created', 'registration_attempt', 'class_reminder',
             'instructor_roster', 'low_enrollment', 'keycodes_low', 'card_lookup')
NEW_KINDS = (*OLD_KINDS, 'seat_held', 'payment_refunded')


def _within(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    op.create_table('promo_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('percent_off', sa.Integer(), nullable=True),
    sa.Column('amount_off_cents', sa.Integer(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('max_uses', sa.Integer(), nullable=True),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(percent_off IS NULL) <> (amount_off_cents IS NULL)', name=op.f('ck_promo_code_one_discount')),
    sa.CheckConstraint('amount_off_cents IS NULL OR amount_off_cents > 0', name=op.f('ck_promo_code_amount_positive')),
    sa.CheckConstraint('max_uses IS NULL OR uses <= max_uses', name=op.f('ck_promo_code_uses_within_limit')),
    sa.CheckConstraint('percent_off IS NULL OR (percent_off >= 1 AND percent_off <= 100)', name=op.f('ck_promo_code_percent_in_range')),
    sa.CheckConstraint('uses >= 0', name=op.f('ck_promo_code_uses_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promo_code')),
    sa.UniqueConstraint('code', name=op.f('uq_promo_code_code'))
    )
    op.create_table('stripe_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stripe_event')),
    sa.UniqueConstraint('event_id', name=op.f('uq_stripe_event_event_id'))
    )
    op.create_table('promo_code_course',
    sa.Column('promo_code_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_promo_code_course_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['promo_code_id'], ['promo_code.id'], name=op.f('fk_promo_code_course_promo_code_id_promo_code'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('promo_code_id', 'course_id', name=op.f('pk_promo_code_course'))
    )
    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('discount_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('promo_code_id', sa.Integer(), nullable=True),
    sa.Column('hold_minutes', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=16), nullable=True),
    sa.Column('reference', sa.String(length=255), nullable=True),
    sa.Column('checkout_session_id', sa.String(length=255), nullable=True),
    sa.Column('checkout_url', sa.Text(), nullable=True),
    sa.Column('checkout_expires_at', sa.DateTime(), nullable=True),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.Column('refund_requested_at', sa.DateTime(), nullable=True),
    sa.Column('refunded_at', sa.DateTime(), nullable=True),
    sa.Column('refund_reference', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("method IS NULL OR method IN ('cash', 'card', 'check', 'invoice', 'stripe')", name=op.f('ck_payment_method_known')),
    sa.CheckConstraint("provider IN ('manual', 'stripe')", name=op.f('ck_payment_provider_known')),
    sa.CheckConstraint("status IN ('not_required', 'unpaid', 'pending', 'paid', 'covered', 'refunded', 'waived', 'expired')", name=op.f('ck_payment_status_known')),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_payment_amount_not_negative')),
    sa.CheckConstraint('discount_cents >= 0', name=op.f('ck_payment_discount_not_negative')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_payment_enrollment_id_enrollment')),
    sa.ForeignKeyConstraint(['promo_code_id'], ['promo_code.id'], name=op.f('fk_payment_promo_code_id_promo_code')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('enrollment_id', name=op.f('uq_payment_enrollment_id'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_checkout_session_id'), ['checkout_session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_promo_code_id'), ['promo_code_id'], unique=False)
        batch_op.create_index('ix_payment_status_refund', ['status', 'refund_requested_at'], unique=False)

    with op.batch_alter_table('class_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('price_cents', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_class_session_price_not_negative'),
                                         'price_cents IS NULL OR price_cents >= 0')

    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hold_expires_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_enrollment_status_hold', ['status', 'hold_expires_at'], unique=False)
        batch_op.drop_constraint(op.f('ck_enrollment_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_enrollment_status_known'),
                                         _within('status', NEW_STATUSES))

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_kind_known'),
                                         _within('kind', NEW_KINDS))


def downgrade():
    op.execute("DELETE FROM notification WHERE kind IN ('seat_held', 'payment_refunded')")
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_kind_known'),
                                         _within('kind', OLD_KINDS))

    # A held seat without its payment cannot be kept: the hold ends.
    op.execute("UPDATE enrollment SET status = 'cancelled' WHERE status = 'pending_payment'")
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_enrollment_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_enrollment_status_known'),
                                         _within('status', OLD_STATUSES))
        batch_op.drop_index('ix_enrollment_status_hold')
        batch_op.drop_column('hold_expires_at')

    with op.batch_alter_table('class_session', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_class_session_price_not_negative'), type_='check')
        batch_op.drop_column('price_cents')

    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_status_refund')
        batch_op.drop_index(batch_op.f('ix_payment_promo_code_id'))
        batch_op.drop_index(batch_op.f('ix_payment_checkout_session_id'))

    op.drop_table('payment')
    op.drop_table('promo_code_course')
    op.drop_table('stripe_event')
    op.drop_table('promo_code')
