"""Deterministic SAMPLE data for each Met borough's Safer Neighbourhood Board.

Invented, and labelled as sample like the rest (``sample_data.generator`` calls ``generate``).
It carries the field's faults so the Board page has something to find:

* boards are older and less diverse than their borough: members are drawn from the borough's
  Census profile tilted further towards White and older residents than the panels' (and more men);
* Borough Commanders change about once a year (10 to 16 months in post, a few weeks' gap between);
* the commander misses many board meetings, and sometimes the update is given without them;
* one borough in about eight holds no public meeting in one year (every meeting that year private);
* only some of a borough's panels have their chair on the board;
* the MOPAC core grant (about £5,000 a year) is not always spent.

Each borough draws from its own generator seeded by (seed, crc32("board:" + borough code)), so
the same inputs give the same rows and adding boroughs (``Z..`` copies) never changes the others'.
"""

from __future__ import annotations

import zlib
from datetime import date, timedelta

import numpy as np
import polars as pl

from dashboard.domain import vocabulary as v

MET = "Metropolitan Police Service"

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "board_member": {
        "member_ref": pl.Utf8,
        "borough_code": pl.Utf8,
        "role": pl.Utf8,
        "ward_represented": pl.Utf8,
        "group_represented": pl.Utf8,
        "ethnic_group": pl.Utf8,
        "age_band": pl.Utf8,
        "sex": pl.Utf8,
        "joined_on": pl.Date,
        "left_on": pl.Date,
    },
    "board_meeting": {
        "borough_code": pl.Utf8,
        "held_on": pl.Date,
        "public": pl.Boolean,
        "commander_present": pl.Boolean,
        "commander_update_given": pl.Boolean,
        "panel_chairs_present": pl.Int64,
    },
    "borough_commander": {
        "officer_ref": pl.Utf8,
        "borough_code": pl.Utf8,
        "started_on": pl.Date,
        "ended_on": pl.Date,
    },
    "board_funding": {
        "borough_code": pl.Utf8,
        "year": pl.Int64,
        "source": pl.Utf8,
        "amount": pl.Int64,
        "spent": pl.Int64,
        "spent_on": pl.Utf8,
    },
}

# Boards skew further White, older and male than the panels (sample_data.generator's tilts).
ETHNIC_TILT = (0.7, 0.8, 0.6, 3.5, 0.6)
AGE_TILT = (0.1, 0.4, 1.0, 2.6, 3.4)
MALE_SHARE = 0.62
NOT_STATED_SHARE = 0.08
LONDON_ETHNIC = (20.7, 13.5, 5.7, 53.8, 6.3)
LONDON_AGE = (13.8, 22.5, 28.1, 21.0, 14.7)
QUIET_SHARE = 1 / 8  # boroughs with a year of no public meeting
MEETING_MONTHS = (3, 6, 9, 12)

_GROUPS = {
    "councillor": ("{borough} Council", "{borough} Council cabinet member for community safety"),
    "co-opted": ("Independent Advisory Group", "Neighbourhood Watch association", "Victim Support", "Faith forum"),
    "youth": ("Youth independent advisory group", "Youth council"),
    "statutory partner": ("Council community safety team", "Probation service", "Youth offending service"),
}
_SPENT_ON = (
    "Public meetings and room hire",
    "Ward panel chairs' training and expenses",
    "The board's newsletter and website",
    "Youth engagement events",
    "Community confidence survey",
    "Stop and search community monitoring",
)


class _Draw:
    def __init__(self, seed: int, borough: str) -> None:
        self.rng = np.random.default_rng([seed % 2**63, zlib.crc32(f"board:{borough}".encode())])

    def u(self) -> float:
        return float(self.rng.random())

    def between(self, lo: int, hi: int) -> int:
        return lo + int(self.u() * (hi - lo + 1))

    def pick(self, seq):
        return seq[int(self.u() * len(seq))]

    def weighted(self, weights) -> int:
        w = np.asarray(weights, dtype=float)
        return int(np.searchsorted(np.cumsum(w), self.u() * w.sum(), side="right").clip(0, len(w) - 1))


