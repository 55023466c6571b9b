"""Accounts: learners' own accounts, staff tasks on users, passwords and API tokens."""

from app.services.accounts.credentials import (
    change_password,
    end_sessions,
    password_matches,
    reset_password,
    set_password,
    sign_out_everywhere,
)
from app.services.accounts.signup import register
from app.services.accounts.staff import (
    active_instructors,
    attach_organisation,
    deactivate_user,
    get_user,
    grant_role,
    organisations,
    reactivate_user,
    revoke_role,
    search_users,
)
from app.services.accounts.users import (
    LANGUAGES,
    any_accounts,
    authenticate,
    certificates_of,
    create_user,
    normalise_email,
    password_reset_token,
    request_password_reset,
    set_preferred_language,
    set_reminder_opt_out,
    user_by_email,
    user_for_reset_token,
)

__all__ = [
    "LANGUAGES", "set_preferred_language",
    "active_instructors", "any_accounts", "attach_organisation", "authenticate", "certificates_of",
    "change_password", "create_user", "deactivate_user", "end_sessions", "get_user",
    "grant_role", "normalise_email", "organisations", "password_matches", "password_reset_token",
    "reactivate_user", "register", "request_password_reset", "reset_password", "revoke_role",
    "search_users", "set_password", "set_reminder_opt_out", "sign_out_everywhere",
    "user_by_email", "user_for_reset_token",
]
