"""The worker's entry point: `celery -A workers.make_celery worker` (or `beat`).

Builds the Flask app from the environment once; create_app binds its Celery app
(workers.celery_app.init_celery), which tasks run inside."""

from app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