def _profiles(wards: pl.DataFrame, population: pl.DataFrame) -> dict[str, tuple[list[float], list[float]]]:
    """Each borough's (ethnic group, adult age band) counts from its wards' Census rows."""
    rows = population.with_columns(pl.col("ward_code").cast(pl.String)).join(wards, on="ward_code").group_by("borough_code", "dimension", "category").agg(
        pl.col("count").sum()
    )
    out: dict[str, tuple[list[float], list[float]]] = {}
    for b, dim, cat, n in rows.iter_rows():
        ethnic, age = out.setdefault(b, ([0.0] * 5, [0.0] * 5))
        if dim == "ethnic_group" and cat in v.ETHNIC_GROUPS:
            ethnic[v.ETHNIC_GROUPS.index(cat)] += n
        elif dim == "age_band" and cat in v.AGE_BANDS:
            age[v.AGE_BANDS.index(cat)] += n
    return out


def generate(wards: pl.DataFrame, population: pl.DataFrame, *, seed: int, start: date, end: date) -> dict[str, pl.DataFrame]:
    """The four board tables for every Met borough in ``wards`` (ward_code, ward_name, borough_code, police_force)."""
    # A board counts the wards of its code class (E05 wards for an E09 borough, Z.. copies for a Z..
    # borough), so the benchmark's synthetic wards never change a real board's rows.
    met = (wards.filter((pl.col("police_force") == MET) & (pl.col("ward_code").str.slice(0, 1) == pl.col("borough_code").str.slice(0, 1)))
           .select(pl.col("ward_code").cast(pl.String), pl.col("borough_code").cast(pl.String)).sort("ward_code"))
    profiles = _profiles(met, population)
    rows: dict[str, list[tuple]] = {name: [] for name in SCHEMAS}
    first = date(start.year + 1, 1, 1) if start.month > 1 else start
    boroughs = sorted(met["borough_code"].unique().to_list())
    ranked = sorted(boroughs, key=lambda b: (zlib.crc32(f"{seed}:quiet:{b}".encode()), b))
    quiet = set(ranked[: max(1, round(len(boroughs) * QUIET_SHARE))])
    for borough in boroughs:
        draw = _Draw(seed, borough)
        ward_codes = met.filter(pl.col("borough_code") == borough)["ward_code"].to_list()
        ethnic, age = profiles.get(borough, (list(LONDON_ETHNIC), list(LONDON_AGE)))
        ethnic = ethnic if sum(ethnic) else list(LONDON_ETHNIC)
        age = age if sum(age) else list(LONDON_AGE)
        members = _members(draw, borough, ward_codes, ethnic, age, first, end)
        rows["board_member"] += members
        commanders = _commanders(draw, borough, first, end)
        rows["borough_commander"] += commanders
        rows["board_meeting"] += _meetings(draw, borough, members, first, end, quiet_year=draw.between(first.year + 2, end.year) if borough in quiet else None)
        rows["board_funding"] += _funding(draw, borough, first.year, end.year)
    return {name: pl.DataFrame(r, schema=SCHEMAS[name], orient="row") for name, r in rows.items()}


def _person(draw: _Draw, ethnic: list[float], age: list[float], young: bool = False) -> tuple[str, str, str]:
    if draw.u() < NOT_STATED_SHARE:
        group = v.NOT_STATED
    else:
        group = v.ETHNIC_GROUPS[draw.weighted([c * t for c, t in zip(ethnic, ETHNIC_TILT)])]
    if young:
        band = "16-24"
    elif draw.u() < NOT_STATED_SHARE:
        band = v.NOT_STATED
    else:
        band = v.AGE_BANDS[draw.weighted([c * t for c, t in zip(age, AGE_TILT)])]
    sex = v.NOT_STATED if draw.u() < NOT_STATED_SHARE / 2 else ("Male" if draw.u() < MALE_SHARE else "Female")
    return group, band, sex


