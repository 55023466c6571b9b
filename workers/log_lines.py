"""Worker and beat log lines in the app's LOG_FORMAT (JSON in production), with the task.

Celery sets up its own handlers when a worker or beat starts (replacing the app's); these
receivers restyle them once it has, and bind each task's name and id to the lines it writes,
so a delivery's line says which task run handled which notification.
"""

from __future__ import annotations

from celery import current_app as current_celery
from celery.signals import after_setup_logger, after_setup_task_logger, task_postrun, task_prerun

from app.observability import logs

_BOUND: dict[str, object] = {}  # task id -> what logs.bind gave, until the task ends


def _log_format() -> str:
    flask_app = getattr(current_celery, "flask_app", None)
    return flask_app.config["LOG_FORMAT"] if flask_app is not None else "text"


@after_setup_logger.connect
@after_setup_task_logger.connect
def _restyle_celery_handlers(logger, **_) -> None:
    for handler in logger.handlers:
        logs.style(handler, _log_format())


@task_prerun.connect
def _bind_task(task_id, task, **_) -> None:
    _BOUND[task_id] = logs.bind(task=task.name, task_id=task_id)


@task_postrun.connect
def _unbind_task(task_id, **_) -> None:
    bound = _BOUND.pop(task_id, None)
    if bound is not None:
        logs.unbind(bound)
