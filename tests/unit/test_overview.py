import datetime as dt

from dashboard.domain.areas import LONDON, Area
from dashboard.domain.periods import period_ending
from dashboard.figures import overview
from dashboard.figures.metrics import Figures

NOW = Figures(wards=20, with_panel=18, meetings=30, achieved=6, closed=8, told=2, feedback_counted=8, activities=40, people_reached=900, good_job=51.0, good_job_on=dt.date(2023, 12, 31))
BEFORE = Figures(wards=20, with_panel=18, meetings=33, achieved=3, closed=6, told=3, feedback_counted=6, activities=40, people_reached=1000, good_job=None, good_job_on=None)
LONDON_F = Figures(wards=679, with_panel=608, meetings=694, achieved=380, closed=696, told=160, feedback_counted=696, activities=1702, people_reached=214724, good_job=47.0, good_job_on=dt.date(2023, 12, 31))
Q4 = period_ending(dt.date(2023, 12, 31), "quarter")


def test_cards_show_values_and_changes_in_plain_words():
    cards = {c.label: c for c in overview.cards(NOW, BEFORE)}
    assert cards["Wards with a panel"].value == "18 (90%)"
    assert cards["Wards with a panel"].delta == "no change"
    assert cards["Panel meetings held"].delta == "-3"
    assert cards["Promises achieved"].value == "75% of 8"
    assert cards["Promises achieved"].delta == "+25 points"  # 75% now against 50% before
    assert cards["Residents told within 28 days of closing"].value == "25% of 8"
    assert cards["Residents told within 28 days of closing"].delta == "-25 points"  # 25% against 50%
    assert cards["Police do a good job locally"].value == "51%"
    assert cards["Police do a good job locally"].delta is None  # no survey before: nothing to compare


def test_comparison_table_has_london_column_only_for_smaller_areas():
    t = overview.comparison_table(NOW, BEFORE, LONDON_F, area_name="Hackney", period=Q4)
    assert t.columns == ["figure", "unit", "Hackney, October to December 2023", "Hackney, July to September 2023", "London, October to December 2023"]
    row = t.filter(t["figure"] == "Promises achieved, of those closed").row(0)
    assert row[2:] == (75.0, 50.0, 54.6)
    london_only = overview.comparison_table(LONDON_F, LONDON_F, LONDON_F, area_name="London", period=Q4)
    assert len(london_only.columns) == 4


def test_titles_state_the_finding():
    assert overview.comparison_title(NOW, LONDON_F, Area("borough", "Hackney", "E09000012")) == (
        "Hackney: 90% of wards have a panel, against 90% across London"
    )
    none = Figures(1, 0, 0, 0, 0, 0, 0, 0, 0, None, None)
    assert overview.comparison_title(none, LONDON_F, Area("ward", "Abbey (Barking and Dagenham)", "E05014053")).startswith(
        "Abbey (Barking and Dagenham) has no panel"
    )
    assert overview.comparison_title(LONDON_F, LONDON_F, LONDON).startswith("London: 90% of Met wards have a panel")
