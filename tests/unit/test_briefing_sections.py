"""The pack's sections from the coverage, meetings and promises views, on hand-made frames."""

import datetime as dt

import polars as pl

from dashboard.domain import status_style as s
from dashboard.domain.areas import Area
from dashboard.domain.periods import period_ending
from dashboard.figures import briefing
from dashboard.figures import coverage as cov
from dashboard.figures.pdf import WIDTH, column_widths, fits, table_layout

BOROUGH = Area("borough", "Testshire", "E09000099")
PERIOD = period_ending(dt.date(2023, 12, 31), "quarter")


def plans(rows):
    return pl.DataFrame(
        rows,
        schema={"plan_state": pl.String, "ward_name": pl.String, "borough_name": pl.String, "bcu": pl.String,
                "status": pl.String, "reasons": pl.String, "action": pl.String, "owner": pl.String,
                "agreed_on": pl.Date, "due_on": pl.Date, "ward_code": pl.String},
        orient="row",
    )


def test_overdue_plans_come_first_then_wards_with_no_plan():
    frame = plans([
        (cov.NO_PLAN, "Abbey", "T", "B", s.NO_PANEL, "No panel open", None, None, None, None, "W1"),
        (cov.NOT_YET_DUE, "Beech", "T", "B", s.NOT_FUNCTIONING, "No meeting since 1 May 2023", "Recruit", "Insp A", dt.date(2023, 10, 1), dt.date(2024, 2, 1), "W2"),
        (cov.PAST_DUE, "Cedar", "T", "B", s.NOT_FUNCTIONING, "DWO at 1 of the last 4 meetings", "New chair", "Insp B", dt.date(2023, 6, 1), dt.date(2023, 11, 30), "W3"),
    ])
    section = briefing.attention_section(BOROUGH, PERIOD, frame)
    table = section.tables[0].frame
    assert table["ward"].to_list() == ["Cedar", "Abbey", "Beech"]
    assert table["status"].to_list() == ["NF Not functioning", "NP No panel", "NF Not functioning"]
    assert section.finding == (
        "On 31 December 2023, 1 ward had no panel and 2 had a panel that was not functioning; "
        "1 remedy plan was past due and 1 ward had no plan at all."
    )


def test_no_ward_needing_a_plan_is_said_plainly():
    section = briefing.attention_section(BOROUGH, PERIOD, plans([]))
    assert "no remedy plan is needed" in section.finding and not section.tables


class _PromisesView:  # the fields of engagement_views.PromisesView the section reads
    def __init__(self, overdue):
        self.overdue = overdue
        self.now = self.before = {"set": 3, "closed": 2, "completion": 0.5}
        self.london = None
        self.summary_title = "Testshire: 50% of the 2 promises closed were achieved"
        self.feedback_days = 28


def test_promises_past_review_counted_by_who_chose_them():
    overdue = pl.DataFrame({
        "ward_name": ["Abbey", "Abbey", "Beech"], "borough_name": ["T"] * 3, "promise_ref": ["P1", "P2", "P3"],
        "category": ["drugs", "burglary", "drugs"], "origin": ["borough", "panel", "borough"],
        "set_on": [dt.date(2023, 1, 1)] * 3, "days_open": [364, 200, 150],
    })
    section = briefing.promises_section(BOROUGH, PERIOD, _PromisesView(overdue), 91)
    by_origin = dict(section.tables[0].frame.iter_rows())
    assert by_origin == {"the panel": 1, "the borough": 2, "the centre": 0}
    assert section.finding == "3 open promises were past review on 31 December 2023: 1 chosen by the panel; 2 set by the borough."
    assert section.tables[1].pdf_rows == briefing.PDF_LIST_ROWS and section.tables[1].frame.height == 3


def test_a_column_of_sentences_gets_more_room_and_every_word_fits():
    frame = pl.DataFrame({"plan": ["No plan"] * 3, "reasons": ["No meeting since 3 November 2022; DWO at 1 of the last 4 meetings"] * 3})
    narrow, wide = column_widths(frame)
    assert wide > 3 * narrow
    assert abs(narrow + wide - WIDTH) < 1e-6
    assert fits(frame, [narrow, wide], size=8, padding=4)


def test_a_table_too_wide_for_the_page_is_set_smaller_not_broken_inside_words():
    words = ["Councillor-led", "Walthamstow", "Clementswood", "Hackney", "Members", "representation"]
    frame = pl.DataFrame({f"{w} {i}": [f"{w} {i}"] * 2 for i, w in enumerate(words * 2)})
    assert not fits(frame, column_widths(frame), size=8, padding=4)  # at 8 points the words cannot all fit
    size, padding, widths = table_layout(frame)
    assert size < 8 and fits(frame, widths, size=size, padding=padding)
    assert abs(sum(widths) - WIDTH) < 1e-6


def test_a_ward_with_no_plan_says_no_plan_where_the_plan_would_be():
    frame = plans([(cov.NO_PLAN, "Abbey", "T", "B", s.NO_PANEL, "No panel open", None, None, None, None, "W1")])
    table = briefing.attention_section(BOROUGH, PERIOD, frame).tables[0].frame
    assert table.select("action", "owner", "due").row(0) == (cov.NO_PLAN, None, None)
