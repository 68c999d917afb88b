"""Expected local groups: does each panel have a member from the sector of each significant local
group its board expects on it (an industrial estate, a college, a hospital, a housing provider)?

Member-derived: the answer comes from a panel's members by sector, so it is built twice, from the
exact counts and from the published counts only (``dashboard.figures.diversity_view``); this
module is given one of the two as ``members_of(ward_code, sector) -> text`` ("0", a count, a range
or "withheld") and says "Yes", "No" or "withheld" from it. Pure polars.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from dashboard.domain import vocabulary as v
from dashboard.domain.formatting import count
from dashboard.figures.privacy import WITHHELD

YES, NO = "Yes", "No"
COLUMNS = {"Ward": pl.String, "Borough": pl.String, "Organisation": pl.String, "Kind": pl.String,
           "Member sector looked for": pl.String, "A member from that sector": pl.String}


def represented(members: str) -> str:
    """A published sector count as an answer: "0" -> No; "withheld" -> withheld; anything else
    (a count, "fewer than 5", a range above 0) -> Yes."""
    if members == "0":
        return NO
    return WITHHELD if members == WITHHELD else YES


def expected_groups(groups: pl.DataFrame, panel_wards: list[str], wards: pl.DataFrame,
                    members_of: Callable[[str, str], str]) -> pl.DataFrame:
    """Each expected group of a ward with a panel open on the day, and whether the panel has a
    member from the group's sector (``vocabulary.GROUP_SECTORS``: a business estate -> business, a
    school or college -> school, a hospital -> agency, a housing provider -> housing, faith -> faith,
    other -> other). Example: Abbey expects Abbey College and its panel has 2 school members and no
    business member; it also expects Abbey Business Park -> College: Yes; Business Park: No.
    Groups of wards with no open panel are left out (there is no panel to check).
    Columns: Ward, Borough, Organisation, Kind, Member sector looked for, A member from that sector;
    the missing ones first.
    """
    mine = groups.filter(pl.col("ward_code").is_in(panel_wards)).join(
        wards.select("ward_code", "ward_name", "borough_name"), on="ward_code")
    rows = [(ward, borough, organisation, kind, v.GROUP_SECTORS[kind], represented(members_of(code, v.GROUP_SECTORS[kind])))
            for code, ward, borough, organisation, kind in mine.select(
                "ward_code", "ward_name", "borough_name", "organisation", pl.col("kind").cast(pl.String)).iter_rows()]
    order = {NO: 0, WITHHELD: 1, YES: 2}
    return (pl.DataFrame(rows, schema=COLUMNS, orient="row")
            .sort(pl.col("A member from that sector").replace_strict(order), "Borough", "Ward", "Organisation"))


def panels_missing(table: pl.DataFrame) -> str:
    """How many panels lack a member from the sector of at least one expected group: "3"; "at
    least 3" where a panel's answer is withheld and it has no "No" (it may lack one too)."""
    answer = pl.col("A member from that sector")
    missing = table.filter(answer == NO).select(pl.struct("Ward", "Borough").n_unique()).item()
    unsure = table.filter(answer == WITHHELD).join(table.filter(answer == NO).select("Ward", "Borough"), on=["Ward", "Borough"],
                                                   how="anti").height
    return f"at least {count(missing)}" if unsure else count(missing)


def panel_sentence(table: pl.DataFrame) -> str:
    """One panel's expected groups in a sentence. Example: 'Of the 2 local groups the board expects
    on this panel, 1 has a member from its sector; none from the sector of: Abbey Business Park
    (business estate).'"""
    answer = table["A member from that sector"]
    yes, withheld = int((answer == YES).sum()), int((answer == WITHHELD).sum())
    missing = table.filter(answer == NO)
    text = (f"Of the {table.height} local group{'s' if table.height != 1 else ''} the board expects on this panel, {yes} "
            f"ha{'s' if yes == 1 else 've'} a member from its sector")
    if withheld:
        text += f" ({withheld} withheld)"
    if missing.height:
        text += "; none from the sector of: " + ", ".join(f"{o} ({k})" for o, k in missing.select("Organisation", "Kind").iter_rows())
    return text + "."


def panels_with_groups(table: pl.DataFrame) -> int:
    """How many panels have at least one expected group recorded."""
    return table.select(pl.struct("Ward", "Borough").n_unique()).item() if table.height else 0
