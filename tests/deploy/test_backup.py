"""Backups (docs/deploy.md): deploy/backup.sh dumps the database, deploy/restore.sh restores
the dump into a fresh database, and a web node on the restored database verifies the
certificates it held."""

from __future__ import annotations

import subprocess

import pytest

from deploy.rig import database_on, postgres
from deploy.rig.client import Client
from deploy.rig.units import DEPLOY
from tests import factories

pytestmark = pytest.mark.deploy


def run(script: str, *args: str) -> None:
    done = subprocess.run([str(DEPLOY / script), *args], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, f"{script}: {done.stdout}{done.stderr}"


def test_a_restored_backup_verifies_the_certificates_it_held(rig, records, tmp_path):
    certificate = factories.CertificateFactory(holder_name="Bea Backup")
    dump = tmp_path / "lifeline.dump"
    run("backup.sh", rig.database_url, str(dump))

    restored = f"{rig.database}_restored"
    postgres(rig.postgres_server, f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
    server = database_on(rig.postgres_server, "postgres")
    created = subprocess.run(["createdb", f"--maintenance-db={server}", "-T", "template0",
                              restored], capture_output=True, text=True, timeout=60, check=False)
    assert created.returncode == 0, created.stderr
    try:
        run("restore.sh", database_on(rig.postgres_server, restored), str(dump))
        node, address = rig.web_node_on(database_on(rig.postgres_server, restored), "restored")
        try:
            with Client(rig) as employer:
                answer = employer.get(f"/api/v1/certificates/{certificate.code}", node=address)
        finally:
            node.stop()
    finally:
        postgres(rig.postgres_server, f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
    assert answer.status_code == 200, answer.text
    assert (answer.json()["status"], answer.json()["holder_name"]) == ("valid", "Bea Backup")
