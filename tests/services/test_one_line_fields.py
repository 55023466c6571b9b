"""Names, places and titles are one line: a CR/LF (a mail header injection, a broken CSV row or
card) or another control character is refused where the value is accepted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.models.base import utcnow
from app.services import accounts
from app.services.certificates import changes
from app.services.errors import Invalid, one_line
from app.services.schedule import sessions
from tests import factories
from tests.services.test_importing import courses, csv_lines, run  # noqa: F401  (fixture)

BREAKING = ["Ann\r\nBcc: all@example.test", "Ann\nLee", "Ann\x1bLee", "Ann\u2028Lee", "Ann\x7f"]


@pytest.mark.parametrize("value", BREAKING)
def test_a_line_break_or_control_character_is_refused(value):
    with pytest.raises(Invalid) as refused:
        one_line("name", value)
    assert refused.value.fields == {"name": [
        "Must be one line, without line breaks or control characters."]}


def test_ordinary_names_pass_unchanged():
    for value in ("Ann Lee", "José Núñez-O'Brien", "李小龍", None):
        assert one_line("name", value) == value


def test_an_account_name_with_a_line_break_is_refused(db):
    with pytest.raises(Invalid):
        accounts.create_user(db.session, email="ann@example.test", full_name="Ann\r\nBcc: x",
                             password="long enough pw", roles=["learner"])
    assert accounts.user_by_email(db.session, "ann@example.test") is None


def test_a_reissue_to_a_name_with_a_line_break_is_refused(db):
    certificate = factories.CertificateFactory()
    with pytest.raises(Invalid):
        changes.reissue_certificate(db.session, factories.admin(), certificate, "Ann\nLee",
                                    datetime.now(UTC))
    assert certificate.revoked_at is None


def test_a_class_location_with_a_line_break_is_refused(db):
    starts = utcnow().replace(microsecond=0) + timedelta(days=5)
    with pytest.raises(Invalid):
        sessions.schedule_session(db.session, None, course=factories.CourseFactory(),
                                  instructor=factories.instructor(), starts_at=starts,
                                  ends_at=starts + timedelta(hours=3), location="Room 1\r\nX",
                                  capacity=6, zone_name="America/New_York")


def test_an_imported_holder_name_with_a_line_break_is_a_line_error(db, courses):  # noqa: F811
    plan, summary = run(db, csv_lines('OLD-1,"Ann\rLee",ann@example.org,BLS,2025-01-10,,,,,,'))
    assert summary is None
    assert [str(error) for error in plan.errors] == [
        "line 2: holder_name must be one line (no line break or control character)"]
