"""Outcome recording and certificate issuance, revocation and reissue (DESIGN.md rules 3–5)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.models import AuditEvent, Certificate, Enrollment, Notification
from app.services import certificates
from app.services.certificates.outcomes import OutcomeInput
from app.services.errors import Conflict, Forbidden, Invalid, NotFound, NotStarted
from app.services.verification.lookup import certificate_view, find_by_code
from tests import factories

START = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # 10:00 in New York
AFTER = START + timedelta(hours=5)


@pytest.fixture
def klass(db):
    """A class that started, with three learners holding seats."""
    course = factories.CourseFactory(validity_months=24, expiry_rule="end_of_month")
    return factories.class_with_seats(START, course=course)


def record(actor, class_session, results, finalise=False, now=AFTER, session=None):
    from app.extensions import db

    return certificates.record_outcomes(session or db.session, actor, class_session.id,
                                        results, finalise, now, center_name="Lifeline Training Center",
                                        zone_name="America/New_York")


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_two_passes_and_a_no_show_issue_two_certificates_and_two_mails(db, klass):
    class_session, (ann, bob, cat) = klass
    answer = record(class_session.instructor, class_session, [
        OutcomeInput(ann.id, "passed", 92, "Strong compressions"),
        OutcomeInput(bob.id, "passed"), OutcomeInput(cat.id, "no_show"),
    ], finalise=True)
    assert sorted(e for e, _ in answer) == sorted([ann.id, bob.id])
    assert count(db, Certificate) == 2
    mails = db.session.scalars(select(Notification).where(
        Notification.kind == "certificate_issued")).all()
    assert {m.recipient_id for m in mails} == {ann.learner_id, bob.learner_id}
    assert all(m.certificate_id and m.event_key == f"certificate_issued:{m.certificate_id}"
               for m in mails)
    db.session.expire_all()
    assert db.session.get(Enrollment, cat.id).status == "no_show"
    assert db.session.get(Enrollment, ann.id).score == 92
    assert class_session.finalised_at is not None and class_session.status == "completed"


def test_certificate_snapshots_course_holder_and_dates_in_center_time(db, klass):
    class_session, (ann, _, _) = klass
    late_start = datetime(2026, 3, 11, 2, 0, tzinfo=UTC)  # still the 10th in New York
    class_session.starts_at, class_session.ends_at = late_start, late_start + timedelta(hours=2)
    db.session.commit()
    record(class_session.instructor, class_session, [OutcomeInput(ann.id, "passed")],
           now=late_start + timedelta(hours=3))
    certificate = db.session.scalars(select(Certificate)).one()
    course = class_session.course
    class_session.course.title = "Renamed later"
    db.session.commit()
    db.session.refresh(certificate)
    assert certificate.issued_on == date(2026, 3, 10)
    assert certificate.expires_on == date(2028, 3, 31)
    assert certificate.holder_name == ann.learner.full_name
    assert certificate.course_title != "Renamed later"
    assert (certificate.course_code, certificate.level, certificate.topics_mask,
            certificate.guidelines_mask) == (course.code, course.level, course.topics_mask,
                                             course.guidelines_mask)
    assert certificate.instructor_name == class_session.instructor.full_name
    assert certificate.training_center == "Lifeline Training Center"
    assert (certificate.session_id, certificate.enrollment_id) == (class_session.id, ann.id)
    assert find_by_code(db.session, certificate.code.lower().replace("-", "")) == certificate


def test_recording_the_same_results_again_changes_nothing_even_after_finalising(db, klass):
    class_session, (ann, bob, cat) = klass
    results = [OutcomeInput(ann.id, "passed"), OutcomeInput(bob.id, "failed", 40),
               OutcomeInput(cat.id, "no_show")]
    first = record(class_session.instructor, class_session, results, finalise=True)
    events = count(db, AuditEvent)
    again = record(class_session.instructor, class_session, results, finalise=True)
    assert again == first
    assert count(db, Certificate) == 1 and count(db, Notification) == 1
    assert count(db, AuditEvent) == events


def test_a_different_outcome_after_finalising_conflicts_but_an_admin_may_correct(db, klass):
    class_session, (ann, bob, cat) = klass
    results = [OutcomeInput(ann.id, "passed"), OutcomeInput(bob.id, "failed"),
               OutcomeInput(cat.id, "no_show")]
    record(class_session.instructor, class_session, results, finalise=True)
    with pytest.raises(Conflict):
        record(class_session.instructor, class_session, [OutcomeInput(cat.id, "passed")])
    staff = factories.admin()
    record(staff, class_session, [OutcomeInput(cat.id, "passed")])
    db.session.expire_all()
    assert db.session.get(Enrollment, cat.id).status == "passed"
    assert count(db, Certificate) == 2
    assert count(db, AuditEvent, AuditEvent.action == "outcome_corrected",
                 AuditEvent.actor_id == staff.id) == 1


def test_changing_a_pass_that_issued_a_certificate_conflicts(db, klass):
    class_session, (ann, _, _) = klass
    record(class_session.instructor, class_session, [OutcomeInput(ann.id, "passed")])
    with pytest.raises(Conflict):
        record(class_session.instructor, class_session, [OutcomeInput(ann.id, "failed")])
    with pytest.raises(Conflict):
        record(factories.admin(), class_session, [OutcomeInput(ann.id, "no_show")])
    db.session.expire_all()
    assert db.session.get(Enrollment, ann.id).status == "passed"


def test_only_the_sessions_instructor_or_an_admin_may_record(db, klass):
    class_session, (ann, _, _) = klass
    for outsider in (factories.instructor(), ann.learner, factories.employer()):
        with pytest.raises(Forbidden):
            record(outsider, class_session, [OutcomeInput(ann.id, "passed")])
        with pytest.raises(Forbidden):
            certificates.roster(db.session, outsider, class_session.id)
    record(factories.admin(), class_session, [OutcomeInput(ann.id, "passed")])
    assert count(db, Certificate) == 1


def test_unknown_session_is_not_found(db, klass):
    with pytest.raises(NotFound):
        certificates.roster(db.session, factories.admin(), 999_999)


def test_outcomes_only_for_learners_holding_a_seat_in_that_session(db, klass):
    class_session, (ann, _, _) = klass
    elsewhere = factories.EnrollmentFactory()
    waitlisted = factories.EnrollmentFactory(session=class_session, status="waitlisted")
    for stranger in (elsewhere, waitlisted):
        with pytest.raises(Invalid) as refused:
            record(class_session.instructor, class_session,
                   [OutcomeInput(ann.id, "passed"), OutcomeInput(stranger.id, "passed")])
        assert "results" in refused.value.fields
    assert count(db, Certificate) == 0
    db.session.expire_all()
    assert db.session.get(Enrollment, ann.id).status == "enrolled"


def test_bad_outcome_score_or_duplicate_is_invalid(db, klass):
    class_session, (ann, _, _) = klass
    for results in ([OutcomeInput(ann.id, "excellent")], [OutcomeInput(ann.id, "passed", 101)],
                    [OutcomeInput(ann.id, "passed"), OutcomeInput(ann.id, "failed")]):
        with pytest.raises(Invalid):
            record(class_session.instructor, class_session, results)


def test_no_outcomes_before_the_session_starts(db, klass):
    class_session, (ann, _, _) = klass
    with pytest.raises(NotStarted):
        record(class_session.instructor, class_session, [OutcomeInput(ann.id, "passed")],
               now=START - timedelta(minutes=1))
    assert count(db, Certificate) == 0


def test_finalising_needs_an_outcome_for_every_learner(db, klass):
    class_session, (ann, _, _) = klass
    with pytest.raises(Invalid):
        record(class_session.instructor, class_session, [OutcomeInput(ann.id, "passed")],
               finalise=True)
    db.session.expire_all()
    assert class_session.finalised_at is None and count(db, Certificate) == 0


def test_roster_lists_seat_holders_only(db, klass):
    class_session, seats = klass
    factories.EnrollmentFactory(session=class_session, status="waitlisted")
    factories.EnrollmentFactory(session=class_session, status="cancelled")
    roster = certificates.roster(db.session, class_session.instructor, class_session.id)
    assert [e.id for e in roster.enrollments] == [e.id for e in seats]
    assert roster.finalised is False


def test_revocation_keeps_the_record_and_refuses_a_second_time(db, klass):
    class_session, (ann, _, _) = klass
    record(class_session.instructor, class_session, [OutcomeInput(ann.id, "passed")])
    certificate = db.session.scalars(select(Certificate)).one()
    staff = factories.admin()
    with pytest.raises(Forbidden):
        certificates.revoke_certificate(db.session, class_session.instructor, certificate,
                                         "fraud", AFTER)
    certificates.revoke_certificate(db.session, staff, certificate, "Skills not shown", AFTER)
    assert certificate_view(certificate, date(2026, 4, 1))["status"] == "revoked"
    assert certificate.revoked_by_id == staff.id
    with pytest.raises(Conflict):
        certificates.revoke_certificate(db.session, staff, certificate, "again", AFTER)
    assert count(db, Notification, Notification.kind == "certificate_revoked") == 1
    assert count(db, AuditEvent, AuditEvent.action == "certificate_revoked") == 1


def test_reissue_links_both_ways_and_revokes_the_old_code(db, klass):
    class_session, (ann, _, _) = klass
    record(class_session.instructor, class_session, [OutcomeInput(ann.id, "passed")])
    old = db.session.scalars(select(Certificate)).one()
    new = certificates.reissue_certificate(db.session, factories.admin(), old, "Ann Corrected",
                                            AFTER)
    assert new.code != old.code and new.holder_name == "Ann Corrected"
    assert (new.replaces, old.replaced_by) == (old, new)
    assert (new.issued_on, new.expires_on, new.course_code) == (
        old.issued_on, old.expires_on, old.course_code)
    old_view = certificate_view(old, date(2026, 4, 1))
    assert (old_view["status"], old_view["revoked_reason"], old_view["replaced_by"]) == (
        "revoked", "replaced", new.code)
    assert (old.revoked_reason, old.revocation_category) == ("reissued", "replaced")
    assert certificate_view(new, date(2026, 4, 1))["replaces"] == old.code
    assert count(db, Certificate) == 2
    # Re-posting the pass lists both codes and issues nothing new.
    answer = record(class_session.instructor, class_session, [OutcomeInput(ann.id, "passed")])
    assert answer == [(ann.id, old.code), (ann.id, new.code)]
    with pytest.raises(Conflict):
        certificates.reissue_certificate(db.session, factories.admin(), old, "Again", AFTER)


def test_external_card_id_by_the_sessions_instructor_or_an_admin(db, klass):
    class_session, (ann, _, _) = klass
    record(class_session.instructor, class_session, [OutcomeInput(ann.id, "passed")])
    certificate = db.session.scalars(select(Certificate)).one()
    with pytest.raises(Forbidden):
        certificates.set_external_card(db.session, factories.instructor(), certificate,
                                        "AHA", "X")
    with pytest.raises(Invalid):
        certificates.set_external_card(db.session, class_session.instructor, certificate,
                                        "AHA", " ")
    certificates.set_external_card(db.session, class_session.instructor, certificate,
                                    "AHA eCard", "215512345678")
    assert certificate_view(certificate, date(2026, 4, 1))["external_card"] == {
        "issuer": "AHA eCard", "id": "215512345678"}


def test_issued_and_revoked_mails_render_with_the_card_attached(app, db, klass):
    from app.services.notifications import mail

    class_session, (ann, _, _) = klass
    record(class_session.instructor, class_session, [OutcomeInput(ann.id, "passed")])
    certificate = db.session.scalars(select(Certificate)).one()
    certificates.revoke_certificate(db.session, factories.admin(), certificate,
                                     "Skills not shown", AFTER)
    issued, revoked = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    message = mail.compose(db.session, issued, app.config, app.jinja_env)
    assert certificate.code in message["Subject"]
    assert f"http://lifeline.test/verify/{certificate.code}" in message.get_body(
        ("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "wallet-card.pdf"
    assert attachment.get_content().startswith(b"%PDF")
    revoked_message = mail.compose(db.session, revoked, app.config, app.jinja_env)
    assert "revoked" in revoked_message["Subject"]
    assert "Skills not shown" in revoked_message.get_body(("html",)).get_content()
