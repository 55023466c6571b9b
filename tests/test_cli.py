"""The command line: users create, catalog load, demo seed (API.md "Command line")."""

from __future__ import annotations

from sqlalchemy import func, select

from app import production as production_checks
from app.models import Course, User
from app.services import accounts
from app.services.accounts import passwords
from app.services.catalog.standard import STANDARD_COURSES
from tests import factories


def create_user(app, *extra: str, email: str = "Pat.Admin@Example.test", password_line: str | None):
    args = ["users", "create", "--email", email, "--name", "Pat Admin", "--role", "admin", *extra]
    return app.test_cli_runner().invoke(args=args, input=password_line)


def assert_one_line_user_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def row_counts(db) -> dict[str, int]:
    return {table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in db.metadata.sorted_tables}


def test_users_create_reads_one_password_line_from_stdin(app, db):
    result = create_user(app, "--role", "instructor", "--password-stdin",
                         password_line="correct horse battery staple\r\nsecond line\n")
    assert result.exit_code == 0, result.output
    user = accounts.user_by_email(db.session, "pat.admin@example.test")
    assert user.email == "pat.admin@example.test"
    assert user.roles == {"admin", "instructor"}
    assert passwords.verify_password(user.password_hash, "correct horse battery staple")
    assert not passwords.verify_password(user.password_hash, "correct horse battery staple\r")


def test_users_create_refuses_an_existing_email_in_any_case(app, db):
    factories.learner(email="pat.admin@example.test")
    result = create_user(app, "--password-stdin", password_line="another long password\n")
    line = assert_one_line_user_error(result)
    assert "already exists" in line
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_users_create_refuses_a_bad_email(app, db):
    result = create_user(app, "--password-stdin", email="not an e-mail",
                         password_line="a long enough password\n")
    assert_one_line_user_error(result)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_users_create_refuses_a_short_password_and_a_missing_stdin_flag(app, db):
    short = create_user(app, "--password-stdin", password_line="short\n")
    assert "password" in assert_one_line_user_error(short)
    no_flag = create_user(app, password_line="a long enough password\n")
    assert "--password-stdin" in assert_one_line_user_error(no_flag)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_catalog_load_is_idempotent_from_the_command_line(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["catalog", "load"])
    assert first.exit_code == 0 and f"{len(STANDARD_COURSES)} created, 0 updated" in first.output
    before = row_counts(db)
    second = runner.invoke(args=["catalog", "load"])
    assert second.exit_code == 0 and f"0 created, {len(STANDARD_COURSES)} updated" in second.output
    after = row_counts(db)
    assert after["course"] == before["course"] == len(STANDARD_COURSES)


def test_demo_seed_loads_an_empty_catalog_and_a_second_run_changes_nothing(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    assert "lifeline-demo" in first.output
    assert db.session.scalar(select(func.count()).select_from(Course)) == len(STANDARD_COURSES)
    before = row_counts(db)
    assert before["certificate"] >= 10 and before["class_session"] >= 10
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0 and "nothing changed" in second.output
    assert row_counts(db) == before


def test_demo_seed_for_a_new_database_only_leaves_a_used_one_alone(app, db):
    factories.admin(email="someone@center.test")
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--if-new-database"])
    assert result.exit_code == 0, result.output
    assert accounts.user_by_email(db.session, "admin@lifeline.test") is None
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_demo_seed_refuses_to_run_in_production(app_factory, monkeypatch):
    # The start-up refusals (tests/test_production_start.py) are not what this test is about.
    monkeypatch.setattr(production_checks, "check_settings", lambda config: None)
    monkeypatch.setattr(production_checks, "check_database", lambda app: None)
    production = app_factory(ENV_NAME="production")
    with production.app_context():
        result = production.test_cli_runner().invoke(args=["demo", "seed"])
        assert "production" in assert_one_line_user_error(result)
        assert accounts.user_by_email(production.extensions["sqlalchemy"].session,
                                      "admin@lifeline.test") is None


def test_users_create_refuses_an_unknown_role_in_one_line(app, db):
    result = create_user(app, "--role", "wizard", "--password-stdin",
                         password_line="a long enough password\n")
    assert "unknown role wizard" in assert_one_line_user_error(result)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_users_create_stores_the_email_as_accounts_normalise_it(app, db):
    result = create_user(app, "--password-stdin", email="  Pat.Admin@Example.TEST ",
                         password_line="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert accounts.user_by_email(db.session, "pat.admin@example.test") is not None
    bad = create_user(app, "--password-stdin", email="pat@", password_line="a long enough password\n")
    assert assert_one_line_user_error(bad).startswith("Error: email: ")


def set_password(app, email: str, password_line: str | None, *extra: str):
    return app.test_cli_runner().invoke(
        args=["users", "set-password", "--email", email, *extra], input=password_line)


def test_users_set_password_ends_the_users_sessions_and_tokens(app, db, api_token):
    user = factories.learner(email="kim@example.test")
    token = api_token(user)
    browser = app.test_client()
    browser.post("/login", data={"email": user.email, "password": factories.DEFAULT_PASSWORD})
    assert browser.get("/me").status_code == 200
    result = set_password(app, "Kim@Example.test", "a brand new password\n", "--password-stdin")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert passwords.verify_password(user.password_hash, "a brand new password")
    assert browser.get("/me").status_code == 302
    assert browser.get("/api/v1/me", headers=token).status_code == 401


def test_users_set_password_refuses_bad_input_in_one_line(app, db):
    factories.learner(email="kim@example.test")
    assert "no account" in assert_one_line_user_error(
        set_password(app, "nobody@example.test", "a brand new password\n", "--password-stdin"))
    assert "10 characters" in assert_one_line_user_error(
        set_password(app, "kim@example.test", "short\n", "--password-stdin"))
    assert "--password-stdin" in assert_one_line_user_error(
        set_password(app, "kim@example.test", None))
