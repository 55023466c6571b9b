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
