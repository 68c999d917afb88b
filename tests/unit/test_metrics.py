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


def test_feedback_counts_promises_given_their_28_days():
    # As of 31 March only the promises closed by 3 March have had 28 days: 5 January (told in 5
    # days) and 1 February (never told). 31 March's promise waits, rather than counting as untold.
    assert metrics.feedback_given(_promises(), ["A"], Q1) == (1, 2)
    # Seen on 30 April its 28 days have run: told on 2 April, 2 days after closing.
    assert metrics.feedback_given(_promises(), ["A"], Q1, as_of=D(2023, 4, 30)) == (2, 3)
    # With 3 days, 5 January's promise (told after 5 days) is not told in time.
    assert metrics.feedback_given(_promises(), ["A"], Q1, days=3) == (0, 2)


def test_a_quarters_feedback_rate_does_not_change_when_seen_later():
    """Promises closed July to September 2023, told 0, 27, 28, 29 and 200 days after closing, or
    never: 3 of 6 within 28 days, whether seen on 31 December 2023 or years later (the old rule,
    "told by the end of the period", gave 1 of 6 on 30 September and 4 of 6 a year later)."""
    closed = [D(2023, 7, 1), D(2023, 8, 1), D(2023, 8, 15), D(2023, 9, 1), D(2023, 9, 30), D(2023, 9, 2)]
    lags = [0, 27, 28, 29, 200, None]
    promises = pl.DataFrame({
        "ward_code": ["A"] * 6, "status": ["achieved"] * 6, "closed_on": closed,
        "feedback_published_on": [None if lag is None else c + dt.timedelta(days=lag) for c, lag in zip(closed, lags)],
    })
    q3 = period_ending(D(2023, 9, 30), "quarter")
    for day in (D(2023, 12, 31), D(2024, 3, 31), D(2024, 12, 31), D(2030, 1, 1)):
        assert metrics.feedback_given(promises, ["A"], q3, as_of=day) == (3, 6), day


def test_a_recent_quarter_is_not_lower_than_the_year_for_being_recent():
    """A promise closed every 4 days from 5 January 2023, told alternately 10 and 40 days later: half are
    told within 28 days, in every quarter. The October to December quarter and the 12 months to
    December both say 50%, though the quarter's last promises were not yet told on 31 December."""
    closed = [D(2023, 1, 5) + dt.timedelta(days=4 * i) for i in range(91)]
    promises = pl.DataFrame({
        "ward_code": ["A"] * 91, "status": ["achieved"] * 91, "closed_on": closed,
        "feedback_published_on": [c + dt.timedelta(days=10 if i % 2 == 0 else 40) for i, c in enumerate(closed)],
    })
    told_q, counted_q = metrics.feedback_given(promises, ["A"], period_ending(D(2023, 12, 31), "quarter"))
    told_y, counted_y = metrics.feedback_given(promises, ["A"], period_ending(D(2023, 12, 31), "year"))
    assert (told_q / counted_q, told_y / counted_y) == (0.5, 0.5)  # 8 of 16, 42 of 84
    assert (told_q, counted_q) == (8, 16)  # closed 4 October to 3 December: 16 promises, 8 told in 10 days


def test_no_closed_promises_gives_no_rate_not_zero():
    figures = metrics.Figures(1, 1, 0, 0, 0, 0, 0, 0, 0, None, None)
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


def test_the_about_page_reads_as_plain_english_without_names_from_the_code():
    import re

    from dashboard.figures import definitions

    for title, text in definitions.DEFINITIONS.items():
        assert not re.search(r"`|\b[a-z]+_[a-z_]+\b|\bNone\b|->|>>>|Columns:", text), (title, text)
    survey = definitions.DEFINITIONS["Public Attitude Survey measures"]
    assert survey.startswith("A survey measure at the latest quarter end on or before the day, with that quarter end.")
    assert "London's own figure" not in survey  # the sentence about an argument of None is left out
    assert "the corrected chance" in definitions.plain("The ``q_value`` of each test.")
    # A whole figure survives: every figure the other pages publish keeps its definition.
    assert all(len(definitions.DEFINITIONS[t]) > 40 for figures in definitions.FIGURES.values() for t in figures.values())


def test_in_wards_keeps_the_chosen_wards_rows_and_shares_a_frame_it_keeps_whole():
    from dashboard.figures.expressions import in_wards

    frame = pl.DataFrame({"ward_code": ["A", "B", "A", "C"], "n": [1, 2, 3, 4]})
    assert in_wards(frame, ["A", "C"])["n"].to_list() == [1, 3, 4]
    assert in_wards(frame, ["Z"]).height == 0
    # Every row kept (London): the same immutable frame, not a copy of it.
    assert in_wards(frame, ["A", "B", "C", "D"]) is frame
