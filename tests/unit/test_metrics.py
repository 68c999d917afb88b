"""Overview figures on small frames with hand-checked answers."""

import datetime as dt

import polars as pl

from dashboard.domain.periods import period_ending
from dashboard.figures import metrics

D = dt.date
Q1 = period_ending(D(2023, 3, 31), "quarter")  # 1 January to 31 March 2023


def test_panel_counts_only_if_open_on_the_day():
    panels = pl.DataFrame(
        {
            "ward_code": ["A", "B", "C", "C", "D"],
            "established_on": [D(2020, 1, 1), D(2020, 1, 1), D(2019, 1, 1), D(2023, 2, 1), D(2023, 4, 1)],
            "closed_on": [None, D(2023, 3, 31), D(2021, 1, 1), None, None],
        }
    )
    # A open; B closed on the day itself (no panel that day); C re-formed; D not yet formed.
    assert metrics.wards_with_panel(panels, ["A", "B", "C", "D"], D(2023, 3, 31)) == 2
    assert metrics.wards_with_panel(panels, ["B"], D(2023, 3, 30)) == 1


def test_meetings_in_period_only():
    meetings = pl.DataFrame({"ward_code": ["A", "A", "A", "B"], "held_on": [D(2022, 12, 31), D(2023, 1, 1), D(2023, 3, 31), D(2023, 2, 1)]})
    assert metrics.meetings_held(meetings, ["A"], Q1) == 2
    assert metrics.meetings_held(meetings, ["A", "B"], Q1) == 3


def _promises():
    return pl.DataFrame(
        {
            "ward_code": ["A"] * 5,
            "status": ["achieved", "not achieved", "withdrawn", "open", "achieved"],
            "closed_on": [D(2023, 1, 5), D(2023, 2, 1), D(2023, 3, 31), None, D(2023, 4, 1)],
            "feedback_published_on": [D(2023, 1, 10), None, D(2023, 4, 2), None, D(2023, 4, 2)],
        }
    )


def test_completion_is_achieved_of_closed_in_period():
    assert metrics.promise_completion(_promises(), ["A"], Q1) == (1, 3)


def test_feedback_counts_only_what_residents_had_been_told_by_the_end():
    # Of 3 closed in Q1, one was fed back in Q1; one only on 2 April (after the period).
    assert metrics.feedback_given(_promises(), ["A"], Q1) == (1, 3)


def test_no_closed_promises_gives_no_rate_not_zero():
    figures = metrics.Figures(1, 1, 0, 0, 0, 0, 0, 0, None, None)
    assert figures.completion is None and figures.feedback_share is None


def test_confidence_latest_quarter_and_mean_of_boroughs():
    conf = pl.DataFrame(
        {
            "borough_code": ["X", "Y", "X", "Y", "E12000007"],
            "quarter_end": [D(2022, 12, 31), D(2022, 12, 31), D(2023, 3, 31), D(2023, 3, 31), D(2023, 3, 31)],
            "measure": [metrics.GOOD_JOB] * 5,
            "value_pct": [40.0, 44.0, 50.0, 60.0, 52.0],
        }
    )
    assert metrics.confidence_value(conf, ["X", "Y"], D(2023, 3, 31)) == (55.0, D(2023, 3, 31))
    assert metrics.confidence_value(conf, ["X"], D(2023, 2, 1)) == (40.0, D(2022, 12, 31))
    assert metrics.confidence_value(conf, None, D(2023, 3, 31)) == (52.0, D(2023, 3, 31))
    assert metrics.confidence_value(conf, ["X"], D(2020, 1, 1)) == (None, None)


def test_engagement_sums_people():
    eng = pl.DataFrame({"ward_code": ["A", "A", "B"], "held_on": [D(2023, 1, 2), D(2023, 5, 1), D(2023, 1, 3)], "people_reached": [10, 20, 5]})
    assert metrics.engagement_reach(eng, ["A", "B"], Q1) == (2, 15)


def test_every_metric_has_a_definition_with_an_example():
    from dashboard.figures import definitions

    docs = definitions.published()
    assert {"wards_with_panel", "promise_completion", "feedback_given"} <= set(docs)
    for name, doc in docs.items():
        assert "xample" in doc, f"{name} needs a worked example in its docstring"


def test_other_pages_figures_are_defined_on_the_about_page():
    from dashboard.figures import definitions

    defs = definitions.all_definitions()
    for module_name, figures in definitions.FIGURES.items():
        for title in figures.values():
            assert len(defs[title]) > 40, f"{title} ({module_name}) needs a real definition"


def test_in_wards_keeps_the_chosen_wards_rows_and_shares_a_frame_it_keeps_whole():
    from dashboard.figures.expressions import in_wards

    frame = pl.DataFrame({"ward_code": ["A", "B", "A", "C"], "n": [1, 2, 3, 4]})
    assert in_wards(frame, ["A", "C"])["n"].to_list() == [1, 3, 4]
    assert in_wards(frame, ["Z"]).height == 0
    # Every row kept (London): the same immutable frame, not a copy of it.
    assert in_wards(frame, ["A", "B", "C", "D"]) is frame
