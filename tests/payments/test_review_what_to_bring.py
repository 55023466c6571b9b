"""The review step before enrolling says what to bring, as the session page does, beside the
price and the refund policy."""

from __future__ import annotations

import re

from tests import factories


def test_the_review_step_says_what_to_bring_and_where_to_go_on_arrival(client, db, login):
    class_session = factories.ClassSessionFactory(
        course__price_cents=8500, course__what_to_bring="A photo ID and comfortable clothes",
        arrival_notes="Park in lot B")
    login(factories.learner())
    page = client.get(f"/sessions/{class_session.id}/review").get_data(as_text=True)
    assert "What to bring" in page and "A photo ID and comfortable clothes" in page
    assert "<strong>On arrival:</strong> Park in lot B" in page
    assert "$85.00" in page and "48 hours before the class starts" in page


def test_the_review_step_has_no_empty_what_to_bring_section(client, db, login):
    class_session = factories.ClassSessionFactory(course__what_to_bring="", arrival_notes="")
    login(factories.learner())
    page = client.get(f"/sessions/{class_session.id}/review").get_data(as_text=True)
    assert "What to bring" not in page


def test_the_session_page_says_what_to_bring_as_the_review_step_does(client, db, login):
    class_session = factories.ClassSessionFactory(
        course__what_to_bring="A photo ID and comfortable clothes", arrival_notes="Park in lot B")
    login(factories.learner())
    sections = [re.search(r'<section aria-labelledby="bring-heading">.*?</section>',
                          client.get(url).get_data(as_text=True), re.S)
                for url in (f"/sessions/{class_session.id}", f"/sessions/{class_session.id}/review")]
    assert all(sections) and sections[0].group() == sections[1].group()
    assert "<strong>On arrival:</strong> Park in lot B" in sections[0].group()
