"""Expiry dates: end of month versus exact date, with month-end clamping."""

from datetime import date

import pytest

from app.services.certificates.expiry import expires_on


def test_end_of_month_runs_to_the_last_day_of_the_month_two_years_on():
    assert expires_on(date(2026, 3, 15), 24, "end_of_month") == date(2028, 3, 31)


def test_end_of_month_from_the_first_of_the_month():
    assert expires_on(date(2026, 4, 1), 24, "end_of_month") == date(2028, 4, 30)


@pytest.mark.parametrize(
    ("issued", "months", "expected"),
    [
        (date(2026, 12, 10), 24, date(2028, 12, 31)),
        (date(2026, 11, 30), 2, date(2027, 1, 31)),
        (date(2025, 12, 31), 1, date(2026, 1, 31)),
        (date(2027, 12, 5), 2, date(2028, 2, 29)),
        (date(2026, 12, 5), 2, date(2027, 2, 28)),
    ],
)
def test_end_of_month_across_year_ends(issued, months, expected):
    assert expires_on(issued, months, "end_of_month") == expected


def test_exact_date_keeps_the_day():
    assert expires_on(date(2026, 3, 15), 24, "exact_date") == date(2028, 3, 15)
    assert expires_on(date(2026, 11, 20), 3, "exact_date") == date(2027, 2, 20)


def test_exact_date_clamps_to_a_short_month():
    assert expires_on(date(2027, 1, 31), 1, "exact_date") == date(2027, 2, 28)
    assert expires_on(date(2028, 1, 31), 1, "exact_date") == date(2028, 2, 29)
    assert expires_on(date(2026, 5, 31), 1, "exact_date") == date(2026, 6, 30)


def test_leap_day_issue_with_exact_date():
    assert expires_on(date(2024, 2, 29), 12, "exact_date") == date(2025, 2, 28)
    assert expires_on(date(2024, 2, 29), 48, "exact_date") == date(2028, 2, 29)


def test_leap_day_issue_with_end_of_month():
    assert expires_on(date(2024, 2, 29), 12, "end_of_month") == date(2025, 2, 28)


def test_bloodborne_pathogens_cards_last_twelve_months():
    assert expires_on(date(2026, 6, 10), 12, "exact_date") == date(2027, 6, 10)
    assert expires_on(date(2026, 6, 10), 12, "end_of_month") == date(2027, 6, 30)


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError):
        expires_on(date(2026, 1, 1), 24, "end_of_year")
