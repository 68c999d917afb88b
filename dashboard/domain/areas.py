"""Areas a user can choose: London, a Met BCU, a borough, or one ward.

Pure functions over the wards frame (columns ward_code, ward_name, borough_code, borough_name,
bcu, police_force). The City of London's 25 wards are policed by City of London Police, not the
Met, so ward panel figures count only Met wards; the City stays on the map and in the lists.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

MET = "Metropolitan Police Service"


@dataclass(frozen=True)
class Area:
    level: str  # "london" | "bcu" | "borough" | "ward"
    name: str
    code: str | None = None  # BCU name, borough code or ward code; None for London

    @property
    def is_london(self) -> bool:
        return self.level == "london"


LONDON = Area("london", "London")


def resolve(wards: pl.DataFrame, *, bcu: str | None, borough: str | None, ward: str | None) -> Area:
    """The most specific valid choice; unknown codes fall back to the wider area."""
    if ward:
        row = wards.filter(pl.col("ward_code") == ward)
        if row.height:
            r = row.row(0, named=True)
            return Area("ward", f"{r['ward_name']} ({r['borough_name']})", ward)
    if borough:
        row = wards.filter(pl.col("borough_code") == borough)
        if row.height:
            return Area("borough", row["borough_name"][0], borough)
    if bcu and wards.filter(pl.col("bcu") == bcu).height:
        return Area("bcu", f"{bcu} BCU", bcu)
    return LONDON


def wards_in(wards: pl.DataFrame, area: Area) -> pl.DataFrame:
    """The wards of an area (every ward, Met or not)."""
    if area.level == "ward":
        return wards.filter(pl.col("ward_code") == area.code)
    if area.level == "borough":
        return wards.filter(pl.col("borough_code") == area.code)
    if area.level == "bcu":
        return wards.filter(pl.col("bcu") == area.code)
    return wards


def met_wards(wards: pl.DataFrame) -> pl.DataFrame:
    return wards.filter(pl.col("police_force") == MET)


def met_wards_in(wards: pl.DataFrame, area: Area) -> pl.DataFrame:
    """The area's wards that the Met polices (the City of London's are not: City of London Police)."""
    return met_wards(wards_in(wards, area))


def borough_codes(wards: pl.DataFrame, area: Area) -> list[str]:
    return sorted(set(wards_in(wards, area)["borough_code"]))


def borough_of(wards: pl.DataFrame, area: Area) -> Area:
    """The borough a ward is in (a ward is shown among its borough's wards); any other area as it is."""
    if area.level != "ward":
        return area
    borough = wards.filter(pl.col("ward_code") == area.code)["borough_code"].item()
    return resolve(wards, bcu=None, borough=borough, ward=None)
