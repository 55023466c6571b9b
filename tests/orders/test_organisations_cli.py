"""`users create --organisation NAME`: the employer joins the organisation, made when new."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import Organisation
from app.services import accounts


def create(app, email: str, *extra: str):
    args = ["users", "create", "--email", email, "--name", "Erin Employer", "--role", "employer",
            "--password-stdin", *extra]
    return app.test_cli_runner().invoke(args=args, input="correct horse battery\n")


def test_users_create_puts_an_employer_in_an_organisation_made_when_new(app, db):
    first = create(app, "hr@mercy.test", "--organisation", "Mercy Hospital")
    assert first.exit_code == 0, first.output
    assert "of Mercy Hospital" in first.output
    second = create(app, "hr2@mercy.test", "--organisation", "mercy hospital")
    assert second.exit_code == 0, second.output
    assert _db.session.scalar(select(func.count()).select_from(Organisation)) == 1
    users = [accounts.user_by_email(_db.session, e) for e in ("hr@mercy.test", "hr2@mercy.test")]
    assert {u.organisation.name for u in users} == {"Mercy Hospital"}


def test_a_bad_organisation_name_is_one_line_of_error_and_no_account(app, db):
    refused = create(app, "hr@bad.test", "--organisation", "Two\nLines")
    assert refused.exit_code == 1
    assert len(refused.output.strip().splitlines()) == 1
    assert accounts.user_by_email(_db.session, "hr@bad.test") is None
