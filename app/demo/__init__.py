"""Demo data for `flask --app wsgi demo seed` (never in production)."""

from app.demo.seed import seed

__all__ = ["seed"]
