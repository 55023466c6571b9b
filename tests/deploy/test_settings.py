"""deploy/'s files against the code, without starting anything: the env example names every
setting the app reads, the nginx site and the units fill in completely, and only a Redis
broker brings the single-beat scheduler (`make run`'s folder broker keeps Celery's own)."""

from __future__ import annotations

import re
from pathlib import Path

from deploy.rig.units import DEPLOY, ROOT, nginx_site, read_env_file, read_unit
from workers.celery_app import celery_settings

SETTING_READ = re.compile(r'(?:environ\.get|env_int|env_flag)\(\s*"([A-Z][A-Z0-9_]*)"')
SITE_VALUES = {"LIFELINE_LISTEN": "443", "LIFELINE_SERVER_NAME": "training.example.org",
               "LIFELINE_TLS_CERTIFICATE": "/etc/ssl/site.crt",
               "LIFELINE_TLS_KEY": "/etc/ssl/site.key",
               "LIFELINE_ACCESS_LOG": "/var/log/nginx/lifeline.log"}


def test_the_env_example_names_every_setting_the_app_reads():
    read = set(SETTING_READ.findall((ROOT / "config.py").read_text()))
    example = (DEPLOY / "lifeline.env.example").read_text()
    missing = sorted(name for name in read if not re.search(rf"\b{name}\b", example))
    assert not missing, f"deploy/lifeline.env.example does not mention {missing}"
    settings = read_env_file(DEPLOY / "lifeline.env.example")
    assert settings["LIFELINE_ENV"] == "production" and settings["TRUSTED_PROXIES"] == "1"


def test_the_nginx_site_fills_in_with_one_upstream_line_per_node():
    site = nginx_site(SITE_VALUES, ["10.0.0.11:8001", "10.0.0.12:8001"])
    assert "${" not in site
    assert re.findall(r"server (\S+) max_fails", site) == ["10.0.0.11:8001", "10.0.0.12:8001"]
    assert "proxy_next_upstream error timeout http_502 http_503;" in site
    assert "non_idempotent" not in site  # a POST that reached a node is never sent again


def test_every_unit_runs_a_program_of_the_checkout_with_every_placeholder_filled(tmp_path):
    env = {**read_env_file(DEPLOY / "lifeline.env.example"), "LIFELINE_WORKER_CONCURRENCY": "1"}
    for name, instance in (("lifeline-web@.service", "8001"), ("lifeline-worker@.service", "1"),
                           ("lifeline-beat.service", "")):
        unit = read_unit(DEPLOY / "systemd" / name, instance=instance, host="node1", env=env,
                         run_dir=tmp_path)
        program = Path(unit.argv[0])
        assert program.parent == ROOT / ".venv" / "bin", unit.argv
        assert not any("${" in word or "%" in word for word in unit.argv), unit.argv
    web = read_unit(DEPLOY / "systemd" / "lifeline-web@.service", instance="8001", host="node1",
                    env=env, run_dir=tmp_path)
    assert "127.0.0.1:8001" in web.argv and str(DEPLOY / "gunicorn.conf.py") in web.argv
    assert web.environment["PROMETHEUS_MULTIPROC_DIR"] == f"{tmp_path}/lifeline-web-8001"


def test_only_a_redis_broker_brings_the_single_beat(app, tmp_path):
    with_redis = celery_settings({**app.config, "REDIS_URL": "redis://127.0.0.1:6379/3",
                                  "BEAT_LOCK_SECONDS": 30})
    assert with_redis["beat_scheduler"] == "workers.single_beat:SingleBeatScheduler"
    assert (with_redis["redbeat_lock_timeout"], with_redis["beat_max_loop_interval"]) == (30, 5)
    folder = celery_settings({**app.config, "REDIS_URL": "", "BROKER_DIR": str(tmp_path)})
    assert "beat_scheduler" not in folder and "redbeat_redis_url" not in folder
