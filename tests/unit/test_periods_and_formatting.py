import datetime as dt

import pytest

from dashboard.domain import formatting, periods


def test_uk_dates_are_written_out():
    assert formatting.uk_date(dt.date(2025, 11, 3)) == "3 November 2025"
    assert formatting.uk_date(None) == "never"


def test_percentages_and_missing_denominators():
    assert formatting.pct(0.456) == "46%"
    assert formatting.pct(None) == "no data"
    assert formatting.signed(0.031, as_pct_points=True) == "+3 points"
    assert formatting.signed(-2) == "-2"


@pytest.mark.parametrize(
    ("day", "end"),
    [(dt.date(2023, 11, 5), dt.date(2023, 12, 31)), (dt.date(2024, 1, 1), dt.date(2024, 3, 31)), (dt.date(2023, 6, 30), dt.date(2023, 6, 30))],
)
def test_quarter_end(day, end):
    assert periods.quarter_end(day) == end


def test_quarter_and_its_previous():
    q = periods.period_ending(dt.date(2023, 2, 3), "quarter")
    assert (q.start, q.end, q.label) == (dt.date(2023, 1, 1), dt.date(2023, 3, 31), "January to March 2023")
    prev = q.previous()
    assert (prev.start, prev.end) == (dt.date(2022, 10, 1), dt.date(2022, 12, 31))


def test_twelve_months_and_its_previous():
    y = periods.period_ending(dt.date(2023, 9, 30), "year")
    assert (y.start, y.end) == (dt.date(2022, 10, 1), dt.date(2023, 9, 30))
    assert y.label == "12 months to 30 September 2023"
    assert (y.previous().start, y.previous().end) == (dt.date(2021, 10, 1), dt.date(2022, 9, 30))


def test_quarter_names_round_trip_and_reject_nonsense():
    assert periods.parse_quarter_name("2023-Q4") == dt.date(2023, 12, 31)
    assert periods.quarter_name(dt.date(2023, 12, 31)) == "2023-Q4"
    for bad in ("2023-Q5", "Q4", "", "2023-Qx"):
        assert periods.parse_quarter_name(bad) is None


def test_quarter_ends_newest_first():
    assert periods.quarter_ends(dt.date(2023, 2, 1), dt.date(2023, 8, 1)) == [
        dt.date(2023, 9, 30), dt.date(2023, 6, 30), dt.date(2023, 3, 31)
    ]
