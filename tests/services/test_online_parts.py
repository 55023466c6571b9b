"""The online part of a blended enrollment (API-2.md §4): who records it, what is refused,
the pass it is required for and the certificate that records it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.models.base import utcnow
from app.services import blended, certificates
from app.services.certificates.outcomes import OutcomeInput
from app.services.errors import Conflict, Invalid, NotFound, OnlinePartMissing
from tests import factories
from tests.support.blended import blended_class

TODAY = factories.center_today()


def record(actor, enrollment, **values):
    values.setdefault("completed_on", TODAY - timedelta(days=3))
    values.setdefault("certificate_id", "HC-2026-0001")
    return blended.record_online_part(db.session, actor, enrollment.id, today=TODAY,
                                      now=utcnow(), **values)


def finish(class_session, results, finalise=False):
    return certificates.record_outcomes(
        db.session, class_session.instructor, class_session.id,
        [OutcomeInput(enrollment.id, outcome) for enrollment, outcome in results], finalise,
        utcnow(), center_name="Lifeline Training Center", zone_name="America/New_York")


def test_the_learner_records_it_unconfirmed_and_the_instructor_confirms_it(app):
    class_session, (seat, _) = blended_class()
    record(seat.learner, seat)
    assert seat.online_part.certificate_id == "HC-2026-0001"
    assert seat.online_part.confirmed_at is None
    blended.confirm_online_part(db.session, class_session.instructor, seat.id, utcnow())
    assert seat.online_part.confirmed_by_id == class_session.instructor.id


def test_an_entry_by_the_instructor_counts_as_confirmed(app):
    class_session, (seat, _) = blended_class()
    record(class_session.instructor, seat, certificate_id="  AHA-77  ")
    assert (seat.online_part.certificate_id, seat.online_part.confirmed_by_id) == (
        "AHA-77", class_session.instructor.id)


def test_nobody_else_may_record_it(app):
    _, (seat, other) = blended_class()
    for stranger in (other.learner, factories.instructor()):
        with pytest.raises(NotFound):
            record(stranger, seat)


@pytest.mark.parametrize("values, field", [
    ({"completed_on": TODAY + timedelta(days=1)}, "completed_on"),
    ({"certificate_id": "   "}, "certificate_id"),
    ({"certificate_id": "x" * 65}, "certificate_id"),
    ({"certificate_id": "two\nlines"}, "certificate_id"),
    ({"pdf": b"%PDF-" + b"0" * (2 * 2**20)}, "pdf"),
    ({"pdf": b"GIF89a not a pdf"}, "pdf"),
])
def test_bad_values_are_refused_on_their_field(app, values, field):
    _, (seat, _) = blended_class()
    with pytest.raises(Invalid) as refusal:
        record(seat.learner, seat, **values)
    assert list(refusal.value.fields) == [field]
    assert seat.online_part is None


def test_a_pdf_up_to_two_megabytes_is_kept_in_the_database(app):
    _, (seat, _) = blended_class()
    pdf = b"%PDF-1.7\n" + b"0" * (2 * 2**20 - 9)
    record(seat.learner, seat, pdf=pdf, pdf_name="heartcode.pdf")
    db.session.expire_all()
    assert blended.online_part_pdf(db.session, seat.learner, seat.id) == ("heartcode.pdf", pdf)


def test_a_classroom_course_has_no_online_part(app):
    seat = factories.EnrollmentFactory()
    with pytest.raises(Conflict):
        record(seat.learner, seat)


def test_a_pass_without_the_online_part_is_refused_naming_the_enrollments(app):
    class_session, (missing, done) = blended_class()
    record(done.learner, done)
    with pytest.raises(OnlinePartMissing) as refusal:
        finish(class_session, [(missing, "passed"), (done, "passed")])
    assert refusal.value.code == "online_part_missing"
    assert list(refusal.value.fields) == [str(missing.id)]
    db.session.expire_all()
    assert (missing.status, done.status) == ("enrolled", "enrolled")  # nothing was kept


def test_other_outcomes_need_no_online_part(app):
    class_session, (missing, done) = blended_class()
    record(done.learner, done)
    issued = finish(class_session, [(missing, "no_show"), (done, "passed")], finalise=True)
    assert [enrollment_id for enrollment_id, _ in issued] == [done.id]


def test_finalising_with_a_passed_learner_missing_it_is_refused(app):
    class_session, (seat, other) = blended_class()
    record(other.learner, other)
    finish(class_session, [(other, "failed")])
    # A pass recorded while the course was still a classroom course, then made blended.
    seat.status = "passed"
    db.session.commit()
    with pytest.raises(OnlinePartMissing):
        finish(class_session, [(other, "failed")], finalise=True)


def test_the_certificate_records_the_online_part(app):
    class_session, (seat,) = blended_class(learners=1)
    record(seat.learner, seat, completed_on=TODAY - timedelta(days=10), certificate_id="HC-9")
    finish(class_session, [(seat, "passed")])
    certificate = certificates.roster(db.session, class_session.instructor,
                                      class_session.id).certificates[seat.id]
    assert (certificate.online_part_completed_on, certificate.online_part_certificate_id) == (
        TODAY - timedelta(days=10), "HC-9")


def test_the_learner_cannot_change_it_once_an_outcome_is_recorded(app):
    class_session, (seat,) = blended_class(learners=1)
    record(seat.learner, seat)
    finish(class_session, [(seat, "passed")])
    with pytest.raises(Conflict):
        record(seat.learner, seat, certificate_id="other")
    record(class_session.instructor, seat, certificate_id="corrected")
    assert seat.online_part.certificate_id == "corrected"
