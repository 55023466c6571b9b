"""account mail kinds: the welcome mail of a new account, and the mail to an account's holder
when someone tries to register with their address (issue 14: sign-up reveals nothing).

Only the CHECK constraint on notification.kind changes; batch mode, which SQLite needs.

Revision ID: 3c1a7e5d9b20
Revises: 92bdd572b18e
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '3c1a7e5d9b20'
down_revision = '92bdd572b18e'
branch_labels = None
depends_on = None

OLD_KINDS = ('enrollment_confirmed', 'waitlist_joined', 'waitlist_promoted',
             'enrollment_cancelled', 'enrollment_transferred', 'session_changed',
             'session_cancelled', 'certificate_issued', 'certificate_revoked',
             'renewal_reminder', 'password_reset', 'authorisation_reminder')
NEW_KINDS = (*OLD_KINDS, 'account_created', 'registration_attempt')


def _kinds(kinds) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_kind_known'), _kinds(NEW_KINDS))


def downgrade():
    op.execute("DELETE FROM notification WHERE kind IN ('account_created', 'registration_attempt')")
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notification_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notification_kind_known'), _kinds(OLD_KINDS))
