"""A production layout on one machine, built from deploy/'s own files (docs/deploy.md):
nginx (TLS) in front of web nodes (gunicorn), Celery workers, beats, a fresh PostgreSQL
database and a redis-server of the rig's own. tests/deploy proves the layout with it and
bench/nodes.py measures it.

Every command is the ExecStart of a unit in deploy/systemd/, every setting comes from
deploy/lifeline.env.example with the rig's addresses and secrets put in, and nginx runs
deploy/nginx/lifeline.conf: the guide cannot drift from what is tested.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import urllib.request
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from deploy.rig.processes import Process, answers, free_port, wait_until
from deploy.rig.units import DEPLOY, ROOT, nginx_main, nginx_site, read_env_file, read_unit

NGINX = "/usr/sbin/nginx"
UNITS = DEPLOY / "systemd"
# What the rig's processes keep from the caller's environment; the rest is the env file's.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR")


class RigUnavailable(Exception):
    """Something the rig needs (nginx, redis-server, PostgreSQL, openssl) is missing."""


def ensure_nginx() -> None:
    """Debian's nginx, installed with apt-get when missing and this is root (as in CI)."""
    if os.path.exists(NGINX):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", "nginx"], check=False, env=env,
                       timeout=900)
    if not os.path.exists(NGINX):
        raise RigUnavailable(f"Debian's nginx ({NGINX})")


def new_signing_key() -> str:
    """A fresh Ed25519 key as PEM: production refuses to start without one."""
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


def database_on(server_url: str, name: str) -> str:
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def postgres(server_url: str, statement: str) -> None:
    """Run one statement on the server's `postgres` database, outside a transaction."""
    import sqlalchemy as sa

    from config import sqlalchemy_url

    engine = sa.create_engine(sqlalchemy_url(database_on(server_url, "postgres")),
                              isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(statement))
    except sa.exc.OperationalError as error:
        raise RigUnavailable(f"PostgreSQL at {server_url} ({error.orig})") from error
    finally:
        engine.dispose()


def healthy(process: Process, address: str) -> None:
    """Wait until the web node at `address` answers its health check."""
    def answered() -> bool:
        if not process.alive():
            raise RuntimeError(f"{process.name} exited:\n{process.output()[-3000:]}")
        request = urllib.request.Request(f"http://{address}/api/v1/health",
                                         headers={"X-Forwarded-Proto": "https"})
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - loopback
                return answer.status == 200
        except OSError:
            return False

    wait_until(answered, 90, f"{process.name} healthy")


