"""Promise figures on small frames with hand-checked answers."""

import datetime as dt

import polars as pl

from dashboard.domain.periods import period_ending
from dashboard.figures import promises as pr

D = dt.date
Q1 = period_ending(D(2023, 3, 31), "quarter")

WARDS = pl.DataFrame(
    {"ward_code": ["A", "B"], "ward_name": ["Ash", "Birch"], "borough_code": ["X", "Y"], "borough_name": ["Xborough", "Yborough"]}
)


def promise(ref, ward, set_on, status="open", closed_on=None, feedback=None, category="drugs", origin="panel"):
    return {
        "promise_ref": ref, "ward_code": ward, "set_on": set_on, "category": category, "origin": origin,
        "status": status, "closed_on": closed_on, "feedback_published_on": feedback,
    }


PROMISES = pl.DataFrame(
    [
        # Set and closed on the same day: 0 days to close; told on the day.
        promise("p1", "A", D(2023, 2, 1), "achieved", D(2023, 2, 1), D(2023, 2, 1)),
        # Feedback published before closure (an interim update): counts as told.
        promise("p2", "A", D(2022, 10, 1), "not achieved", D(2023, 3, 10), D(2023, 3, 5), origin="borough"),
        # Closed in Q1, told 20 days later (still within Q1).
        promise("p3", "A", D(2022, 7, 1), "achieved", D(2023, 1, 2), D(2023, 1, 22), origin="central"),
        # Closed in Q1, told only after the period ended: not told by 31 March.
        promise("p4", "B", D(2022, 9, 1), "withdrawn", D(2023, 3, 20), D(2023, 4, 15)),
        # Open, set 92 days before 31 March: past review.
        promise("p5", "B", D(2022, 12, 29)),
        # Open, set 91 days before: not yet past review.
        promise("p6", "B", D(2022, 12, 30)),
        # Closed after the period: open on 31 March.
        promise("p7", "A", D(2023, 1, 5), "achieved", D(2023, 5, 1)),
    ],
    schema_overrides={"closed_on": pl.Date, "feedback_published_on": pl.Date},
)


def test_status_counts_use_the_status_on_the_day():
    counts = dict(pr.status_counts(PROMISES, ["A", "B"], D(2023, 3, 31)).iter_rows())
    assert counts == {"open": 3, "achieved": 2, "partly achieved": 0, "not achieved": 1, "withdrawn": 1}


def test_summary_hand_computed():
    s = pr.summary(PROMISES, ["A", "B"], Q1)
    assert s["closed"] == 4 and s["achieved"] == 2 and s["completion"] == 0.5
    # Days to close: p1 0, p2 160, p3 185, p4 200 -> median 172.5.
    assert s["median_days_to_close"] == 172.5
    assert s["set"] == 2  # p1 and p7 were set in Q1
    assert s["panel_share"] == 1.0
    assert s["open_at_end"] == 3 and s["past_review"] == 1  # p5 only
    # Counted: closed by 3 March, so their 28 days have run by 31 March: p1 (told the same day)
    # and p3 (told after 20 days) -> 2 of 2. p2 and p4 closed later in March: not counted yet.
    assert s["feedback_counted"] == 2 and s["told"] == 2 and s["feedback_share"] == 1.0
    # Within 10 days, counting what closed by 21 March: p1 and p2 (told before closing) told; p3
    # (20 days) and p4 (26 days) not -> 2 of 4.
    ten = pr.summary(PROMISES, ["A", "B"], Q1, feedback_days=10)
    assert (ten["feedback_counted"], ten["told"], ten["feedback_share"]) == (4, 2, 0.5)
    # The median lag is of those told by the end, clipped at 0 for feedback on or before closing:
    # p1 0, p2 0, p3 20 -> median 0.
    assert s["median_feedback_lag"] == 0.0


