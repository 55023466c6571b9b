"""employers buy training (issue 18): organisations' billing details, seat orders with their
voucher codes, the enrollments made with them, invitations, private class requests, a
session's private organisation, and the three new mail kinds.

The CHECK constraint on notification.kind changes in batch mode, which SQLite needs.

Revision ID: fe1b58ed69ad
Revises: c81da1b142fa
Create Date: 2026-12-02 01:15:01.191561

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'fe1b58ed69ad'
down_revision = 'c81da1b142fa'
branch_labels = None
depends_on = None

OLD_KINDS = ('enrollment_confirmed', 'waitlist_joined', 'waitlist_promoted',
             'enrollment_cancelled', 'enrollment_transferred', 'session_changed',
             'session_cancelled', 'certificate_issued', 'certificate_revoked',
             'renewal_reminder', 'password_reset', 'authorisation_reminder',
             'account_created', 'registration_attempt', 'class_reminder',
             'instructor_roster', 'low_enrollment', 'keycodes_low', 'card_lookup',
             'seat_held', 'payment_refunded')
NEW_KINDS = (*OLD_KINDS, 'order_invitation', 'class_scheduled', 'order_invoice')


def _within(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    op.create_table('seat_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('ordered_by_id', sa.Integer(), nullable=True),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('seats_used', sa.Integer(), nullable=False),
    sa.Column('voucher_code', sa.String(length=14), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('payment_method', sa.String(length=16), nullable=True),
    sa.Column('payment_reference', sa.String(length=255), nullable=True),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("payment_method IS NULL OR payment_method IN ('cash', 'card', 'check', 'invoice', 'stripe')", name=op.f('ck_seat_order_method_known')),
    sa.CheckConstraint("status IN ('unpaid', 'paid')", name=op.f('ck_seat_order_status_known')),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_seat_order_amount_not_negative')),
    sa.CheckConstraint('seats > 0', name=op.f('ck_seat_order_seats_positive')),
    sa.CheckConstraint('seats_used >= 0 AND seats_used <= seats', name=op.f('ck_seat_order_seats_used_within')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_seat_order_course_id_course')),
    sa.ForeignKeyConstraint(['ordered_by_id'], ['user.id'], name=op.f('fk_seat_order_ordered_by_id_user')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_seat_order_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['session_id'], ['class_session.id'], name=op.f('fk_seat_order_session_id_class_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seat_order')),
    sa.UniqueConstraint('voucher_code', name=op.f('uq_seat_order_voucher_code'))
    )
    with op.batch_alter_table('seat_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seat_order_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seat_order_session_id'), ['session_id'], unique=False)

    op.create_table('class_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('preferred_dates', sa.JSON(), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('requested', 'scheduled', 'declined')", name=op.f('ck_class_request_status_known')),
    sa.CheckConstraint('headcount > 0', name=op.f('ck_class_request_headcount_positive')),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_class_request_course_id_course')),
    sa.ForeignKeyConstraint(['order_id'], ['seat_order.id'], name=op.f('fk_class_request_order_id_seat_order')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_class_request_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_class_request_requested_by_id_user')),
    sa.ForeignKeyConstraint(['session_id'], ['class_session.id'], name=op.f('fk_class_request_session_id_class_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_class_request'))
    )
    with op.batch_alter_table('class_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_class_request_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('order_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('times_sent', sa.Integer(), nullable=False),
    sa.Column('last_sent_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['seat_order.id'], name=op.f('fk_order_invitation_order_id_seat_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_invitation')),
    sa.UniqueConstraint('order_id', 'email', name=op.f('uq_order_invitation_order_id'))
    )
    with op.batch_alter_table('order_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_invitation_order_id'), ['order_id'], unique=False)

    op.create_table('order_redemption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_order_redemption_enrollment_id_enrollment')),
    sa.ForeignKeyConstraint(['order_id'], ['seat_order.id'], name=op.f('fk_order_redemption_order_id_seat_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_redemption')),
    sa.UniqueConstraint('enrollment_id', name=op.f('uq_order_redemption_enrollment_id'))
    )
    with op.batch_alter_table('order_redemption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_redemption_order_id'), ['order_id'], unique=False)

    with op.batch_alter_table('class_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('private_for_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_class_session_private_for_id'), ['private_for_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_class_session_private_for_id_organisation'), 'organisation', ['private_for_id'], ['id'])

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('billing_contact', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('billing_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(length=500), nullable=True))

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_kind_known'),
                                         _within('kind', NEW_KINDS))


def downgrade():
    op.execute("DELETE FROM notification WHERE kind IN "
               "('order_invitation', 'class_scheduled', 'order_invoice')")
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_kind_known'),
                                         _within('kind', OLD_KINDS))

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('address')
        batch_op.drop_column('billing_email')
        batch_op.drop_column('billing_contact')

    with op.batch_alter_table('class_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_class_session_private_for_id_organisation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_class_session_private_for_id'))
        batch_op.drop_column('private_for_id')

    with op.batch_alter_table('order_redemption', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_redemption_order_id'))

    op.drop_table('order_redemption')
    with op.batch_alter_table('order_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_invitation_order_id'))

    op.drop_table('order_invitation')
    with op.batch_alter_table('class_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_class_request_organisation_id'))

    op.drop_table('class_request')
    with op.batch_alter_table('seat_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seat_order_session_id'))
        batch_op.drop_index(batch_op.f('ix_seat_order_organisation_id'))

    op.drop_table('seat_order')
