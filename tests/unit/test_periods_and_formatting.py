import datetime as dt

import polars as pl
import pytest

from dashboard.domain import formatting, periods


def test_uk_dates_are_written_out():
    assert formatting.uk_date(dt.date(2025, 11, 3)) == "3 November 2025"
    assert formatting.uk_date(None) == "never"
    assert formatting.uk_datetime(dt.datetime(2025, 11, 3, 14, 5, 59)) == "3 November 2025 at 14:05"
    assert formatting.uk_datetime(dt.datetime(2025, 1, 9, 9, 0)) == "9 January 2025 at 09:00"


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


# --- The date the figures are complete to --------------------------------------------------------

def _by_day(*pairs) -> pl.DataFrame:
    return pl.DataFrame({"day": [d for d, _ in pairs], "rows": [n for _, n in pairs]},
                        schema={"day": pl.Date, "rows": pl.Int64})


TODAY = dt.date(2026, 12, 6)


def test_a_few_stray_rows_in_a_later_quarter_do_not_move_the_complete_to_date():
    """The docstring's worked example: 1,000, 1,100 and 950 rows, then 3 rows dated in 2025."""
    rows = _by_day((dt.date(2023, 5, 1), 600), (dt.date(2023, 6, 30), 400), (dt.date(2023, 8, 1), 1100),
                   (dt.date(2023, 11, 1), 950), (dt.date(2025, 3, 3), 3))
    assert periods.worked_out_complete_to(rows, TODAY) == dt.date(2023, 12, 31)


def test_a_quarter_with_half_the_usual_rows_counts_and_one_with_less_does_not():
    base = [(dt.date(2023, 2, 1), 100), (dt.date(2023, 5, 1), 100), (dt.date(2023, 8, 1), 100)]
    assert periods.worked_out_complete_to(_by_day(*base, (dt.date(2023, 11, 1), 50)), TODAY) == dt.date(2023, 12, 31)
    assert periods.worked_out_complete_to(_by_day(*base, (dt.date(2023, 11, 1), 49)), TODAY) == dt.date(2023, 9, 30)


def test_a_quarter_that_has_not_ended_is_never_complete_and_upcoming_meetings_do_not_count():
    rows = _by_day((dt.date(2026, 8, 1), 500), (dt.date(2026, 11, 1), 500), (dt.date(2027, 1, 20), 500))
    assert periods.worked_out_complete_to(rows, TODAY) == dt.date(2026, 9, 30)
    assert periods.worked_out_complete_to(rows, dt.date(2027, 1, 1)) == dt.date(2026, 12, 31)


def test_the_first_quarter_of_data_is_complete_on_its_own_and_no_rows_means_no_date():
    assert periods.worked_out_complete_to(_by_day((dt.date(2024, 1, 5), 2)), TODAY) == dt.date(2024, 3, 31)
    assert periods.worked_out_complete_to(_by_day(), TODAY) is None


def test_the_complete_to_date_says_who_set_it_or_that_it_was_worked_out():
    set_ = periods.CompleteTo(dt.date(2023, 9, 30), "ann@camden.example.org", dt.date(2025, 11, 3))
    assert set_.describe() == "Figures to 30 September 2023 (set by ann@camden.example.org on 3 November 2025)."
    assert periods.CompleteTo(dt.date(2023, 12, 31)).describe().startswith("Figures to 31 December 2023 (the latest quarter")


def test_counted_things_take_the_plural_only_when_not_one():
    from dashboard.domain.formatting import are, counted

    assert f"{counted(1, 'plan')} {are(1)} past due" == "1 plan is past due"
    assert f"{counted(0, 'plan')} {are(0)} past due" == "0 plans are past due"
    assert counted(1200, "ward") == "1,200 wards"
