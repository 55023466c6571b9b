"""Reading deploy/'s files the way systemd and envsubst would, with the rig's paths and ports
in place of production's: the rig runs exactly the commands the guide tells operators to run."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent.parent
ROOT = DEPLOY.parent
PRODUCTION_ROOT = "/srv/lifeline"  # where the units expect the checkout
_VARIABLE = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


class Unfilled(Exception):
    """A placeholder in a deploy/ file that the rig has no value for."""


@dataclass
class Unit:
    """What the rig needs of a systemd service: its command and environment."""

    argv: list[str]
    environment: dict[str, str] = field(default_factory=dict)
    runtime_directories: list[Path] = field(default_factory=list)


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile reads them (comments and blanks skipped)."""
    settings = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            settings[key.strip()] = value.strip()
    return settings


def _directives(path: Path) -> list[tuple[str, str]]:
    text = path.read_text().replace("\\\n", " ")
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, _, value = line.partition("=")
            pairs.append((key.strip(), value.strip()))
    return pairs


def _specifiers(value: str, instance: str, host: str) -> str:
    return value.replace("%i", instance).replace("%H", host).replace("%%", "%")


def read_unit(path: Path, *, instance: str, host: str, env: dict[str, str],
              run_dir: Path) -> Unit:
    """The unit's ExecStart as argv, with /srv/lifeline → this checkout, /run → `run_dir`,
    %i and %H filled, and ${NAME} taken from `env` (systemd's expansion of ExecStart)."""
    unit = Unit(argv=[])
    for key, value in _directives(path):
        value = _specifiers(value, instance, host)
        if key == "RuntimeDirectory":
            unit.runtime_directories.append(run_dir / value)
        elif key == "Environment":
            name, _, setting = value.partition("=")
            unit.environment[name] = setting.replace("/run/", f"{run_dir}/")
        elif key == "ExecStart":
            words = shlex.split(value.replace(PRODUCTION_ROOT, str(ROOT)))
            unit.argv = [fill(word, {**env, **unit.environment}) for word in words]
    if not unit.argv:
        raise Unfilled(f"{path.name} has no ExecStart")
    return unit


def fill(text: str, values: dict[str, str]) -> str:
    """Replace every ${NAME} (only those: nginx's own $variables stay), failing on a gap."""
    def value(match: re.Match) -> str:
        if match[1] not in values:
            raise Unfilled(f"no value for ${{{match[1]}}}")
        return values[match[1]]

    return _VARIABLE.sub(value, text)


def nginx_site(values: dict[str, str], web_nodes: list[str]) -> str:
    """deploy/nginx/lifeline.conf filled in, its `server ${LIFELINE_WEB_NODE}` line once per node."""
    lines = []
    for line in (DEPLOY / "nginx" / "lifeline.conf").read_text().splitlines():
        if line.strip().startswith("#"):
            continue
        if "${LIFELINE_WEB_NODE}" in line:
            lines += [fill(line, {**values, "LIFELINE_WEB_NODE": node}) for node in web_nodes]
        else:
            lines.append(fill(line, values))
    return "\n".join(lines) + "\n"


def nginx_main(site: Path, prefix: Path, as_root: bool) -> str:
    """The rig's own nginx.conf around the site (Debian's /etc/nginx/nginx.conf in production):
    no daemon, every temporary path and the pid file under `prefix`."""
    temp = {name: prefix / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    return "\n".join([
        "user root;" if as_root else "",
        "worker_processes 1;",
        "daemon off;",
        f"pid {prefix / 'nginx.pid'};",
        f"error_log {prefix / 'error.log'} warn;",
        "events { worker_connections 512; }",
        "http {",
        "    access_log off;",
        f"    client_body_temp_path {temp['body']};",
        f"    proxy_temp_path {temp['proxy']};",
        f"    fastcgi_temp_path {temp['fastcgi']};",
        f"    uwsgi_temp_path {temp['uwsgi']};",
        f"    scgi_temp_path {temp['scgi']};",
        f"    include {site};",
        "}",
        "",
    ])