def _members(draw: _Draw, borough: str, ward_codes: list[str], ethnic, age, first: date, end: date) -> list[tuple]:
    """Seats on the board, each filled by a run of members: a member stays two to eight years."""
    chaired = max(1, round(len(ward_codes) * (0.3 + 0.5 * draw.u())))  # how many panels send their chair
    represented = sorted(ward_codes, key=lambda w: zlib.crc32(f"{borough}:{w}".encode()))[:chaired]
    seats: list[tuple[str, str | None, str | None]] = [(v.BOARD_CHAIR, None, None), ("vice chair", None, None)]
    seats += [(v.BOARD_PANEL_CHAIR, w, None) for w in represented]
    name = borough
    for role, n in (("councillor", draw.between(2, 3)), ("co-opted", draw.between(2, 5)), ("youth", draw.between(0, 2)),
                    ("statutory partner", draw.between(1, 3))):
        seats += [(role, None, draw.pick(_GROUPS[role]).format(borough=name)) for _ in range(n)]
    out = []
    for role, ward, group in seats:
        day = first - timedelta(days=draw.between(0, 4 * 365))
        while day <= end:
            stay = draw.between(2 * 365, 8 * 365) if role != "youth" else draw.between(365, 3 * 365)
            left = day + timedelta(days=stay)
            person = _person(draw, ethnic, age, young=role == "youth")
            out.append((f"B-{borough}-{len(out) + 1:03d}", borough, role, ward, group, *person, day, left if left <= end else None))
            day = left + timedelta(days=draw.between(0, 120))  # a seat may stand empty for a while
    return out


def _commanders(draw: _Draw, borough: str, first: date, end: date) -> list[tuple]:
    """Commanders in post about a year each, with a few weeks between them."""
    out, day, n = [], first - timedelta(days=draw.between(30, 300)), 1
    while day <= end:
        left = day + timedelta(days=draw.between(300, 490))
        out.append((f"BC-{borough[-4:]}-{n:02d}", borough, day, left if left <= end else None))
        day, n = left + timedelta(days=draw.between(1, 40)), n + 1
    return out


def _meetings(draw: _Draw, borough: str, members: list[tuple], first: date, end: date, quiet_year: int | None) -> list[tuple]:
    """Four meetings a year, most in public; the commander at about three in five."""
    out = []
    chairs = [(m[8], m[9]) for m in members if m[2] == v.BOARD_PANEL_CHAIR]
    attendance = 0.45 + 0.35 * draw.u()
    for year in range(first.year, end.year + 1):
        for month in MEETING_MONTHS:
            day = date(year, month, draw.between(8, 24))
            if day < first or day > end:
                continue
            present = draw.u() < attendance
            update = present and draw.u() < 0.92 or (not present and draw.u() < 0.35)
            seated = sum(1 for joined, left in chairs if joined <= day and (left is None or left > day))
            public = year != quiet_year and draw.u() < 0.85
            out.append((borough, day, public, present, update, draw.between(seated // 2, seated)))
    return out


def _funding(draw: _Draw, borough: str, first_year: int, last_year: int) -> list[tuple]:
    out = []
    council = draw.u() < 0.4
    for year in range(first_year, last_year + 1):
        grant = 5000 if year >= 2017 else 5500
        spent = int(grant * (0.55 + 0.45 * draw.u()))
        out.append((borough, year, v.MOPAC_CORE_GRANT, grant, spent, "; ".join(sorted({draw.pick(_SPENT_ON) for _ in range(2)}))))
        if council:
            amount = 500 * draw.between(1, 4)
            out.append((borough, year, "local authority", amount, amount, "Youth engagement events"))
        if draw.u() < 0.15:
            amount = 250 * draw.between(2, 8)
            out.append((borough, year, "MOPAC project grant", amount, int(amount * (0.5 + 0.5 * draw.u())), "Community confidence survey"))
    return out