def test_completion_is_none_when_nothing_closed():
    s = pr.summary(PROMISES, ["B"], period_ending(D(2022, 12, 31), "quarter"))
    assert s["closed"] == 0 and s["completion"] is None and s["feedback_share"] is None


def test_overdue_threshold_is_strictly_more_than_review_days():
    late = pr.overdue(PROMISES, WARDS, D(2023, 3, 31), review_days=91)
    assert late["promise_ref"].to_list() == ["p5"] and late["days_open"].to_list() == [92]
    # p7 (set 5 January, closed only in May) was open for 85 days on 31 March.
    assert pr.overdue(PROMISES, WARDS, D(2023, 3, 31), review_days=80)["promise_ref"].to_list() == ["p5", "p6", "p7"]


def test_feedback_lag_bands():
    bands = dict(pr.feedback_lags(PROMISES, ["A", "B"], Q1).iter_rows())
    assert bands["on or before closing"] == 2  # p1 (same day) and p2 (before closing)
    assert bands["2 to 6 weeks"] == 1  # p3, 20 days
    assert bands["not yet told"] == 1  # p4, told after the period ended
    assert sum(bands.values()) == 4


def test_origin_by_borough_share_chosen_by_panel():
    origin = pr.origin_by_borough(PROMISES, WARDS, period_ending(D(2022, 12, 31), "year"))
    rows = {r["borough_name"]: r for r in origin.iter_rows(named=True)}
    # Set in 2022: A has p2 (borough), p3 (central); B has p4, p5, p6 (panel).
    assert rows["Xborough"]["panel_share"] == 0.0 and rows["Xborough"]["total"] == 2
    assert rows["Yborough"]["panel_share"] == 1.0
    assert origin["borough_name"][0] == "Xborough"  # lowest panel share first


def test_categories_over_time_counts_every_category_and_quarter():
    cats = pr.categories_over_time(PROMISES, ["A", "B"], D(2022, 12, 31), D(2023, 3, 31))
    assert cats.height == 2 * 12
    drugs = cats.filter(pl.col("category") == "drugs").sort("quarter_end")["promises"].to_list()
    assert drugs == [3, 2]  # Q4 2022: p2, p5, p6; Q1 2023: p1, p7


def _rounds(categories_per_round):
    rows = []
    for i, cats in enumerate(categories_per_round):
        day = D(2020 + i // 2, 1 if i % 2 == 0 else 7, 1)
        rows += [promise(f"r{i}{c}", "A", day, category=c) for c in cats]
    return pl.DataFrame(rows, schema_overrides={"closed_on": pl.Date, "feedback_published_on": pl.Date})


def test_recurrence_needs_four_rounds_running_up_to_the_latest():
    frame = _rounds([["drugs", "theft"], ["drugs"], ["drugs", "theft"], ["drugs", "theft"]])
    rec = pr.recurrence(frame, WARDS, D(2023, 12, 31))
    assert rec.select("category", "run").rows() == [("drugs", 4)]  # theft missed round 2
    assert rec["since"][0] == D(2020, 1, 1)


def test_recurrence_broken_at_the_latest_round_does_not_count():
    frame = _rounds([["drugs"], ["drugs"], ["drugs"], ["drugs"], ["theft"]])
    assert pr.recurrence(frame, WARDS, D(2023, 12, 31)).is_empty()
    # ...but as of a day before the fifth round, drugs was still recurring.
    assert pr.recurrence(frame, WARDS, D(2021, 12, 31))["run"].to_list() == [4]


def test_recurrence_lists_a_wards_recurring_categories_longest_run_first_then_by_name():
    frame = _rounds([["theft"], ["theft", "drugs", "burglary"], ["theft", "drugs", "burglary"], ["theft", "burglary", "drugs"]])
    rec = pr.recurrence(frame, WARDS, D(2023, 12, 31), rounds=3)
    assert rec.select("category", "run").rows() == [("theft", 4), ("burglary", 3), ("drugs", 3)]
