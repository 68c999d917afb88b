"""The column registry: headings in words, explanations first, values formatted for people and CSVs."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.domain import columns as c

REMEDY = pl.DataFrame({
    "plan_state": ["No plan", "Past due"], "ward_name": ["Becontree", "Abbey"], "borough_name": ["Barking", "Barking"],
    "status": ["Not functioning", "No panel"], "reasons": ["DWO at 0 of the last 4 meetings", "No panel on record"],
    "action": [None, "Recruit members"], "owner": [None, "Insp. Khan"], "due_on": [None, dt.date(2025, 11, 3)],
    "ward_code": ["E05014057", "E05014053"],
})


def test_every_heading_in_the_registry_is_words():
    raw = {name: col.heading for name, col in c.COLUMNS.items() if c.is_raw(col.heading)}
    assert not raw
    assert c.is_raw("plan_state") and c.is_raw("wards") and not c.is_raw("With a panel (%)")


def test_explanations_come_right_after_the_ward_and_the_rest_keep_their_order():
    shown, settings = c.screen(REMEDY)
    assert shown.columns == ["Ward", "Why", "Action agreed with the Met", "Owner", "Due by",
                             "Plan", "Borough", "Status", "Ward code"]
    assert settings["Why"].wraps and not settings["Plan"].wraps
    assert settings["Due by"].kind == c.DATE


def test_a_table_without_explanations_keeps_its_order():
    assert c.ordered(["area", "wards", "with_panel"]) == ["area", "wards", "with_panel"]


def test_shares_read_as_percentages_on_screen_and_in_the_csv():
    frame = pl.DataFrame({"group": ["All"], "share_meetings_with_dwo": [2 / 3], "pct_with_panel": [89.47],
                          "meetings_per_ward": [1.0334507], "never_met": [True], "wards": [1234]})
    shown, settings = c.screen(frame)
    assert shown["Meetings with the DWO (%)"][0] == 2 / 3 * 100
    assert settings["Meetings with the DWO (%)"].kind == c.PERCENT
    assert settings["Wards"].kind == c.COUNT
    assert shown["Never met"][0] == "Yes"
    csv = c.download(frame)
    assert csv.row(0, named=True) == {"Group": "All", "Meetings with the DWO (%)": 66.7, "With a panel (%)": 89.5,
                                      "Meetings per ward": 1.03, "Never met": "Yes", "Wards": 1234}
    assert "0.666" not in csv.write_csv()


def test_a_column_named_like_a_number_but_holding_text_stays_text():
    problems = pl.DataFrame({"row": [3], "column": ["held_on"], "value": ["31/02/2024"], "problem": ["not a real date"]})
    csv = c.download(problems)
    assert csv.columns == ["Row", "Column", "Value", "Problem"]
    assert csv["Value"][0] == "31/02/2024"


def test_csv_datetimes_lose_their_microseconds_and_unknown_floats_are_rounded():
    frame = pl.DataFrame({"imported_at": [dt.datetime(2025, 11, 3, 14, 5, 7, 123456)], "London, 2023": [4.6481]})
    assert c.download(frame).row(0) == ("2025-11-03 14:05:07", 4.65)


def test_two_columns_with_one_heading_stay_apart():
    shown, _ = c.screen(pl.DataFrame({"ward": ["A"], "ward_name": ["B"]}))
    assert shown.columns == ["Ward", "Ward (ward name)"]


def test_a_date_column_the_registry_does_not_name_still_reads_as_a_date():
    """A builder that names its columns for people (the Board page's "Date", "Started") gets UK dates too."""
    _, settings = c.screen(pl.DataFrame({"Date": [dt.date(2023, 12, 5)], "Started": [dt.datetime(2023, 1, 2, 9, 30)]}))
    assert settings["Date"].kind == c.DATE and settings["Started"].kind == c.DATETIME
