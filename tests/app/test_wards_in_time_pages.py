"""Wards in time through AppTest: the coverage trend counts the wards of each date, and a 2022 ward
shows its predecessors' history, the split stated, after records on old codes are imported on the Data page."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import state
from dashboard.figures.wards_in_time import TREND_NOTE
from tests.app.test_coverage_pages import open_page, table
from tests.app.test_data_page import data_page, own_db, table_with  # noqa: F401 (own_db: a fixture)

BARKING = "Barking and Dagenham"  # the sidebar's address holds names
NORTHBURY = "Northbury"  # E05014066: 94% of it was old Abbey (E05000026), whose best fit it is
OLD_ABBEY_MEETINGS = (b"ward_code,held_on,attendees,public_attendees,dwo_present,promises_reviewed,minutes_published,format\n"
                      b"E05000026,2019-01-14,11,4,yes,yes,yes,in person\n"
                      b"E05000026,2019-02-11,9,3,yes,yes,yes,in person\n"
                      b"E05000026,2019-03-11,10,2,no,yes,yes,in person\n")
OLD_ABBEY_PANEL = (b"ward_code,established_on,closed_on,chair_type,meetings_open_to_public,terms_of_reference_agreed\n"
                   b"E05000026,2009-06-01,2012-01-31,resident,yes,yes\n")


def wards_by_quarter(at: AppTest) -> dict[str, int]:
    rows = table(at, "trend")
    return {str(q)[:10]: int(n) for q, n in zip(rows["Quarter ending"], rows["Wards"])}


def test_the_trend_counts_the_wards_that_existed_at_each_quarter_end(app_env):
    london = open_page("pages/trend.py")
    counts = wards_by_quarter(london)
    assert counts["2019-03-31"] == counts["2022-03-31"] == 632  # the Met's wards before 5 May 2022
    assert counts["2022-06-30"] == counts["2023-12-31"] == 679
    assert TREND_NOTE in [c.value for c in london.caption]
    barking = wards_by_quarter(open_page("pages/trend.py", borough=BARKING))
    assert (barking["2019-03-31"], barking["2022-06-30"]) == (17, 19)
    # One 2022 ward's trend before the change is that of the old ward whose records count for it.
    northbury = wards_by_quarter(open_page("pages/trend.py", borough=BARKING, ward=NORTHBURY))
    assert set(northbury.values()) == {1}


def northbury_detail() -> AppTest:
    return open_page("pages/coverage.py", borough=BARKING, ward=NORTHBURY)


@pytest.mark.sqlite_only("old codes import on both databases in tests/db/test_wards_in_time_db.py")
@pytest.mark.usefixtures("own_db")  # a private copy of the seeded database: this test writes
def test_2019_records_on_old_codes_import_and_show_in_the_2022_wards_history():
    before = table_with(northbury_detail(), "Quarter starting")
    in_2019_q1 = before["Quarter starting"].astype(str).str.startswith("2019-01-01")
    held_before = int(before[in_2019_q1]["Meetings"].sum())

    data = data_page()
    data.file_uploader(key="upload_0").set_value([("panels_2009.csv", OLD_ABBEY_PANEL, "text/csv"),
                                                ("meetings_2019.csv", OLD_ABBEY_MEETINGS, "text/csv")]).run()
    assert not data.exception and not data.error, [e.value for e in data.error]
    data.button(key="import").click().run()
    assert not data.exception
    assert "meetings 3 new" in data.success[0].value and "panels 1 new" in data.success[0].value
    state.clear()

    at = northbury_detail()
    note = next(i.value for i in at.info if "history" in i.value)
    assert note.startswith("Before 5 May 2022 this ward's history is that of its predecessor Abbey (E05000026): 83% of "
                           "Abbey's area is in this ward, and it made up 94% of this ward.")
    panels = table_with(at, "Recorded on ward")
    old = panels[panels["Recorded on ward"].notna()]
    # The sample's own panel of old Abbey (set up 3 April 2006, still open as Northbury's) and the imported one.
    assert [(str(day)[:10], kept) for day, kept in old[["Set up on", "Recorded on ward"]].values.tolist()] == [
        ("2006-04-03", "Abbey (E05000026), before May 2022"), ("2009-06-01", "Abbey (E05000026), before May 2022")]
    after = table_with(at, "Quarter starting")
    in_2019_q1 = after["Quarter starting"].astype(str).str.startswith(str(dt.date(2019, 1, 1)))
    assert int(after[in_2019_q1]["Meetings"].sum()) == held_before + 3
