"""Pages that list rows send as many SQL statements for 20 rows as for one (no N+1)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Certificate
from app.services import accounts
from bench import query_counts
from tests.support import databases


@pytest.mark.parametrize("page", sorted(query_counts.PAGES))
def test_page_sends_as_many_statements_for_twenty_rows_as_for_one(app, db, page):
    seed = query_counts.PAGES[page]

    def wipe():
        databases.wipe(db)

    one = query_counts.count_page(app, wipe, seed, 1)
    twenty = query_counts.count_page(app, wipe, seed, 20)
    assert one > 0
    assert twenty == one, f"{page}: {one} statements for one row, {twenty} for twenty"


def test_a_page_loading_a_link_per_row_is_caught(app, db, monkeypatch):
    """Without the eager load of replacement links, /me would look each one up per row."""
    def certificates_one_link_at_a_time(session, holder):
        return list(session.scalars(select(Certificate).where(Certificate.holder_id == holder.id)))

    monkeypatch.setattr(accounts, "certificates_of", certificates_one_link_at_a_time)

    def wipe():
        databases.wipe(db)

    one = query_counts.count_page(app, wipe, query_counts.me_rows, 1)
    three = query_counts.count_page(app, wipe, query_counts.me_rows, 3)
    assert three == one + 2
