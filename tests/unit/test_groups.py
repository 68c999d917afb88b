"""Expected local groups on each panel, on small hand-made frames."""

from __future__ import annotations

import polars as pl

from dashboard.figures import groups
from tests.unit.two_wards import WARDS

GROUPS = pl.DataFrame({
    "ward_code": ["W1", "W1", "W2", "W2", "W3"],
    "organisation": ["Abbey College", "Abbey Business Park", "Beam Homes", "St Beam's Hospital", "Cray Mosque"],
    "kind": ["school or college", "business estate", "housing provider", "hospital", "faith"],
})
# Members by sector as shown: Abbey has 2 school members and no business member; Beam's housing
# count is withheld and it has 1 agency member (shown as "fewer than 5").
SHOWN = {("W1", "school"): "2", ("W1", "business"): "0", ("W2", "housing"): "withheld", ("W2", "agency"): "fewer than 5"}


def table(panel_wards=("W1", "W2")) -> pl.DataFrame:
    return groups.expected_groups(GROUPS, list(panel_wards), WARDS, lambda w, s: SHOWN[(w, s)])


def test_each_expected_group_and_whether_the_panel_has_a_member_from_its_sector():
    # W3 has no open panel: its group is not listed. Missing first, then withheld, then present.
    assert table().rows() == [
        ("Abbey", "Barking", "Abbey Business Park", "business estate", "business", "No"),
        ("Beam", "Barking", "Beam Homes", "housing provider", "housing", "withheld"),
        ("Abbey", "Barking", "Abbey College", "school or college", "school", "Yes"),
        ("Beam", "Barking", "St Beam's Hospital", "hospital", "agency", "Yes"),
    ]


def test_panels_missing_an_expected_group_say_at_least_where_an_answer_is_withheld():
    assert groups.panels_with_groups(table()) == 2
    assert groups.panels_missing(table()) == "at least 1"  # Abbey lacks one; Beam's housing answer is withheld
    assert groups.panels_missing(table(["W1"])) == "1"


def test_one_panels_sentence():
    abbey = table(["W1"])
    assert groups.panel_sentence(abbey) == ("Of the 2 local groups the board expects on this panel, 1 has a member from its sector; "
                                            "none from the sector of: Abbey Business Park (business estate).")
