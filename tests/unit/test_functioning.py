"""Panel status by hand-computed example: every rule, every boundary.

Each test builds a ward or two by hand, states what a person applying the rubric would
conclude, and checks ward_status agrees, reasons included.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest

from dashboard.domain import periods
from dashboard.domain import status_style as s
from dashboard.figures import functioning as f
from data_access import rubric

D = dt.date
MET = "Metropolitan Police Service"
RULES = f.Rules()


def wards(*codes: str, city: tuple[str, ...] = ()) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "ward_code": [*codes, *city],
            "police_force": [MET] * len(codes) + ["City of London Police"] * len(city),
        }
    )


def panels(*rows) -> pl.DataFrame:
    """rows: (ward, established_on, closed_on, chair_type, last_membership_review_on)."""
    return pl.DataFrame(
        rows,
        schema={
            "ward_code": pl.String,
            "established_on": pl.Date,
            "closed_on": pl.Date,
            "chair_type": pl.String,
            "last_membership_review_on": pl.Date,
        },
        orient="row",
    )


def meetings(*rows) -> pl.DataFrame:
    """rows: (ward, held_on, dwo_present, promises_reviewed, minutes_published)."""
    return pl.DataFrame(
        rows,
        schema={
            "ward_code": pl.String,
            "held_on": pl.Date,
            "dwo_present": pl.Boolean,
            "promises_reviewed": pl.Boolean,
            "minutes_published": pl.Boolean,
        },
        orient="row",
    )


def promises(*rows) -> pl.DataFrame:
    """rows: (ward, set_on, closed_on)."""
    return pl.DataFrame(rows, schema={"ward_code": pl.String, "set_on": pl.Date, "closed_on": pl.Date}, orient="row")


# A healthy panel: quarterly meetings to 3 March 2025, everything done at each one.
GOOD_PANEL = ("A", D(2015, 1, 1), None, "resident", D(2025, 1, 10))
GOOD_MEETINGS = [("A", D(2024, 9, 3), True, True, True), ("A", D(2024, 11, 3), True, True, True),
                 ("A", D(2025, 1, 3), True, True, True), ("A", D(2025, 3, 3), True, True, True)]
ONE_PROMISE = ("A", D(2025, 1, 3), None)


def status_of(ward: str = "A", *, w=None, p=None, m=None, pr=None, rules=RULES, as_of=D(2025, 7, 3)) -> tuple[str, list[str]]:
    out = f.ward_status(
        w if w is not None else wards(ward),
        p if p is not None else panels(GOOD_PANEL),
        m if m is not None else meetings(*GOOD_MEETINGS),
        pr if pr is not None else promises(ONE_PROMISE),
        rules=rules,
        as_of=as_of,
    )
    row = out.filter(pl.col("ward_code") == ward).row(0, named=True)
    return row["status"], row["reasons"]


def test_a_panel_meeting_every_rule_is_functioning_with_no_reasons():
    assert status_of() == (s.FUNCTIONING, [])


def test_exactly_four_months_since_the_last_meeting_still_counts_as_within_four_months():
    # Last meeting 3 March 2025; 3 July is exactly four months on, 4 July is one day more.
    assert status_of(as_of=D(2025, 7, 3)) == (s.FUNCTIONING, [])
    status, reasons = status_of(as_of=D(2025, 7, 4))
    assert status == s.NOT_FUNCTIONING
    assert reasons == ["No meeting since 3 March 2025"]


def test_the_twelve_month_window_ends_on_the_date_and_starts_the_day_after_a_year_before():
    # As of 3 September 2025 the window is 4 September 2024 to 3 September 2025: the meeting of
    # 3 September 2024 drops out, leaving 3 (and the last meeting is over four months ago).
    status, reasons = status_of(as_of=D(2025, 9, 3))
    assert status == s.NOT_FUNCTIONING
    assert reasons[:2] == ["Only 3 meetings in the last 12 months (4 expected)", "No meeting since 3 March 2025"]


def test_a_ward_that_never_had_a_panel():
    out = f.ward_status(wards("A", "B"), panels(GOOD_PANEL), meetings(*GOOD_MEETINGS), promises(ONE_PROMISE),
                        rules=RULES, as_of=D(2025, 7, 3))
    row = out.filter(pl.col("ward_code") == "B").row(0, named=True)
    assert (row["status"], row["reasons"]) == (s.NO_PANEL, ["No panel on record"])
    assert row["meetings_12m"] == 0 and row["last_meeting"] is None


def test_a_panel_that_has_never_met_after_six_months_is_not_functioning():
    # Set up 1 January 2025: 6 whole months by 3 July, so 4 x 6/12 = 2 meetings expected.
    p = panels(("A", D(2025, 1, 1), None, "resident", D(2025, 1, 1)))
    status, reasons = status_of(p=p, m=meetings())
    assert status == s.NOT_FUNCTIONING
    assert reasons == [
        "No meetings in the last 12 months (2 expected)",
        "No meeting since the panel was set up on 1 January 2025",
    ]


def test_a_new_panel_that_has_not_met_yet_is_judged_only_on_what_it_can_have_done():
    # Set up 1 May 2025: 2 whole months, 4 x 2/12 rounds down to 0 meetings expected; set up
    # within four months. Its membership has never been reviewed: the one thing it lacks.
    p = panels(("A", D(2025, 5, 1), None, "resident", None))
    assert status_of(p=p, m=meetings()) == (s.AT_RISK, ["Membership never reviewed"])


def test_a_panel_closed_and_reopened_is_judged_on_the_new_panel_only():
    old = ("A", D(2015, 1, 1), D(2024, 6, 30), "resident", D(2024, 1, 1))
    new = ("A", D(2025, 4, 1), None, "resident", D(2025, 4, 1))
    busy_old = meetings(*[("A", D(2024, mo, 3), True, True, True) for mo in range(1, 7)])
    # While closed: no panel, and the reason says when the last one closed.
    assert status_of(p=panels(old, new), m=busy_old, as_of=D(2024, 12, 1)) == (
        s.NO_PANEL, ["No panel since the last one closed on 30 June 2024"])
    # The closing day itself is the first day without it.
    assert status_of(p=panels(old, new), m=busy_old, as_of=D(2024, 6, 30))[0] == s.NO_PANEL
    since_2024 = promises(("A", D(2024, 1, 1), None))
    assert status_of(p=panels(old, new), m=busy_old, pr=since_2024, as_of=D(2024, 6, 29))[0] == s.FUNCTIONING
    # Reopened 1 April 2025: the old panel's six meetings in 2024 do not count for the new one
    # (3 whole months by 3 July: 1 meeting expected, none held).
    status, reasons = status_of(p=panels(old, new), m=busy_old, as_of=D(2025, 7, 3))
    assert status == s.NOT_FUNCTIONING
    assert reasons == ["No meetings in the last 12 months (1 expected)"]


def test_changing_a_threshold_changes_the_status():
    assert status_of()[0] == s.FUNCTIONING
    stricter = RULES.with_changes(min_meetings_12m=5)
    assert status_of(rules=stricter) == (s.NOT_FUNCTIONING, ["Only 4 meetings in the last 12 months (5 expected)"])
    # Loosening recency to five months makes 4 July fine again.
    assert status_of(rules=RULES.with_changes(max_months_since_meeting=5), as_of=D(2025, 7, 4)) == (s.FUNCTIONING, [])


def test_changing_a_rules_severity_moves_a_panel_between_not_functioning_and_at_risk():
    lenient = RULES.with_severity("recency", s.AT_RISK)
    assert status_of(rules=lenient, as_of=D(2025, 7, 4)) == (s.AT_RISK, ["No meeting since 3 March 2025"])


def test_changing_the_toml_text_changes_the_status():
    text = rubric.rubric_text().replace("min_in_last_12_months = 4", "min_in_last_12_months = 6")
    assert status_of(rules=f.parse_rules(text))[0] == s.NOT_FUNCTIONING


def test_dwo_at_two_of_the_last_four_meetings_is_at_risk_and_a_lower_bar_clears_it():
    m = meetings(*[(w, d, i >= 2, r, mi) for i, (w, d, _, r, mi) in enumerate(GOOD_MEETINGS)])
    assert status_of(m=m) == (s.AT_RISK, ["DWO at 2 of the last 4 meetings"])
    assert status_of(m=m, rules=RULES.with_changes(dwo_min_present=2)) == (s.FUNCTIONING, [])


def test_dwo_with_fewer_meetings_than_the_window_allows_the_same_number_of_absences():
    # Only one meeting held, DWO absent: 1 absence is allowed (4 - 3), so still met.
    p = panels(("A", D(2025, 5, 1), None, "resident", D(2025, 5, 1)))
    one = meetings(("A", D(2025, 6, 3), False, True, True))
    assert status_of(p=p, m=one) == (s.FUNCTIONING, [])
    # Demanding all of the last 4 fails it, with the singular wording.
    assert status_of(p=p, m=one, rules=RULES.with_changes(dwo_min_present=4)) == (s.AT_RISK, ["DWO not at the last meeting"])


def test_promises_not_reviewed_at_the_last_two_meetings():
    m = meetings(*GOOD_MEETINGS[:2], *[(w, d, dwo, False, mi) for w, d, dwo, _, mi in GOOD_MEETINGS[2:]])
    assert status_of(m=m) == (s.AT_RISK, ["No promise reviewed at the last two meetings"])


def test_no_current_promise_is_at_risk():
    closed = promises(("A", D(2024, 1, 1), D(2025, 7, 3)))  # closed on the date: no longer open
    assert status_of(pr=closed) == (s.AT_RISK, ["No current promises"])
    still_open = promises(("A", D(2024, 1, 1), D(2025, 7, 4)))
    assert status_of(pr=still_open) == (s.FUNCTIONING, [])


def test_membership_review_exactly_twelve_months_ago_is_within_twelve_months():
    on_time = panels(GOOD_PANEL[:4] + (D(2024, 7, 3),))
    assert status_of(p=on_time) == (s.FUNCTIONING, [])
    late = panels(GOOD_PANEL[:4] + (D(2024, 7, 2),))
    assert status_of(p=late) == (s.AT_RISK, ["Membership last reviewed on 2 July 2024"])


def test_a_police_officer_chair_is_not_functioning_unless_the_rubric_allows_it():
    police = panels(GOOD_PANEL[:3] + ("police officer", GOOD_PANEL[4]))
    assert status_of(p=police) == (s.NOT_FUNCTIONING, ["Chair is a police officer"])
    assert status_of(p=police, rules=RULES.with_changes(chair_may_be_police_officer=True)) == (s.FUNCTIONING, [])


def test_minutes_for_half_the_meetings_is_enough_and_one_in_four_is_not():
    half = meetings(*[(w, d, dwo, r, i % 2 == 0) for i, (w, d, dwo, r, _) in enumerate(GOOD_MEETINGS)])
    assert status_of(m=half) == (s.FUNCTIONING, [])
    quarter = meetings(*[(w, d, dwo, r, i == 0) for i, (w, d, dwo, r, _) in enumerate(GOOD_MEETINGS)])
    assert status_of(m=quarter) == (s.AT_RISK, ["Minutes published for 1 of 4 meetings in the last 12 months"])


def test_three_at_risk_failures_at_once_make_a_panel_not_functioning():
    m = meetings(*[(w, d, False, r, False) for w, d, _, r, _ in GOOD_MEETINGS])  # no DWO, no minutes
    p = panels(GOOD_PANEL[:4] + (None,))  # never reviewed
    status, reasons = status_of(p=p, m=m)
    assert status == s.NOT_FUNCTIONING
    assert reasons == [
        "DWO at 0 of the last 4 meetings",
        "Membership never reviewed",
        "Minutes published for 0 of 4 meetings in the last 12 months",
        '3 "at risk" problems at once',
    ]
    # Two of them is only at risk.
    assert status_of(p=panels(GOOD_PANEL), m=m)[0] == s.AT_RISK


def test_city_of_london_wards_get_their_own_label():
    out = f.ward_status(wards("A", city=("C",)), panels(GOOD_PANEL), meetings(*GOOD_MEETINGS), promises(ONE_PROMISE),
                        rules=RULES, as_of=D(2025, 7, 3))
    assert out.filter(pl.col("ward_code") == "C")["status"].item() == s.CITY


def test_the_shipped_rubric_is_the_documented_default():
    assert f.parse_rules(rubric.rubric_text()) == f.Rules()
    assert f.Rules().feedback_days == 28


def test_the_feedback_window_is_read_from_the_rubric():
    text = rubric.rubric_text().replace("told_within_days = 28", "told_within_days = 14")
    assert f.parse_rules(text).feedback_days == 14


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('severity = "at risk"\n\n[promises_reviewed]', 'severity = "maybe"\n\n[promises_reviewed]', "[current_promises] severity"),
        ("min_present = 3", "min_present = 5", "min_present must be at most of_last"),
        ("of_last = 4", 'of_last = "four"', "[dwo] of_last must be a int"),
        ("[meetings]", "[meetings", "not valid TOML"),
        ("told_within_days = 28", "told_within_days = -1", "[feedback] told_within_days must not be negative"),
        ("told_within_days = 28", "", "has no [feedback] told_within_days"),
    ],
)
def test_a_broken_rubric_gives_a_plain_message(old, new, message):
    text = rubric.rubric_text()
    assert old in text
    with pytest.raises(f.RulesProblem, match=message.replace("[", r"\[").replace("]", r"\]")):
        f.parse_rules(text.replace(old, new, 1))


def test_months_before_clamps_to_the_end_of_a_shorter_month():
    assert periods.months_before(D(2024, 5, 31), 3) == D(2024, 2, 29)
    assert periods.months_before(D(2025, 7, 3), 12) == D(2024, 7, 3)
    assert periods.months_before(D(2025, 1, 15), 4) == D(2024, 9, 15)


def test_rules_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        RULES.min_meetings_12m = 9  # type: ignore[misc]
