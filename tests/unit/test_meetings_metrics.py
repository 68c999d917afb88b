"""Meetings and DWO continuity figures on small frames with hand-checked answers."""

import datetime as dt

import polars as pl

from dashboard.domain.periods import period_ending
from dashboard.figures import meetings as mt

D = dt.date
Q1 = period_ending(D(2023, 3, 31), "quarter")  # 1 January to 31 March 2023
Y23 = period_ending(D(2023, 12, 31), "year")

WARDS = pl.DataFrame(
    {
        "ward_code": ["A", "B", "C"],
        "ward_name": ["Ash", "Birch", "Cedar"],
        "borough_code": ["X", "X", "Y"],
        "borough_name": ["Xborough", "Xborough", "Yborough"],
    }
)


def meeting(ward, day, *, attendees=10, public=2, dwo=True, reviewed=True, minutes=True, fmt="in person", open_=True):
    return {
        "ward_code": ward, "held_on": day, "attendees": attendees, "public_attendees": public, "dwo_present": dwo,
        "promises_reviewed": reviewed, "minutes_published": minutes, "format": fmt, "open_to_public": open_,
    }


MEETINGS = pl.DataFrame(
    [
        meeting("A", D(2022, 10, 1)),
        meeting("A", D(2023, 2, 10), attendees=20, public=5, dwo=False, fmt="online", open_=None),
        meeting("A", D(2023, 3, 1), minutes=False, fmt="hybrid"),
        meeting("C", D(2023, 1, 15), reviewed=False),
        # B (Birch) never meets.
    ]
)


def test_heatmap_by_ward_keeps_a_ward_with_no_meetings_as_zeros():
    heat = mt.heatmap(MEETINGS, WARDS, D(2022, 12, 31), D(2023, 3, 31), by="ward")
    cells = {(r["row_name"], r["quarter_end"]): r["meetings"] for r in heat.iter_rows(named=True)}
    assert cells[("Birch", D(2022, 12, 31))] == 0 and cells[("Birch", D(2023, 3, 31))] == 0
    assert cells[("Ash", D(2022, 12, 31))] == 1 and cells[("Ash", D(2023, 3, 31))] == 2
    assert heat.height == 6  # 3 wards x 2 quarters, no gaps


def test_heatmap_by_borough_is_meetings_per_ward():
    heat = mt.heatmap(MEETINGS, WARDS, D(2023, 3, 31), D(2023, 3, 31), by="borough")
    values = dict(zip(heat["row_name"], heat["value"]))
    assert values == {"Xborough": 1.0, "Yborough": 1.0}  # X: 2 meetings over 2 wards; Y: 1 over 1


def test_below_minimum_lists_the_ward_that_never_met_and_respects_the_minimum():
    below = mt.below_minimum(MEETINGS, WARDS, Q1, minimum=1)
    assert below["ward_name"].to_list() == ["Birch"]
    assert below.row(0, named=True)["meetings"] == 0
    below2 = mt.below_minimum(MEETINGS, WARDS, Q1, minimum=2)
    assert set(below2["ward_name"]) == {"Birch", "Cedar"}  # Ash met twice in Q1


def test_below_minimum_counts_quarters_in_a_year():
    # Ash met in Q4 2022 (outside 2023) and Q1 2023 only: 3 of 2023's 4 quarters below.
    row = mt.below_minimum(MEETINGS, WARDS, Y23).filter(pl.col("ward_name") == "Ash").row(0, named=True)
    assert row["quarters_below"] == 3 and row["meetings"] == 2


def test_longest_gap_uses_the_meeting_before_the_period_and_the_running_gap():
    gaps = {r["ward_name"]: r for r in mt.longest_gap(MEETINGS, WARDS, Q1).iter_rows(named=True)}
    # Ash: 1 Oct 2022 -> 10 Feb 2023 is 132 days; later gaps are 19 and 30 (to 31 March).
    assert gaps["Ash"]["longest_gap_days"] == 132
    # Cedar: only 15 January, so the running gap to 31 March (75 days) is the longest.
    assert gaps["Cedar"]["longest_gap_days"] == 75
    assert gaps["Birch"]["never_met"] and gaps["Birch"]["longest_gap_days"] is None


