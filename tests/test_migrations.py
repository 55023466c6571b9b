"""The schema is made by the migrations alone, on both databases, and matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.extensions import db


def test_migrations_build_every_model_table(any_db_app):
    tables = set(inspect(db.engine).get_table_names())
    assert {table.name for table in db.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_models_and_migrated_schema_do_not_drift(any_db_app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migrations_apply_from_empty_and_downgrade(kind, tmp_path):
    """A brand-new database upgrades to head, downgrades to nothing and upgrades again."""
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from tests.support import databases, services

    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        server = services.postgres_url() or services.unavailable("PostgreSQL")
        url = databases.private_postgres_url(server, purpose="fresh")
    app = create_app(databases.config_for(url))
    with app.app_context():
        upgrade()
        assert "certificate" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert "certificate" not in inspect(db.engine).get_table_names()
        upgrade()
        assert "certificate" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_certificates_revoked_before_the_category_get_one_by_rule(tmp_path):
    """e9f54add6ae4: a certificate a reissue replaced becomes `replaced`, any other revoked one
    `withdrawn`, a valid one none."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from tests.support import databases

    app = create_app(databases.config_for(f"sqlite:///{tmp_path / 'backfill.db'}"))
    with app.app_context():
        upgrade(revision="92bdd572b18e")
        now = "2026-01-01 00:00:00"
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO user (id, email, full_name, reminders_opt_out, active, created_at) "
                "VALUES (1, 'a@example.org', 'Ann', 0, 1, :now)"), {"now": now})
            connection.execute(text(
                "INSERT INTO course (id, code, family, title, description, level, topics_mask, "
                "guidelines_mask, validity_months, expiry_rule, format, duration_minutes, "
                "default_capacity, price_cents, renewal, instructor_course, active, created_at, "
                "updated_at) VALUES (1, 'BLS', 'bls', 'BLS', '', 'healthcare_provider', 15, 1, "
                "24, 'end_of_month', 'classroom', 240, 10, 0, 0, 0, 1, :now, :now)"),
                {"now": now})
            for number, revoked, replaces in ((1, now, None), (2, None, 1), (3, now, None),
                                              (4, None, None)):
                connection.execute(text(
                    "INSERT INTO certificate (id, code, holder_id, holder_name, course_id, "
                    "course_code, course_title, course_family, level, topics_mask, "
                    "guidelines_mask, training_center, issued_on, expires_on, created_at, "
                    "revoked_at, revoked_reason, replaces_id) VALUES (:id, :code, 1, 'Ann', 1, "
                    "'BLS', 'BLS', 'bls', 'healthcare_provider', 15, 1, 'C', '2025-01-01', "
                    "'2027-01-31', :now, :revoked, :reason, :replaces)"),
                    {"id": number, "code": f"C-{number}", "now": now, "revoked": revoked,
                     "reason": "private words" if revoked else None, "replaces": replaces})
        upgrade(revision="e9f54add6ae4")
        with db.engine.connect() as connection:
            categories = dict(connection.execute(
                text("SELECT id, revocation_category FROM certificate")).all())
        db.engine.dispose()
    assert categories == {1: "replaced", 2: None, 3: "withdrawn", 4: None}
