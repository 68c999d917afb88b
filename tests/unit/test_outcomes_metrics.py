"""Engagement outputs and outcomes on small frames with hand-checked answers."""

import datetime as dt

import polars as pl

from dashboard.domain import vocabulary as v
from dashboard.domain.periods import period_ending
from dashboard.figures import outcomes as oc

D = dt.date
Q1 = period_ending(D(2023, 3, 31), "quarter")
Q2 = period_ending(D(2023, 6, 30), "quarter")
GOOD_JOB = '"Good Job" local'

WARDS = pl.DataFrame(
    {
        "ward_code": ["A", "B", "C"],
        "ward_name": ["Ash", "Birch", "Cedar"],
        "borough_code": ["X", "X", "Y"],
        "borough_name": ["Xborough", "Xborough", "Yborough"],
    }
)

ENGAGEMENT = pl.DataFrame(
    {
        "ward_code": ["A", "A", "B", "C", "A"],
        "held_on": [D(2023, 1, 5), D(2023, 2, 5), D(2023, 3, 5), D(2023, 3, 6), D(2023, 4, 1)],
        "kind": ["contact session", "contact session", "newsletter", "social media", "newsletter"],
        "people_reached": [10, 5, 100, 40, 999],
        "young_people_reached": [2, 0, 8, 10, 0],
    }
)

PROMISES = pl.DataFrame(
    {
        "ward_code": ["A", "A", "B", "C"],
        "status": ["achieved", "not achieved", "achieved", "achieved"],
        "closed_on": [D(2023, 1, 10), D(2023, 2, 10), D(2023, 3, 10), D(2023, 3, 30)],
        "feedback_published_on": [D(2023, 1, 5), None, D(2023, 3, 20), D(2023, 4, 10)],
        "set_on": [D(2022, 6, 1)] * 4,
    }
)

CONFIDENCE = pl.DataFrame(
    {
        "borough_code": ["X", "X", "Y", v.LONDON_CODE, "X"],
        "quarter_end": [D(2022, 12, 31), D(2023, 3, 31), D(2023, 3, 31), D(2023, 3, 31), D(2023, 3, 31)],
        "measure": [GOOD_JOB, GOOD_JOB, GOOD_JOB, GOOD_JOB, "Trust MPS"],
        "value_pct": [50.0, 60.0, 70.0, 64.0, 80.0],
        "base_n": [None, 412, 87, None, None],
    },
    schema_overrides={"base_n": pl.Int64},
)


def test_by_kind_lists_every_kind_with_reach():
    kinds = {r["kind"]: r for r in oc.by_kind(ENGAGEMENT, ["A", "B", "C"], Q1).iter_rows(named=True)}
    assert set(kinds) == set(v.ENGAGEMENT_KINDS)
    assert (kinds["contact session"]["activities"], kinds["contact session"]["people_reached"]) == (2, 15)
    assert kinds["school visit"]["activities"] == 0


def test_summary_outputs_and_outcomes():
    s = oc.summary(ENGAGEMENT, PROMISES, ["A", "B", "C"], Q1)
    assert s["activities"] == 4 and s["per_ward"] == 4 / 3
    assert s["people"] == 155 and s["young"] == 20 and s["young_share"] == 20 / 155
    # 3 of 4 closed promises achieved; told by 31 March: A's first (before closing) and B's -> 2 of 4.
    assert s["completion"] == 0.75 and s["feedback_share"] == 0.5


def test_survey_takes_the_latest_quarter_never_an_average_of_quarters():
    latest = oc.survey_latest(CONFIDENCE, ["X"], D(2023, 3, 31)).filter(pl.col("measure") == GOOD_JOB).row(0, named=True)
    assert latest["value_pct"] == 60.0  # not (50 + 60) / 2
    assert latest["base_n"] == 412 and latest["base"] == "base 412"


def test_survey_marks_small_and_missing_bases():
    y = oc.survey_latest(CONFIDENCE, ["Y"], D(2023, 3, 31)).filter(pl.col("measure") == GOOD_JOB).row(0, named=True)
    assert y["base"].startswith("small base (87)")
    london = oc.survey_latest(CONFIDENCE, None, D(2023, 3, 31)).filter(pl.col("measure") == GOOD_JOB).row(0, named=True)
    assert london["value_pct"] == 64.0 and london["base"] == "base not published"


def test_a_quarter_with_no_survey_falls_back_to_the_latest_earlier_one():
    # Nothing was published for April to June 2023: the figure is still the March one, dated so.
    row = oc.survey_latest(CONFIDENCE, ["X"], Q2.end).filter(pl.col("measure") == GOOD_JOB).row(0, named=True)
    assert row["value_pct"] == 60.0 and row["quarter_end"] == D(2023, 3, 31)


def test_no_survey_at_all_gives_nulls_not_an_error():
    out = oc.survey_latest(CONFIDENCE, ["X"], D(2020, 1, 1))
    assert out.height == len(v.PAS_MEASURES)
    assert out["value_pct"].null_count() == len(v.PAS_MEASURES)
    assert set(out["base"]) == {"base not published"}


def test_several_boroughs_average_within_one_quarter():
    row = oc.survey_latest(CONFIDENCE, ["X", "Y"], D(2023, 3, 31)).filter(pl.col("measure") == GOOD_JOB).row(0, named=True)
    assert row["value_pct"] == 65.0 and row["base_n"] == 499


def test_by_borough_pools_promises_and_reads_the_survey():
    wards = oc.by_ward(ENGAGEMENT, PROMISES, WARDS, Q1)
    b = {r["borough_name"]: r for r in oc.by_borough(wards, CONFIDENCE, Q1.end, measure=GOOD_JOB).iter_rows(named=True)}
    # Xborough: 3 activities over 2 wards; promises 2 achieved of 3 closed (pooled, not averaged).
    assert b["Xborough"]["activities_per_ward"] == 1.5 and b["Xborough"]["completion"] == 2 / 3
    assert b["Xborough"]["survey_pct"] == 60.0 and b["Yborough"]["survey_base"].startswith("small base")
    birch = wards.filter(pl.col("ward_code") == "B").row(0, named=True)
    assert birch["activities"] == 1 and birch["completion"] == 1.0


def test_quadrants_against_medians():
    frame = pl.DataFrame({"x": [12.0, 12.0, 3.0, 3.0, 5.0], "y": [0.4, 0.6, 0.6, 0.4, None]})
    labels = oc.quadrants(frame, x="x", y="y", x_median=10.0, y_median=0.5)["quadrant"].to_list()
    assert labels == [oc.HIGH_POOR, oc.HIGH_GOOD, oc.LOW_GOOD, oc.LOW_POOR, oc.NO_OUTCOME]


def test_survey_by_quarter_skips_missing_quarters():
    boroughs = WARDS.select("borough_code", "borough_name")
    out = oc.survey_by_quarter(CONFIDENCE, boroughs, GOOD_JOB, D(2022, 12, 31), Q2.end)
    assert out.filter(pl.col("borough_name") == "Xborough")["quarter_end"].to_list() == [D(2022, 12, 31), D(2023, 3, 31)]
