"""Staff account tasks: search, roles, organisations and deactivation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import ApiToken, AuditEvent, User
from app.models.base import utcnow
from app.services import accounts
from app.services.accounts import tokens
from app.services.errors import Conflict, Invalid
from tests import factories


def test_search_finds_by_part_of_name_or_email_and_by_role(db):
    ada = factories.learner(full_name="Ada Lovelace", email="ada@example.test")
    factories.instructor(full_name="Grace Hopper", email="grace@navy.test")
    assert accounts.search_users(db.session, "LOVE") == [ada]
    assert [u.full_name for u in accounts.search_users(db.session, "navy")] == ["Grace Hopper"]
    assert [u.full_name for u in accounts.search_users(db.session, "", role="instructor")] == [
        "Grace Hopper"]


def test_granting_and_revoking_roles_is_audited(db):
    admin = factories.admin()
    user = factories.learner()
    accounts.grant_role(db.session, admin, user, "instructor")
    accounts.revoke_role(db.session, admin, user, "learner")
    db.session.expire_all()
    assert db.session.get(User, user.id).roles == {"instructor"}
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == user.id,
                                                                 AuditEvent.subject_type == "user"))
    assert list(actions) == ["role.granted", "role.revoked"]


def test_an_unknown_role_is_invalid_and_own_admin_role_stays(db):
    admin = factories.admin()
    with pytest.raises(Invalid):
        accounts.grant_role(db.session, admin, admin, "superuser")
    with pytest.raises(Conflict):
        accounts.revoke_role(db.session, admin, admin, "admin")


def test_attaching_an_employer_creates_the_organisation_once(db):
    admin = factories.admin()
    first = factories.UserFactory(roles=["employer"])
    second = factories.UserFactory(roles=["employer"])
    accounts.attach_organisation(db.session, admin, first, "Mercy Hospital")
    accounts.attach_organisation(db.session, admin, second, "mercy hospital")
    assert first.organisation_id == second.organisation_id is not None
    accounts.attach_organisation(db.session, admin, second, "")
    assert second.organisation_id is None


def test_deactivated_user_keeps_records_and_loses_tokens(db):
    admin = factories.admin()
    user = factories.learner()
    raw, _ = tokens.issue_token(db.session, user.email, factories.DEFAULT_PASSWORD, utcnow(), 30)
    accounts.deactivate_user(db.session, admin, user, utcnow())
    assert tokens.user_for_token(db.session, raw, utcnow()) is None
    assert db.session.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == user.id))
    assert db.session.get(User, user.id).active is False
    epoch = user.session_epoch
    accounts.reactivate_user(db.session, admin, user, utcnow())
    assert tokens.user_for_token(db.session, raw, utcnow()) is None  # old tokens stay revoked
    assert user.session_epoch > epoch  # and so do cookies made before the deactivation


def test_staff_cannot_deactivate_themselves(db):
    admin = factories.admin()
    with pytest.raises(Conflict):
        accounts.deactivate_user(db.session, admin, admin, utcnow())
