"""Celery workers and beat (bound to the Flask app)."""
