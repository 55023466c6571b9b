"""Web nodes keep nothing of their own between requests (API-2 §7): an import preview made on
one node is confirmed on the other, and the login throttle and the public rate limit count
a client's requests on every node together (in Redis)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from deploy.rig.client import Client, access_entries
from tests import factories

pytestmark = pytest.mark.deploy
IMPORT_TOKEN = re.compile(r'name="token"[^>]*value="([^"]+)"')


def test_an_import_previewed_on_one_node_is_confirmed_on_the_other(rig, records, browser):
    staff = factories.admin(email="records.staff@example.test")
    course = factories.CourseFactory(code="RIG-IMPORT")
    csv = ("code,holder_name,holder_email,course_code,issued_on\n"
           f"LEGACY-RIG-0001,Ada Legacy,ada.legacy@example.test,{course.code},2025-06-02\n")
    assert browser.sign_in(staff.email, factories.DEFAULT_PASSWORD, node=0).status_code == 302

    preview = browser.post("/admin/records/import", node=0, files={
        "file": ("legacy.csv", csv.encode(), "text/csv")},
        data={"csrf_token": browser.csrf_token("/admin/records/import", node=0)})
    assert preview.status_code == 200 and "LEGACY-RIG-0001" in preview.text, preview.text[-2000:]
    token = IMPORT_TOKEN.search(preview.text).group(1)

    confirmed = browser.post("/admin/records/import/confirm", node=1, data={
        "token": token, "csrf_token": browser.csrf_token("/admin/records/import", node=1)})
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith(
        "/admin/records/"), confirmed.text[-2000:]
    assert "Import done" in browser.get("/admin/records/", node=1).text
    record = browser.get("/api/v1/certificates/LEGACY-RIG-0001")
    assert (record.status_code, record.json()["holder_name"]) == (200, "Ada Legacy")


def served_since(rig, first: int, path: str) -> Counter:
    """How many requests for `path` each node answered since access-log entry `first`."""
    return Counter(entry["nodes"][-1] for entry in access_entries(rig)[first:]
                   if entry["path"] == path)


def test_failed_sign_ins_on_both_nodes_count_together(rig, records):
    budget = int(rig.env["RATELIMIT_LOGIN"].split()[0])
    holder = factories.learner(email="throttled@example.test")
    with Client(rig, source="127.0.0.2") as attacker:  # a client of its own address
        token = attacker.csrf_token("/login")
        first = len(access_entries(rig))
        for _ in range(budget):
            failed = attacker.post("/login", data={"email": holder.email, "password": "wrong",
                                                   "csrf_token": token})
            assert failed.status_code == 401
        right = attacker.post("/login", data={"email": holder.email, "csrf_token": token,
                                              "password": factories.DEFAULT_PASSWORD})
    assert right.status_code == 429 and "Retry-After" in right.headers
    per_node = served_since(rig, first, "/login")
    assert set(per_node) == {rig.node(0), rig.node(1)}
    assert max(per_node.values()) <= budget  # neither node alone saw the budget spent


def test_the_public_lookup_budget_counts_both_nodes_together(rig, records):
    budget = int(rig.env["RATELIMIT_PUBLIC"].split()[0])
    code = factories.CertificateFactory().code
    path = f"/api/v1/certificates/{code}"
    with Client(rig, source="127.0.0.3") as employer:
        first = len(access_entries(rig))
        answers = [employer.get(path).status_code for _ in range(budget + 1)]
    assert answers == [200] * budget + [429]
    per_node = served_since(rig, first, path)
    assert set(per_node) == {rig.node(0), rig.node(1)}
    assert max(per_node.values()) < budget
