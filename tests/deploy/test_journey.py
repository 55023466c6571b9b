"""A whole journey through nginx, served by both web nodes and both workers: a learner
registers, enrolls, passes; the certificate is mailed and an employer verifies it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from app.extensions import db
from app.models.base import utcnow
from deploy.rig.client import access_entries
from deploy.rig.processes import wait_until
from tests import factories

pytestmark = pytest.mark.deploy


def mail_to(mailbox, address: str) -> list:
    return [message for message in mailbox.messages if address in str(message["To"])]


def test_a_learner_registers_enrolls_passes_and_is_verified_through_nginx_on_both_nodes(
        rig, records, browser, mailbox):
    teacher = factories.instructor(email="teacher.journey@example.test")
    class_session = factories.ClassSessionFactory(instructor=teacher)
    first_request = len(access_entries(rig))

    register = browser.post("/register", data={
        "full_name": "Rosa Journey", "email": "rosa.journey@example.test",
        "password": "a long pass phrase", "confirm": "a long pass phrase",
        "csrf_token": browser.csrf_token("/register")})
    assert register.status_code == 302, register.text
    assert browser.sign_in("rosa.journey@example.test", "a long pass phrase").status_code == 302
    assert browser.get("/me").status_code == 200  # the session cookie holds on either node
    learner = browser.api_token("rosa.journey@example.test", "a long pass phrase")
    enrolled = browser.post(f"/api/v1/sessions/{class_session.id}/enrollments", json={},
                            headers=learner)
    assert enrolled.status_code == 201, enrolled.text
    assert enrolled.json()["status"] == "enrolled"

    # The class takes place: rather than wait a week, the test moves it to an hour ago.
    class_session.starts_at = class_session.enrollment_closes_at = (
        utcnow().replace(microsecond=0) - timedelta(hours=1))
    db.session.commit()
    instructor = browser.api_token(teacher.email, factories.DEFAULT_PASSWORD)
    completions = browser.post(f"/api/v1/sessions/{class_session.id}/completions", json={
        "results": [{"enrollment_id": enrolled.json()["id"], "outcome": "passed"}],
        "finalise": True}, headers=instructor)
    assert completions.status_code == 200, completions.text
    code = completions.json()["certificates"][0]["code"]

    mine = browser.get("/api/v1/me/certificates", headers=learner).json()
    assert [certificate["code"] for certificate in mine["items"]] == [code]
    with type(browser)(rig) as employer:  # a stranger: no cookies, no token
        record = employer.get(f"/api/v1/certificates/{code}")
        assert record.status_code == 200
        assert (record.json()["status"], record.json()["holder_name"]) == ("valid", "Rosa Journey")

    # The welcome, the enrollment and the certificate went out through Redis and a worker,
    # once each.
    wait_until(lambda: len(mail_to(mailbox, "rosa.journey@example.test")) >= 3, 30,
               "the welcome, enrollment and certificate mails")
    time.sleep(1.5)  # an outbox pass more: nothing goes out twice
    subjects = [str(message["Subject"]) for message in mail_to(mailbox, "rosa.journey@")]
    assert len(subjects) == len(set(subjects)) == 3, subjects
    assert any(code in subject for subject in subjects)

    journey = access_entries(rig)[first_request:]
    assert {entry["nodes"][-1] for entry in journey} == {rig.node(0), rig.node(1)}
    assert all(entry["status"] != "502" for entry in journey)
    workers_used = [index for index, worker in rig.workers.items()
                    if "workers.tasks.deliver[" in worker.output()]
    assert workers_used, "no worker delivered the mail"
