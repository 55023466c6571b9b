"""blended learning and class operations (issue 19): the online part of a blended enrollment
(its optional PDF kept in the database, at most 2 MB), the keycode bank, the once-only records
of class reminders, the course's `what_to_bring`, the session's `arrival_notes`, the invite's
SEQUENCE per enrollment, the online part on an issued certificate, and the new mail kinds.

New NOT NULL columns carry server defaults so existing rows get "" and 0; batch mode because
SQLite cannot ALTER a table's columns in place.

Revision ID: 35f6022cf9b1
Revises: d4598bf41550
Create Date: 2026-12-02 00:44:38.145919

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '35f6022cf9b1'
down_revision = 'd4598bf41550'
branch_labels = None
depends_on = None

OLD_KINDS = ('enrollment_confirmed', 'waitlist_joined', 'waitlist_promoted',
             'enrollment_cancelled', 'enrollment_transferred', 'session_changed',
             'session_cancelled', 'certificate_issued', 'certificate_revoked',
             'renewal_reminder', 'password_reset', 'authorisation_reminder',
             'account_created', 'registration_attempt')
NEW_KINDS = (*OLD_KINDS, 'class_reminder', 'instructor_roster', 'low_enrollment',
             'keycodes_low', 'card_lookup')


def _kinds(kinds) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def upgrade():
    op.create_table('class_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=True),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('class_reminder', 'instructor_roster', 'low_enrollment')", name=op.f('ck_class_reminder_kind_known')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_class_reminder_enrollment_id_enrollment')),
    sa.ForeignKeyConstraint(['recipient_id'], ['user.id'], name=op.f('fk_class_reminder_recipient_id_user')),
    sa.ForeignKeyConstraint(['session_id'], ['class_session.id'], name=op.f('fk_class_reminder_session_id_class_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_class_reminder'))
    )
    with op.batch_alter_table('class_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_class_reminder_session_id'), ['session_id'], unique=False)
        batch_op.create_index('uq_class_reminder_enrollment_kind', ['enrollment_id', 'kind'], unique=True, sqlite_where=sa.text('enrollment_id IS NOT NULL'), postgresql_where=sa.text('enrollment_id IS NOT NULL'))
        batch_op.create_index('uq_class_reminder_session_recipient_kind', ['session_id', 'recipient_id', 'kind'], unique=True, sqlite_where=sa.text('enrollment_id IS NULL'), postgresql_where=sa.text('enrollment_id IS NULL'))

    op.create_table('keycode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=True),
    sa.Column('used_up', sa.Boolean(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=True),
    sa.Column('loaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_keycode_course_id_course')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_keycode_enrollment_id_enrollment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_keycode')),
    sa.UniqueConstraint('course_id', 'key', name='uq_keycode_course_key'),
    sa.UniqueConstraint('enrollment_id', name=op.f('uq_keycode_enrollment_id'))
    )
    with op.batch_alter_table('keycode', schema=None) as batch_op:
        batch_op.create_index('ix_keycode_free', ['course_id', 'used_up', 'enrollment_id'], unique=False)

    op.create_table('online_part',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('certificate_id', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('pdf_name', sa.String(length=200), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('pdf IS NULL OR length(pdf) <= 2097152', name=op.f('ck_online_part_pdf_within_limit')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['user.id'], name=op.f('fk_online_part_confirmed_by_id_user')),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_online_part_enrollment_id_enrollment')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_online_part_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_online_part')),
    sa.UniqueConstraint('enrollment_id', name=op.f('uq_online_part_enrollment_id'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online_part_completed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('online_part_certificate_id', sa.String(length=64), nullable=True))

    with op.batch_alter_table('class_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arrival_notes', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('what_to_bring', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('online_course_url', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('keycodes_low_alerted_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invite_sequence', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_kind_known'), _kinds(NEW_KINDS))


def downgrade():
    op.execute("DELETE FROM notification WHERE kind IN ('class_reminder', 'instructor_roster', "
               "'low_enrollment', 'keycodes_low', 'card_lookup')")
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_kind_known'), _kinds(OLD_KINDS))

    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.drop_column('invite_sequence')

    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('keycodes_low_alerted_at')
        batch_op.drop_column('online_course_url')
        batch_op.drop_column('what_to_bring')

    with op.batch_alter_table('class_session', schema=None) as batch_op:
        batch_op.drop_column('arrival_notes')

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_column('online_part_certificate_id')
        batch_op.drop_column('online_part_completed_on')

    op.drop_table('online_part')
    with op.batch_alter_table('keycode', schema=None) as batch_op:
        batch_op.drop_index('ix_keycode_free')

    op.drop_table('keycode')
    with op.batch_alter_table('class_reminder', schema=None) as batch_op:
        batch_op.drop_index('uq_class_reminder_session_recipient_kind', sqlite_where=sa.text('enrollment_id IS NULL'), postgresql_where=sa.text('enrollment_id IS NULL'))
        batch_op.drop_index('uq_class_reminder_enrollment_kind', sqlite_where=sa.text('enrollment_id IS NOT NULL'), postgresql_where=sa.text('enrollment_id IS NOT NULL'))
        batch_op.drop_index(batch_op.f('ix_class_reminder_session_id'))

    op.drop_table('class_reminder')
