"""The world the seat benchmarks share: a migrated database with the standard catalog, N
learners and an instructor authorised for BLS."""

from __future__ import annotations

from datetime import timedelta

from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models.base import utcnow
from app.services import accounts, catalog
from app.services.catalog.standard import STANDARD_COURSES
from app.services.schedule import authorisations
from config import Config


def prepare_learners(url: str, learners: int, email_prefix: str) -> tuple[list[int], int, int]:
    """Migrate `url`, load the catalog, create the learners and an instructor: (learner ids,
    instructor id, BLS course id)."""
    config = type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": url,
                                             "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024})
    app = create_app(config)
    with app.app_context():
        upgrade()
        catalog.load_catalog(db.session, STANDARD_COURSES)
        ids = [accounts.create_user(db.session, email=f"{email_prefix}{n}@bench.test",
                                    full_name=f"{email_prefix.title()} {n}", password=None,
                                    roles=["learner"]).id for n in range(learners)]
        teacher = accounts.create_user(db.session, email="teacher@bench.test",
                                       full_name="Bench Teacher", password=None,
                                       roles=["instructor"])
        course = catalog.course_by_code(db.session, "BLS-HCP")
        # Classes are only given to an instructor authorised for the course's family.
        authorisations.set_authorisation(db.session, None, teacher, course.family,
                                         utcnow().date() + timedelta(days=730))
        world = (ids, teacher.id, course.id)
        db.engine.dispose()
    return world