class Rig:
    """The processes of a production layout; `start()` them, `stop()` them all."""

    def __init__(self, workdir: Path, postgres_server: str, database: str, *, web_nodes: int = 2,
                 workers: int = 2, beats: int = 2, mail_port: int | None = None,
                 settings: dict[str, str] | None = None):
        self.dir, self.database = workdir, database
        self.database_url = database_on(postgres_server, database)
        self.postgres_server = postgres_server
        self.nginx_port, self.redis_port = free_port(), free_port()
        self.web_ports = [free_port() for _ in range(web_nodes)]
        self.worker_count, self.beat_count = workers, beats
        self.url = f"https://127.0.0.1:{self.nginx_port}"
        self.certificate = workdir / "tls" / "site.crt"
        self.env = self._environment(mail_port, settings or {})
        self.web: dict[int, Process] = {}
        self.workers: dict[int, Process] = {}
        self.beats: dict[int, Process] = {}
        self.nginx: Process | None = None
        self.redis: Process | None = None

    def _environment(self, mail_port: int | None, settings: dict[str, str]) -> dict[str, str]:
        env = {key: os.environ[key] for key in INHERITED if key in os.environ}
        env.update(read_env_file(DEPLOY / "lifeline.env.example"))
        env.update(
            SECRET_KEY=secrets.token_urlsafe(48), CREDENTIAL_SIGNING_KEY=new_signing_key(),
            DATABASE_URL=self.database_url,
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0", PUBLIC_BASE_URL=self.url,
            LIFELINE_BIND_HOST="127.0.0.1", WEB_CONCURRENCY="2", LIFELINE_WORKER_CONCURRENCY="1",
            MAIL_SERVER="127.0.0.1" if mail_port else "", MAIL_PORT=str(mail_port or 25),
            MAIL_USE_TLS="0", MAIL_DIR=str(self.dir / "mail"), PYTHONUNBUFFERED="1")
        env.update(settings)
        return env

    # --- the whole rig ----------------------------------------------------------------------

    def start(self) -> Rig:
        for binary in ("redis-server", "openssl"):
            if shutil.which(binary) is None:
                raise RigUnavailable(binary)
        ensure_nginx()
        self._make_certificate()
        self.start_redis()
        postgres(self.postgres_server, f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        postgres(self.postgres_server, f'CREATE DATABASE "{self.database}"')
        self.flask("db", "upgrade")
        # Everything starts at once, then the rig waits for each to be ready.
        for index in range(len(self.web_ports)):
            self.start_web(index, wait=False)
        for index in range(self.worker_count):
            self.start_worker(index, wait=False)
        for index in range(self.beat_count):
            self.start_beat(index, wait=False)
        self.start_nginx()
        for index in range(len(self.web_ports)):
            self.wait_for_web(index)
        for process in self.workers.values():
            process.wait_for_output("ready.", timeout=90)
        for process in self.beats.values():
            process.wait_for_output("beat: Starting", timeout=90)
        return self

    def stop(self) -> None:
        running = [process for process in [*self.beats.values(), *self.workers.values(),
                                           *self.web.values(), self.nginx, self.redis]
                   if process is not None]
        for process in running:
            process.terminate()
        for process in running:
            process.stop()
        try:
            postgres(self.postgres_server,
                     f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        except RigUnavailable:
            pass

    def heal(self) -> None:
        """Start again whatever is not running, as systemd's Restart=always would."""
        if self.redis is not None and not self.redis.alive():
            self.start_redis()
        for index in [index for index, process in self.web.items() if not process.alive()]:
            self.start_web(index)
        for index in [index for index, process in self.workers.items() if not process.alive()]:
            self.start_worker(index)
        for index in [index for index, process in self.beats.items() if not process.alive()]:
            self.start_beat(index)

    def flask(self, *args: str) -> str:
        """A `flask --app wsgi` command with the nodes' settings; its output."""
        flask = str(ROOT / ".venv" / "bin" / "flask")
        done = subprocess.run([flask, "--app", "wsgi", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)}: {done.stdout}{done.stderr[-3000:]}")
        return done.stdout

    def _make_certificate(self) -> None:
        self.certificate.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(self.certificate.with_suffix(".key")),
                        "-out", str(self.certificate)], check=True, capture_output=True)

    def _unit(self, name: str, instance: str, log: str, **settings: str) -> Process:
        env = {**self.env, **settings}
        unit = read_unit(UNITS / name, instance=instance, host="rig", env=env,
                         run_dir=self.dir / "run")
        for directory in unit.runtime_directories:
            shutil.rmtree(directory, ignore_errors=True)  # systemd makes it anew at each start
            directory.mkdir(parents=True)
        return Process(log, unit.argv, {**env, **unit.environment}, self.dir / f"{log}.log", ROOT)

    # --- web nodes and nginx ----------------------------------------------------------------

    def node(self, index: int) -> str:
        """A web node's own address (host:port), as nginx's upstream knows it."""
        return f"127.0.0.1:{self.web_ports[index]}"

    def start_web(self, index: int, wait: bool = True) -> None:
        self.web[index] = self._unit("lifeline-web@.service", str(self.web_ports[index]),
                                     f"web{index + 1}")
        if wait:
            self.wait_for_web(index)

    def wait_for_web(self, index: int) -> None:
        healthy(self.web[index], self.node(index))

    def web_node_on(self, database_url: str, log: str) -> tuple[Process, str]:
        """One more web node (the same unit) on another database, e.g. a restored backup;
        the caller stops it."""
        port = free_port()
        process = self._unit("lifeline-web@.service", str(port), log, DATABASE_URL=database_url,
                             WEB_CONCURRENCY="1")
        try:
            healthy(process, f"127.0.0.1:{port}")
        except BaseException:
            process.stop()
            raise
        return process, f"127.0.0.1:{port}"

    def kill_web(self, index: int) -> None:
        self.web[index].kill()

    def start_nginx(self, nodes: list[int] | None = None) -> None:
        """nginx in front of the web nodes (all, or those of `nodes`)."""
        nodes = range(len(self.web_ports)) if nodes is None else nodes
        prefix = self.dir / "nginx"
        prefix.mkdir(exist_ok=True)
        site = prefix / "lifeline.conf"
        site.write_text(nginx_site({
            "LIFELINE_LISTEN": f"127.0.0.1:{self.nginx_port}",
            "LIFELINE_SERVER_NAME": "127.0.0.1",
            "LIFELINE_TLS_CERTIFICATE": str(self.certificate),
            "LIFELINE_TLS_KEY": str(self.certificate.with_suffix(".key")),
            "LIFELINE_ACCESS_LOG": str(self.access_log),
        }, [self.node(index) for index in nodes]))
        main = prefix / "nginx.conf"
        main.write_text(nginx_main(site, prefix, os.geteuid() == 0))
        self.nginx = Process("nginx", [NGINX, "-p", str(prefix), "-e", str(prefix / "error.log"),
                                       "-c", str(main)], self.env, self.dir / "nginx.log", ROOT)
        wait_until(lambda: answers(self.nginx_port) or not self.nginx.alive(), 20, "nginx")
        if not self.nginx.alive():
            raise RuntimeError(f"nginx exited:\n{self.nginx.output()}"
                               f"{(prefix / 'error.log').read_text(errors='replace')}")

    @property
    def access_log(self) -> Path:
        return self.dir / "nginx" / "access.log"

    # --- workers, beats, Redis --------------------------------------------------------------

    def start_worker(self, index: int, wait: bool = True) -> None:
        self.workers[index] = self._unit("lifeline-worker@.service", str(index + 1),
                                         f"worker{index + 1}")
        if wait:
            self.workers[index].wait_for_output("ready.", timeout=90)

    def start_beat(self, index: int, wait: bool = True) -> None:
        self.beats[index] = self._unit("lifeline-beat.service", "", f"beat{index + 1}")
        if wait:
            self.beats[index].wait_for_output("beat: Starting", timeout=90)

    def start_redis(self) -> None:
        """The rig's own redis-server, keeping nothing on disk: a restart comes back empty."""
        self.redis = Process("redis", ["redis-server", "--port", str(self.redis_port),
                                       "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                       "--dir", str(self.dir)],
                             self.env, self.dir / "redis.log", ROOT)
        wait_until(lambda: answers(self.redis_port), 20, "the rig's redis-server")

    def restart_redis(self) -> None:
        self.redis.stop()
        self.start_redis()
