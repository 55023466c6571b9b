"""gunicorn's settings for a Lifeline web node (docs/deploy.md); the systemd unit
(deploy/systemd/lifeline-web@.service) passes `--config` this file and `--bind` the node's
address. tests/deploy starts its web nodes with it."""

import os

# Sync workers: each request holds one process; the app waits mostly on PostgreSQL, so two
# per core plus one keeps the cores busy (WEB_CONCURRENCY overrides it).
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
worker_class = "sync"
# An 8 KiB request line (the default is 4 KiB), so a long URL reaches the app and gets its
# JSON error rather than gunicorn's HTML 414 (API-2 §1); as in `make run`.
limit_request_line = 8190
timeout = 30
graceful_timeout = 30
# Heartbeat files on a RAM disk: a worker blocked on a slow disk is not taken for dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# nginx keeps the access log (with the node that answered); errors go to the journal.
errorlog = "-"
loglevel = "info"


def on_starting(server):
    """Start with an empty metrics directory: files of a previous master's workers would be
    added to this one's counts."""
    from app.observability.metrics import clear_multiprocess_dir

    clear_multiprocess_dir()


def child_exit(server, worker):
    """Tell the metrics that a worker is gone, so its live gauges stop counting."""
    from app.observability.metrics import mark_worker_dead

    mark_worker_dead(worker.pid)