def test_summary_shares_and_means():
    s = mt.summary(MEETINGS, ["A", "B", "C"], Q1)
    assert s["meetings"] == 3 and s["per_ward"] == 1.0
    assert s["attendees"] == (20 + 10 + 10) / 3
    assert s["dwo"] == 2 / 3 and s["reviewed"] == 2 / 3 and s["minutes"] == 2 / 3
    assert s["open"] == 1.0 and s["open_unknown"] == 1  # the online meeting did not record it
    assert (s["in person"], s["online"], s["hybrid"]) == (1 / 3, 1 / 3, 1 / 3)


def test_summary_of_wards_with_no_meetings_has_no_shares_not_zero():
    s = mt.summary(MEETINGS, ["B"], Q1)
    assert s["meetings"] == 0 and s["dwo"] is None and s["attendees"] is None


def test_trends_keep_empty_quarters():
    t = mt.trends(MEETINGS, ["A"], D(2022, 12, 31), D(2023, 6, 30))
    assert t["meetings"].to_list() == [1, 2, 0]
    assert t["attendees"].to_list()[1] == 15.0 and t["attendees"].to_list()[2] is None


DWO = pl.DataFrame(
    {
        "ward_code": ["A", "A", "A", "B", "C", "C", "C", "C"],
        "officer_ref": ["o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8"],
        "started_on": [D(2020, 1, 1), D(2022, 3, 1), D(2023, 9, 1), D(2019, 1, 1), D(2021, 1, 1), D(2022, 2, 1), D(2022, 10, 1), D(2023, 5, 1)],
        "ended_on": [D(2022, 2, 1), D(2023, 8, 1), None, D(2023, 12, 31), D(2022, 1, 1), D(2022, 9, 1), D(2023, 4, 1), None],
    }
)


def test_dwo_tenure_changes_and_vacancy():
    c = {r["ward_name"]: r for r in mt.dwo_continuity(DWO, WARDS, D(2023, 12, 31)).iter_rows(named=True)}
    # Ash: o2 and o3 began in the two years to 31 Dec 2023 -> 2 changes, 1.0 a year; o3 in post 121 days.
    assert c["Ash"]["changes"] == 2 and c["Ash"]["changes_per_year"] == 1.0 and c["Ash"]["tenure_days"] == 121
    assert not c["Ash"]["high_churn"]
    # Birch: o4's posting ends on 31 December (the first day without them), so nobody is in post.
    assert c["Birch"]["no_dwo"] and c["Birch"]["tenure_days"] is None
    # Cedar: o6, o7, o8 are changes in the window (o5 is the first on record) -> 1.5 a year: high churn.
    assert c["Cedar"]["changes"] == 3 and c["Cedar"]["high_churn"]


def test_churn_and_functioning_compares_the_two_groups():
    # On 31 March 2023 Cedar has had 2 changes in two years (o6, o7: 1.0 a year) and Ash 1 (o2);
    # with a threshold of 1.0 a year Cedar alone is high churn.
    c = mt.dwo_continuity(DWO, WARDS, D(2023, 3, 31), high_churn_per_year=1.0)
    groups = {r["group"]: r for r in mt.churn_and_functioning(c, MEETINGS, Q1).iter_rows(named=True)}
    hi, rest = groups["High DWO churn"], groups["Other wards"]
    # Cedar met once in Q1, with the DWO there.
    assert hi["wards"] == 1 and hi["meetings_per_ward"] == 1.0 and hi["share_meetings_with_dwo"] == 1.0
    # Rest: Ash (2 meetings in Q1, DWO at 1) and Birch (none): 1 meeting a ward, half met every quarter.
    assert rest["wards"] == 2 and rest["meetings_per_ward"] == 1.0
    assert rest["share_meeting_every_quarter"] == 0.5 and rest["share_meetings_with_dwo"] == 0.5
