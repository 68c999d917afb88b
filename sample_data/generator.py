"""Deterministic SAMPLE activity data for every Met ward.

The wards and the Census profiles are real; everything made here (panels, members, meetings,
promises, engagement, remedy plans, DWO postings) is invented and must be labelled as sample.
It is invented with a purpose: each Met ward gets a hidden profile (no panel, closed, healthy,
struggling, lapsed; busy or quiet; high DWO churn ...) so the dashboard's findings show up.

It is also meant to look like the real thing to someone who knows it:

- **Wards in time.** London's wards changed on 5 May 2022. Given the successor lookup, each 2022
  ward's history before that day is kept on the old ward that counts for it (its best-fit
  predecessor; where two old wards count for it, the one that made up more of it carries the
  story on, and the other's panel closes at the change, merged). Most panels continue across the
  change, some lapse at it (a few are re-formed later), and the 2022 wards that no old ward
  counts for start on 5 May 2022: most get a panel months later, some none by the end.
- **Establishment** came with the Safer Neighbourhoods roll-out (2006-2009), so coverage in
  2015-2019 is high and flat; nothing is established on a 2022 code before 5 May 2022.
- **Cadence**: most panels meet quarterly, some every two months or monthly (not in August),
  struggling ones irregularly; a panel that stops meeting loses members.
- **Promises** are mostly about anti-social behaviour (street drinking, visibility and
  reassurance among them) and drugs; stale ones are closed or withdrawn at review, so only
  recent promises are still open. Feedback follows with a long tail (log-normal lag).
- **Two DWO posts per ward**, each filled one officer after another, with gaps and churn.
- **After the end date** a few rows already exist, as in a real extract: the next scheduled
  meeting of some panels (no attendance yet) and a few engagement events in early January. They
  are too few to make the next quarter look complete, so the figures stay complete to ``end``.

Determinism: every ward draws from its own generator, seeded by (seed, crc32(ward_code)), and
anything shared between wards (officer moves, boroughs that impose promises, officer numbers)
is decided within a "code class" (the first three characters of a code, "E05" for ONS wards).
So the same inputs give identical frames, and adding synthetic wards (``Z01...`` copies for
benchmarks) never changes the original wards' rows.

Dates are handled as whole days since 1970-01-01 (plain ints are much faster than ``date``
objects) and become ``pl.Date`` only when each frame is built, once, at the end.
"""

from __future__ import annotations

import bisect
import math
import zlib
from collections.abc import Callable, Iterator
from datetime import date
from itertools import accumulate

import numpy as np
import polars as pl

from dashboard.domain import vocabulary as v
from dashboard.domain import wards_in_time
from sample_data import board, ward_practice

SEED = 2014
START = date(2014, 10, 1)  # first day of the quarter ending 31 Dec 2014 (first PAS quarter)
END = date(2023, 12, 31)  # last quarter of the survey data; the data's "as of" date

MET = "Metropolitan Police Service"
ONS_WARD_CLASS = "E05"

# Output schemas: the models' columns (minus the autoincrement id), in the models' order.
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "panel": {
        "ward_code": pl.Utf8,
        "established_on": pl.Date,
        "closed_on": pl.Date,
        "chair_type": pl.Utf8,
        "meetings_open_to_public": pl.Boolean,
        "terms_of_reference_agreed": pl.Boolean,
        "last_membership_review_on": pl.Date,
        "public_contact": pl.Utf8,
    },
    "panel_member": {
        "member_ref": pl.Utf8,
        "ward_code": pl.Utf8,
        "sector": pl.Utf8,
        "is_chair": pl.Boolean,
        "ethnic_group": pl.Utf8,
        "age_band": pl.Utf8,
        "sex": pl.Utf8,
        "joined_on": pl.Date,
        "left_on": pl.Date,
    },
    "meeting": {
        "ward_code": pl.Utf8,
        "held_on": pl.Date,
        "attendees": pl.Int64,
        "public_attendees": pl.Int64,
        "dwo_present": pl.Boolean,
        "promises_reviewed": pl.Boolean,
        "minutes_published": pl.Boolean,
        "format": pl.Utf8,
        "open_to_public": pl.Boolean,
    },
    "promise": {
        "promise_ref": pl.Utf8,
        "ward_code": pl.Utf8,
        "set_on": pl.Date,
        "category": pl.Utf8,
        "origin": pl.Utf8,
        "description": pl.Utf8,
        "status": pl.Utf8,
        "closed_on": pl.Date,
        "outcome": pl.Utf8,
        "feedback_published_on": pl.Date,
        "internal": pl.Boolean,
    },
    "engagement_activity": {
        "ward_code": pl.Utf8,
        "held_on": pl.Date,
        "kind": pl.Utf8,
        "people_reached": pl.Int64,
        "young_people_reached": pl.Int64,
        "promise_ref": pl.Utf8,
    },
    "concern": {
        "ward_code": pl.Utf8,
        "raised_on": pl.Date,
        "source": pl.Utf8,
        "category": pl.Utf8,
        "count": pl.Int64,
        "note": pl.Utf8,
        "status": pl.Utf8,
        "submitted_at": pl.Datetime("us"),
        "reviewed_at": pl.Datetime("us"),
        "client_key": pl.Utf8,
    },
    "remedy_plan": {
        "ward_code": pl.Utf8,
        "problem": pl.Utf8,
        "action": pl.Utf8,
        "owner": pl.Utf8,
        "agreed_on": pl.Date,
        "due_on": pl.Date,
        "completed_on": pl.Date,
    },
    "dwo_assignment": {
        "ward_code": pl.Utf8,
        "officer_ref": pl.Utf8,
        "started_on": pl.Date,
        "ended_on": pl.Date,
    },
}

SCHEMAS.update(board.SCHEMAS)  # the boards' tables are made in sample_data/board.py

_EPOCH = date(1970, 1, 1).toordinal()


def _day(d: date) -> int:
    return d.toordinal() - _EPOCH


def _year(day: int) -> int:
    return date.fromordinal(day + _EPOCH).year


# Fixed moments in the story the data tells.
_LOCKDOWN = _day(date(2020, 3, 16))  # meetings go online
_PAUSE_LO, _PAUSE_HI = _day(date(2020, 3, 23)), _day(date(2020, 5, 31))  # many panels paused
_REOPEN = _day(date(2021, 7, 1))  # restrictions lifted: in person, hybrid, some online

HEALTHY, STRUGGLING = 0, 1  # how a panel is run during a stretch of its life

CHANGE = _day(date(2022, 5, 5))  # London's 2022 wards from this day (dashboard.domain.wards_in_time.CHANGE_DAY)
_ROLL_OUT = (_day(date(2006, 4, 1)), _day(date(2009, 12, 31)))  # Safer Neighbourhoods ward panels set up
AFTER_END_DAYS = 90  # how far past the end date scheduled meetings may be entered

# How often a healthy panel meets: months between meetings (quarterly, bi-monthly, monthly).
_CADENCES = (3, 2, 1)

# London-wide Census 2021 shares (% of all people; of adults for age), used only if the
# population frame has no usable rows for a code class at all.
_LONDON_ETHNIC = (20.7, 13.5, 5.7, 53.8, 6.3)
_LONDON_AGE = (13.8, 22.5, 28.1, 21.0, 14.7)
# Panels skew White and older than the people they represent: the finding the diversity page shows.
_ETHNIC_TILT = (1.0, 1.0, 1.0, 2.5, 1.0)
_AGE_TILT = (0.4, 1.0, 1.0, 1.8, 2.5)
# Within-group London mix, for the third of members recorded with a detailed ONS category.
_DETAILED: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "Asian": (("Indian", "Bangladeshi", "Pakistani", "Chinese", "Other Asian"), (36, 18, 17, 9, 20)),
    "Black": (("African", "Caribbean", "Other Black"), (61, 26, 13)),
    "Mixed": (("White and Asian", "White and Black African", "White and Black Caribbean", "Other Mixed"), (26, 15, 27, 32)),
    "White": (("White British", "White Irish", "Gypsy or Irish Traveller", "Roma", "Other White"), (68, 4, 0.2, 0.8, 27)),
    "Other": (("Arab", "Any other ethnic group"), (22, 78)),
}

_CHAIR_TYPES = ("resident", "councillor", "police officer", "business", "community group", "other")
_CHAIR_WEIGHTS = (75, 15, 2, 3, 4, 1)
_COMMUNITY_SECTORS = ("neighbourhood watch", "faith", "housing", "youth")
# Sectors of ordinary (non-chair) members; residents are the majority, as the scheme intends.
_SECTORS = ("resident", "councillor", "business", "neighbourhood watch", "faith", "housing", "school", "youth", "agency")
_SECTOR_WEIGHTS = (58, 11, 3, 8, 6, 5, 4, 3, 2)

_ORIGIN_USUAL = (72, 20, 8)  # panel, borough, central
_ORIGIN_IMPOSED = (35, 45, 20)  # boroughs that mostly hand promises down
_IMPOSING_SHARE = 6 / 32  # ~6 of the 32 Met boroughs

# Outcome weights for closed promises: achieved, partly, not achieved, withdrawn.
_OUTCOME_GOOD = (62, 19, 11, 8)
_OUTCOME_WEAK = (40, 23, 24, 13)
_OUTCOME_BUSY = (33, 24, 30, 13)  # lots of activity, little to show for it
_OUTCOME_QUIET = (75, 13, 6, 6)
_OUTCOME_STALE = (10, 20, 30, 40)  # ran on past its review: mostly dropped or given up
# Feedback lag after closing, in days: log-normal with median e**mu (about 20 days).
_LAG_MU, _LAG_SIGMA = math.log(20), 1.0

# How often each category is a ward's priority: anti-social behaviour and drugs dominate, as in
# real ward priorities; the rest share what is left.
_CATEGORY_WEIGHTS = {
    "anti-social behaviour": 40,
    "drugs": 24,
    "burglary": 7,
    "vehicle crime": 6,
    "violence": 6,
    "robbery": 4,
    "theft": 6,
    "road safety": 7,
    "criminal damage": 3,
    "violence against women and girls": 4,
    "youth safety": 2,
    "hate crime": 1,
}
_AIMS = {
    # Street drinking and visible patrols (reassurance) are common priorities; the vocabulary files
    # them under anti-social behaviour.
    "anti-social behaviour": ("Reduce anti-social behaviour", "Tackle noise and rowdy behaviour", "Tackle street drinking",
                              "Tackle street drinking and begging", "More visible patrols to reassure residents",
                              "Increase police visibility and reassurance"),
    "drugs": ("Disrupt drug dealing", "Tackle drug use and dealing", "Close down drug dealing and cannabis smoking"),
    "burglary": ("Reduce residential burglary", "Help residents protect their homes from burglary"),
    "vehicle crime": ("Reduce thefts from vehicles", "Tackle vehicle crime"),
    "violence": ("Reduce violence", "Tackle fights and assaults"),
    "robbery": ("Reduce street robbery", "Tackle phone snatching"),
    "theft": ("Reduce shoplifting", "Cut bike and phone theft"),
    "road safety": ("Tackle speeding", "Stop dangerous driving and e-scooter riding"),
    "criminal damage": ("Reduce graffiti and criminal damage", "Tackle vandalism"),
    "violence against women and girls": ("Make women and girls feel safer", "Tackle harassment of women and girls"),
    "youth safety": ("Keep young people safe", "Reduce youth violence"),
    "hate crime": ("Increase reporting of hate crime", "Tackle hate crime"),
}
_PLACES = (
    "around Station Parade",
    "on the High Street",
    "in the town centre",
    "near the recreation ground",
    "on the estates",
    "around the schools at home time",
    "along the canal towpath",
    "in the local parks",
    "around the shopping parade",
    "near the bus station",
    "on residential streets",
    "around the tube station",
    "near late-night venues",
    "across {ward}",
)
_OUTCOMES = {
    "achieved": (
        "Reports fell and residents say they feel safer.",
        "Extra patrols and partner work fixed the problem.",
        "Hotspot tackled; no repeat reports for three months.",
        "Target met and reported back to the panel.",
    ),
    "partly achieved": (
        "Some improvement, but the problem persists at weekends.",
        "Fewer reports, but residents still raise it at meetings.",
        "Partners acted, but only part of the area improved.",
    ),
    "not achieved": (
        "Reports did not fall despite extra patrols.",
        "Officers were taken off the ward and the work stalled.",
        "Partners could not agree a fix in time.",
    ),
    "withdrawn": (
        "The panel agreed a different priority.",
        "Superseded by a borough-wide operation.",
        "Dropped when the panel stopped meeting.",
        "Closed at review: no longer a priority for residents.",
    ),
}

_KINDS = v.ENGAGEMENT_KINDS
_KIND_WEIGHTS = {
    "contact session": 25,
    "social media": 22,
    "newsletter": 12,
    "street briefing": 12,
    "community event": 9,
    "school visit": 8,
    "public meeting": 7,
    "survey": 5,
}
# (min, max) people reached, and the most young people as a share of them.
_REACH = {
    "contact session": (5, 60, 0.3),
    "newsletter": (100, 400, 0.3),
    "social media": (60, 400, 0.3),
    "community event": (30, 250, 0.4),
    "public meeting": (10, 80, 0.3),
    "school visit": (20, 200, 1.0),
    "street briefing": (5, 50, 0.3),
    "survey": (20, 200, 0.3),
}
_IN_PERSON_KINDS = frozenset({"contact session", "community event", "public meeting", "school visit", "street briefing"})

_REMEDY_ACTIONS = {
    "no panel": (
        "Recruit residents through the ward newsletter and re-form the panel",
        "Hold a public launch meeting to re-form the panel",
        "Ask ward councillors and local groups to nominate members",
    ),
    "not functioning": (
        "Agree a meeting schedule and restart regular meetings",
        "Recruit new members and appoint a resident chair",
        "Review promises with the panel and publish the minutes",
        "Refresh the membership and agree terms of reference",
    ),
}
_REMEDY_OWNERS = ("Ward sergeant", "Neighbourhood inspector", "SNB chair", "Borough engagement officer", "Dedicated ward officer")


def _cum(weights) -> list[float]:
    return list(accumulate(float(w) for w in weights))


_CHAIR_CUM = _cum(_CHAIR_WEIGHTS)
_CADENCE_CUM = _cum((78, 15, 7))
_CATEGORY_W = tuple(float(_CATEGORY_WEIGHTS[c]) for c in v.CATEGORIES)
_CATEGORY_CUM = _cum(_CATEGORY_W)
_KIND_CUM = _cum([_KIND_WEIGHTS[k] for k in _KINDS])
_ORIGIN_USUAL_CUM = _cum(_ORIGIN_USUAL)
_ORIGIN_IMPOSED_CUM = _cum(_ORIGIN_IMPOSED)
_OUTCOME_CUMS = {name: _cum(w) for name, w in (("good", _OUTCOME_GOOD), ("weak", _OUTCOME_WEAK), ("busy", _OUTCOME_BUSY),
                                                ("quiet", _OUTCOME_QUIET), ("stale", _OUTCOME_STALE))}
_DETAILED_CUM = {group: (names, _cum(w)) for group, (names, w) in _DETAILED.items()}


def _central_priority(day: int) -> str:
    """The category the Met pushed London-wide at the time (for "central" promises)."""
    year = _year(day)
    if year < 2017:
        return "burglary"
    if year < 2020:
        return "violence"
    if year < 2021:
        return "anti-social behaviour"
    return "violence against women and girls"


class _Draw:
    """Scalar draws from one generator: plain floats are far faster than numpy scalar calls."""

    __slots__ = ("u",)

    def __init__(self, rng: np.random.Generator) -> None:
        def stream() -> Iterator[float]:
            while True:
                yield from rng.random(512).tolist()

        self.u: Callable[[], float] = stream().__next__

    def between(self, lo: int, hi: int) -> int:
        """Uniform whole number in [lo, hi]."""
        return lo + int(self.u() * (hi - lo + 1))

    def normal(self) -> float:
        """A standard normal draw (Box-Muller, from two uniforms)."""
        return math.sqrt(-2.0 * math.log1p(-self.u())) * math.cos(2.0 * math.pi * self.u())

    def chance(self, p: float) -> bool:
        return self.u() < p

    def pick(self, seq):
        return seq[int(self.u() * len(seq))]

    def weighted(self, cum: list[float]) -> int:
        return bisect.bisect_right(cum, self.u() * cum[-1])


def _rng(seed: int, *parts: str) -> np.random.Generator:
    # One generator per ward (or borough, or pair): independent of which other wards exist.
    return np.random.default_rng([seed % 2**63, *(zlib.crc32(p.encode()) for p in parts)])


def _shares(population: pl.DataFrame) -> tuple[dict[str, tuple[list[float], list[float]]], dict[str, tuple[list[float], list[float]]]]:
    """Per-ward (ethnic, adult age) counts, and per code class the London-wide totals.

    The fallback for wards without Census rows is summed within the ward's code class, so
    synthetic wards' rows never shift the real wards' fallback.
    """
    wanted = {"ethnic_group": v.ETHNIC_GROUPS, "age_band": v.AGE_BANDS}
    index = {dim: {c: i for i, c in enumerate(cats)} for dim, cats in wanted.items()}
    per_ward: dict[str, tuple[list[float], list[float]]] = {}
    london: dict[str, tuple[list[float], list[float]]] = {}
    if population.height:
        rows = population.filter(pl.col("dimension").is_in(list(wanted))).select("ward_code", "dimension", "category", "count")
        for ward, dim, cat, count in rows.iter_rows():
            i = index[dim].get(cat)
            if i is None or count is None or count <= 0:
                continue
            slot = 0 if dim == "ethnic_group" else 1
            per_ward.setdefault(ward, ([0.0] * 5, [0.0] * 5))[slot][i] += count
            london.setdefault(ward[:3], ([0.0] * 5, [0.0] * 5))[slot][i] += count
    return per_ward, london


def _tilted_cum(counts: list[float], london: list[float], census: tuple[float, ...], tilt: tuple[float, ...]) -> list[float]:
    base = counts if sum(counts) > 0 else london if sum(london) > 0 else census
    return _cum([c * t for c, t in zip(base, tilt)])


class _Ctx:
    """Everything shared by the per-ward generation, and the rows it produces.

    ``S`` and ``E`` are the window of the ward being made: the data's whole span (``start``,
    ``end``) for most, up to the day before the change for an old ward merged at it, from the
    change for a 2022 ward that had no predecessor.
    """

    def __init__(self, start: date, end: date) -> None:
        self.S, self.E = _day(start), _day(end)
        self.start, self.end = self.S, self.E
        # Panels came with the Safer Neighbourhoods roll-out, years before the data begin.
        lo, hi = _ROLL_OUT
        self.est_lo, self.est_hi = (lo, hi) if hi < self.S - 365 else (self.S - 5 * 365, self.S - 365)
        self.close_lo = max(self.S + 365, _day(date(end.year - 7, 1, 1)))  # closures: from the second year on
        self.change = CHANGE if self.S < CHANGE <= self.E else None
        self.rows: dict[str, list[tuple]] = {name: [] for name in SCHEMAS}
        self.dwo: dict[str, list[list]] = {}  # ward -> [[identity, started, ended], ...]
        self.before: dict[str, str] = {}  # 2022 ward -> the old ward its records before the change are kept on
        self.new: set[str] = set()  # 2022 wards no old ward counts for: nothing before the change

    def then(self, code: str, day: int) -> str:
        """The code a record of ``code``'s on ``day`` is kept on: the old ward's before the change."""
        return self.before.get(code, code) if day < CHANGE else code


def generate(
    wards: pl.DataFrame,
    population: pl.DataFrame,
    *,
    seed: int = SEED,
    start: date = START,
    end: date = END,
    lookup: pl.DataFrame | None = None,
) -> dict[str, pl.DataFrame]:
    """Sample activity for every Met ward in ``wards``: one frame per activity table.

    ``lookup`` is the successor lookup of the wards before May 2022
    (``dashboard.domain.wards_in_time.LOOKUP_SCHEMA``): with it, records dated before 5 May 2022
    are kept on the old wards' codes; without it (or for synthetic wards) on the 2022 codes.
    """
    ctx = _Ctx(start, end)
    per_ward, fallback = _shares(population)
    met = wards.filter(pl.col("police_force") == MET).select("ward_code", "ward_name", "borough_code").sort("ward_code")
    imposing = _imposing_boroughs(met["borough_code"].unique().to_list(), seed)
    units = _units(ctx, met, lookup)
    for code, name, borough, kind, census_code in units:
        counts = per_ward.get(census_code, ([0.0] * 5, [0.0] * 5))
        london = fallback.get(census_code[:3], ([0.0] * 5, [0.0] * 5))
        ethnic_cum = _tilted_cum(counts[0], london[0], _LONDON_ETHNIC, _ETHNIC_TILT)
        age_cum = _tilted_cum(counts[1], london[1], _LONDON_AGE, _AGE_TILT)
        _ward(ctx, _Draw(_rng(seed, code)), code, name, kind, borough in imposing, ethnic_cum, age_cum)
    _move_officers(ctx, [(code, borough) for code, _, borough, _, _ in units], seed)
    _emit_dwo(ctx, seed)
    _concerns(ctx, seed)
    _keep_on_wards_of_then(ctx)
    frames = ward_practice.extend({name: _frame(name, rows) for name, rows in ctx.rows.items()}, met, seed=seed, end=end)
    return {**frames, **board.generate(wards, population, seed=seed, start=start, end=end)}


def _units(ctx: _Ctx, met: pl.DataFrame, lookup: pl.DataFrame | None) -> list[tuple[str, str, str, str, str]]:
    """What to make, one (code, name, borough, kind, Census ward) per life.

    kind "lineage": a 2022 ward with its whole history (before the change on its best-fit
    predecessor's code, the one that made up most of it, or its own code if it kept it);
    "merged": the other old ward whose best fit it is, its life ending at the change; "new": a
    2022 ward no old ward counts for, whose life begins at the change.
    """
    preds: dict[str, list[tuple]] = {}
    if lookup is not None and lookup.height and ctx.change is not None:
        shares = lookup.select("old_code", "new_code", "old_name", "old_borough_code", "share_of_new_area")
        best = wards_in_time.counts_as(lookup).join(shares, on=["old_code", "new_code"])
        best = best.filter(pl.col("new_code").is_in(met["ward_code"].implode())).sort("old_code")
        for old, new, old_name, old_borough, share in best.iter_rows():
            preds.setdefault(new, []).append((old != new, -share, old, old_name or old, old_borough))
    units = []
    for code, name, borough in met.iter_rows():
        mine = sorted(preds.get(code, []))
        if mine:
            if mine[0][2] != code:
                ctx.before[code] = mine[0][2]
            units.append((code, name or code, borough, "lineage", code))
            units.extend((old, old_name, old_borough, "merged", code) for _, _, old, old_name, old_borough in mine[1:])
        elif preds and code[:3] == ONS_WARD_CLASS:
            ctx.new.add(code)
            units.append((code, name or code, borough, "new", code))
        else:
            units.append((code, name or code, borough, "lineage", code))
    return units


def _frame(name: str, rows: list[tuple]) -> pl.DataFrame:
    schema = SCHEMAS[name]
    # Dates travel as day numbers; cast once here.
    raw = {col: (pl.Int32 if dtype == pl.Date else dtype) for col, dtype in schema.items()}
    frame = pl.DataFrame(rows, schema=raw, orient="row")
    return frame.with_columns(pl.col(col).cast(pl.Date) for col, dtype in schema.items() if dtype == pl.Date)


# Per table: (index of the ward code, index of the date the code must be valid on) in its rows.
_DATED = {
    "panel": (0, 1),
    "panel_member": (1, 7),
    "meeting": (0, 1),
    "promise": (1, 2),
    "engagement_activity": (0, 1),
    "concern": (0, 1),
    "remedy_plan": (0, 4),
    "dwo_assignment": (0, 2),
}


def _keep_on_wards_of_then(ctx: _Ctx) -> None:
    """Move each 2022 ward's records dated before the change onto the old ward of then."""
    if not ctx.before:
        return
    for name, (ci, di) in _DATED.items():
        rows = ctx.rows[name]
        for i, row in enumerate(rows):
            if row[di] < CHANGE and row[ci] in ctx.before:
                rows[i] = (*row[:ci], ctx.before[row[ci]], *row[ci + 1:])


def _imposing_boroughs(boroughs: list[str], seed: int) -> set[str]:
    """~6 in 32 boroughs where borough/central promises outnumber the panels' own.

    Ranked by a seeded hash within each code class, so adding synthetic boroughs leaves the
    choice among the real ones alone.
    """
    chosen: set[str] = set()
    classes: dict[str, list[str]] = {}
    for b in boroughs:
        classes.setdefault(b[:3], []).append(b)
    for members in classes.values():
        k = max(1, round(len(members) * _IMPOSING_SHARE))
        ranked = sorted(members, key=lambda b: (zlib.crc32(f"{seed}:impose:{b}".encode()), b))
        chosen.update(ranked[:k])
    return chosen


def _ward(ctx: _Ctx, draw: _Draw, code: str, name: str, kind: str, imposing: bool, ethnic_cum: list[float], age_cum: list[float]) -> None:
    """Every activity row of one ward's life (see ``_units``), driven by its hidden profile."""
    whole = ctx.S, ctx.E
    if kind == "merged":
        ctx.E = ctx.change - 1
    elif kind == "new":
        ctx.S = ctx.change
    try:
        _life(ctx, draw, code, name, kind, imposing, ethnic_cum, age_cum)
    finally:
        ctx.S, ctx.E = whole


def _life(ctx: _Ctx, draw: _Draw, code: str, name: str, kind: str, imposing: bool, ethnic_cum: list[float], age_cum: list[float]) -> None:
    S, E = ctx.S, ctx.E
    r = draw.u()
    if kind == "new":  # most new wards get a panel within a year or two of the change
        life = "none" if r < 0.15 else "new"
    elif kind == "merged":  # merged with its neighbour's panel at the change
        life = "none" if r < 0.05 else "closed" if r < 0.10 else "merged"
    else:
        life = ("none" if r < 0.04 else "closed" if r < 0.07 else "reformed" if r < 0.10
                else "change" if r < 0.16 and ctx.change is not None else "open")
    r = draw.u()
    state = "healthy" if r < 0.652 else "struggling" if r < 0.87 else "lapsed"
    r = draw.u()
    activity = "busy" if r < 0.10 else "quiet" if r < 0.20 else "normal"

    dwo = _dwo_posts(draw, code, S, E, ended=E + 1 if kind == "merged" else None)
    ctx.dwo[code] = dwo

    panels = _panels(ctx, draw, life, state)
    for p in panels:
        ctx.rows["panel"].append((code, p["est"], p["closed"], p["chair_type"], p["open"], p["tor"], p["review"],
                                  _public_contact(name, code) if p["closed"] is None else None))
        p["meetings"] = _meetings(ctx, draw, code, p, dwo)
    _members(ctx, draw, code, panels, ethnic_cum, age_cum)
    promises = _promises(ctx, draw, code, name, panels, imposing, activity)
    _engagement(ctx, draw, code, promises, activity)
    if kind != "merged":  # no plan for a ward that is gone
        _remedies(ctx, draw, code, life, panels)


# --- Panels and meetings ---------------------------------------------------------------------


def _panels(ctx: _Ctx, draw: _Draw, life: str, state: str) -> list[dict]:
    """The ward's panel lives, each with the stretches in which it met and how well."""
    if life == "none":
        return []
    S, E = ctx.S, ctx.E
    if life == "new":  # a 2022 ward's first panel, set up some months after the change
        est = S + draw.between(45, 540)
        return [_open_panel(ctx, draw, est, state)] if est <= E - 90 else []
    est = draw.between(ctx.est_lo, ctx.est_hi)
    if life in ("open", "merged"):
        p = _open_panel(ctx, draw, est, state)
        if life == "merged":
            p["closed"] = E + 1  # its last day was the last day of the old wards
        return [p]
    if life == "change":  # lapsed at the boundary change
        closed = ctx.change - draw.between(1, 60)
    else:
        lo = max(ctx.close_lo, est + 730)
        hi = E - 14 if life == "closed" else E - 730
        closed = min(max(draw.between(lo, max(lo, hi)), est + 30), E)
    act0 = max(S, est + 14)
    decline = closed - draw.between(180, 540)
    tail = closed - draw.between(0, 150)
    segs = [s for s in ((act0, decline, HEALTHY), (max(act0, decline), tail, STRUGGLING)) if s[0] <= s[1]]
    first = _panel_attrs(draw, est, closed, segs, state="closed")
    first["review"] = _review(draw, est, closed, "closed", E)
    panels = [first]
    if life == "reformed" or (life == "change" and draw.chance(0.5)):
        re_est = min((closed if life == "reformed" else ctx.change) + draw.between(120, 540), E - 120)
        if re_est > closed:
            panels.append(_open_panel(ctx, draw, re_est, state))
    return panels


def _open_panel(ctx: _Ctx, draw: _Draw, est: int, state: str) -> dict:
    S, E = ctx.S, ctx.E
    act0 = max(S, est + 14)
    lapse = None
    if state == "healthy":
        segs = [(act0, E, HEALTHY)]
    elif state == "struggling":
        if draw.chance(0.5) and act0 < E - 3 * 365:
            switch = draw.between(max(act0 + 365, E - 4 * 365), E - 365)
            segs = [(act0, switch, HEALTHY), (switch, E, STRUGGLING)]
        else:
            segs = [(act0, E, STRUGGLING)]
    else:  # lapsed: met until 5-18 months before the end, then stopped
        # ...but not before it had met for a while, nor after the end.
        lapse = min(max(E - draw.between(152, 548), act0 + 180), E)
        segs = [(act0, lapse, HEALTHY if draw.chance(0.5) else STRUGGLING)]
    p = _panel_attrs(draw, est, None, segs, state)
    p["lapse"] = lapse
    p["review"] = _review(draw, est, lapse if lapse is not None else E, state, E)
    return p


def _panel_attrs(draw: _Draw, est: int, closed: int | None, segs: list, state: str) -> dict:
    chair_type = _CHAIR_TYPES[draw.weighted(_CHAIR_CUM)]
    no_resident = draw.chance(0.05)
    has_business = draw.chance(0.70)
    # A panel's chair is one of its members, so the chair type must fit the membership.
    if no_resident and chair_type == "resident":
        chair_type = "councillor"
    if not has_business and chair_type == "business":
        chair_type = "councillor" if no_resident else "resident"
    return {
        "est": est,
        "closed": closed,
        "segs": segs,
        "state": state,
        "lapse": None,
        "chair_type": chair_type,
        "no_resident": no_resident,
        "has_business": has_business,
        "open": draw.chance(0.85),
        "tor": draw.chance(0.80),
    }


def _review(draw: _Draw, est: int, until: int, state: str, E: int) -> int | None:
    """Last membership review: recent for healthy panels, old or never for the others."""
    if state == "healthy":
        if draw.chance(0.03):
            return None
        day = E - draw.between(10, 350)
    elif state == "struggling":
        if draw.chance(0.30):
            return None
        day = E - draw.between(366, 1095)
    elif state == "lapsed":
        if draw.chance(0.20):
            return None
        day = until - draw.between(0, 365)
    else:  # closed
        if draw.chance(0.15):
            return None
        day = until - draw.between(100, 900)
    return max(est, min(day, until, E))


def _covered(dwo: list[list], day: int, E: int) -> bool:
    for _, s, e in dwo:
        if s <= day <= (E if e is None else e):
            return True
    return False


def _meetings(ctx: _Ctx, draw: _Draw, code: str, panel: dict, dwo: list[list]) -> list[int]:
    """Meetings during the panel's active stretches: on a schedule while it is run well (most
    quarterly, some every two months, a few monthly but not in August), every two to six months
    while it struggles. A panel still meeting at the end may have its next meeting entered."""
    S, E = ctx.S, ctx.E
    rows = ctx.rows["meeting"]
    months = _CADENCES[draw.weighted(_CADENCE_CUM)]
    on_day = draw.between(3, 24)  # the panel's usual day of the month
    phase = draw.between(0, months - 1)  # which month of each cycle it meets in
    days: list[int] = []
    for a, b, mode in panel["segs"]:
        healthy = mode == HEALTHY
        for t in _schedule(draw, a, b, months, on_day, phase) if healthy else _irregular(draw, a, b):
            day = _weekday(t)
            if day < S or day > E or (days and day <= days[-1]):
                continue
            if _PAUSE_LO <= day <= _PAUSE_HI and draw.chance(0.6):
                continue  # first lockdown: many panels simply stopped for a while
            attendees = draw.between(8, 25) if healthy else draw.between(5, 14)
            public = draw.between(0, attendees // 2)
            dwo_present = draw.chance(0.85 if healthy else 0.40) and _covered(dwo, day, E)
            reviewed = draw.chance(0.90 if healthy else 0.50)
            minutes = draw.chance(0.80 if healthy else 0.40)
            rows.append((code, day, attendees, public, dwo_present, reviewed, minutes, _format(draw, day), panel["open"] and draw.u() >= 0.05))
            days.append(day)
    a, b, mode = panel["segs"][-1] if panel["segs"] else (0, 0, STRUGGLING)
    if mode == HEALTHY and b >= ctx.end and panel["closed"] is None and draw.chance(0.35):
        # The next meeting is already in the diary: entered with no attendance yet.
        ahead = [_weekday(t) for t in _schedule(draw, E + 1, E + AFTER_END_DAYS, months, on_day, phase)]
        ahead = [d for d in ahead if E < d <= E + AFTER_END_DAYS and (not days or d > days[-1])]
        if ahead:
            rows.append((code, ahead[0], 0, 0, False, False, False, _format(draw, ahead[0]), panel["open"]))
    return days


def _weekday(t: int) -> int:
    """The day, or the Friday before it if it falls at a weekend."""
    weekday = (t + 3) % 7  # 1970-01-01 was a Thursday
    return t - 1 if weekday == 5 else t - 2 if weekday == 6 else t


def _format(draw: _Draw, day: int) -> str:
    if day < _LOCKDOWN:
        return "in person"
    r = draw.u()
    if day < _REOPEN:
        return "online" if r < 0.90 else "hybrid" if r < 0.97 else "in person"
    return "in person" if r < 0.65 else "hybrid" if r < 0.90 else "online"


def _schedule(draw: _Draw, a: int, b: int, months: int, on_day: int, phase: int) -> list[int]:
    """Days in [a, b] of a meeting every ``months`` months on about the same day of the month."""
    first = date.fromordinal(a + _EPOCH)
    y, m = first.year, first.month
    out = []
    while True:
        day1 = _day(date(y, m, 1))
        if day1 > b:
            return out
        if (y * 12 + m) % months == phase and not (months == 1 and m == 8):
            t = day1 + on_day - 1 + draw.between(-6, 6)
            if a <= t <= b:
                out.append(t)
        m += 1
        if m > 12:
            y, m = y + 1, 1


def _irregular(draw: _Draw, a: int, b: int) -> Iterator[int]:
    """A struggling panel's meetings: two to six months apart."""
    t = a + draw.between(0, 60)
    while t <= b:
        yield t
        t += draw.between(60, 180)


# --- Members ---------------------------------------------------------------------------------


def _members(ctx: _Ctx, draw: _Draw, code: str, panels: list[dict], ethnic_cum: list[float], age_cum: list[float]) -> None:
    """Membership as "seats": each seat is held by one member after another.

    Seat 0 is the chair's, always handed over on the day, so exactly one chair is active at a
    time; seats 1-5 are refilled the same day, so a panel never drops below six members while it
    meets. Once a panel stops meeting nobody joins, and most members drift away within a year.
    """
    E = ctx.E
    found: list[tuple] = []  # (joined, panel, seat, sector, is_chair, left)
    for p_index, p in enumerate(panels):
        est, closed, lapse = p["est"], p["closed"], p["lapse"]
        life_end = closed if closed is not None else E
        seats = draw.between(8, 16) if p["state"] == "healthy" else draw.between(6, 10) if p["state"] != "closed" else draw.between(7, 12)
        chair_sector = _chair_sector(draw, p["chair_type"])
        sector_w = list(_SECTOR_WEIGHTS)
        if p["no_resident"]:
            sector_w[0] = 0
        if not p["has_business"]:
            sector_w[2] = 0
        sector_cum = _cum(sector_w)
        for seat in range(seats):
            t = est
            while True:
                if seat == 0:
                    sector = chair_sector
                elif seat == 1 and p["has_business"]:
                    sector = "business"
                else:
                    sector = _SECTORS[draw.weighted(sector_cum)]
                tenure = 200 + int(-1300 * math.log1p(-draw.u()))  # ~4 years on average
                left = t + tenure
                if lapse is not None and left > lapse and seat > 0 and draw.chance(0.8):
                    left = min(left, lapse + draw.between(30, 400))  # meetings stopped: they drift away
                if left >= life_end:
                    found.append((t, p_index, seat, sector, seat == 0, closed))
                    break
                found.append((t, p_index, seat, sector, seat == 0, left))
                t = left if seat < 6 else left + draw.between(0, 90)
                if t >= life_end or (lapse is not None and t > lapse and seat > 0):
                    break  # nobody joins a panel that no longer meets
    found.sort(key=lambda m: (m[0], m[1], m[2]))
    rows = ctx.rows["panel_member"]
    for n, (joined, _, _, sector, is_chair, left) in enumerate(found, start=1):
        rows.append(
            (f"M-{ctx.then(code, joined)}-{n:03d}", code, sector, is_chair, _ethnic(draw, ethnic_cum), _age(draw, age_cum), _sex(draw), joined, left)
        )


def _chair_sector(draw: _Draw, chair_type: str) -> str:
    if chair_type in ("resident", "councillor", "business", "other"):
        return chair_type
    if chair_type == "community group":
        return draw.pick(_COMMUNITY_SECTORS)
    return "other"  # a police officer in the chair is not a community sector


def _ethnic(draw: _Draw, cum: list[float]) -> str:
    if draw.chance(0.08):
        return v.NOT_STATED
    group = v.ETHNIC_GROUPS[draw.weighted(cum)]
    if draw.chance(1 / 3):
        names, detailed_cum = _DETAILED_CUM[group]
        return names[draw.weighted(detailed_cum)]
    return group


def _age(draw: _Draw, cum: list[float]) -> str:
    if draw.chance(0.05):
        return v.NOT_STATED
    return v.AGE_BANDS[draw.weighted(cum)]


def _sex(draw: _Draw) -> str:
    r = draw.u()
    return v.NOT_STATED if r < 0.03 else "Female" if r < 0.515 else "Male"


# --- Promises --------------------------------------------------------------------------------


def _promises(ctx: _Ctx, draw: _Draw, code: str, name: str, panels: list[dict], imposing: bool, activity: str) -> list[tuple]:
    """2-3 promises about every six months while a panel meets; returns (ref, set_on, closed_on).

    Recurrence: about a third of wards keep promising one favourite category for 4-12 rounds in
    a row; for the others a category promised in three rounds running is rested in the next.
    """
    E = ctx.E
    cats = v.CATEGORIES
    # A ward's favourites are drawn from London's mix, so most favour anti-social behaviour or drugs.
    favourites = [draw.weighted(_CATEGORY_CUM)]
    if draw.chance(0.5):
        second = draw.weighted(_CATEGORY_CUM)
        while second == favourites[0]:
            second = draw.weighted(_CATEGORY_CUM)
        favourites.append(second)
    base_w = list(_CATEGORY_W)
    for f in favourites:
        base_w[f] *= 2.0
    base_cum = _cum(base_w)
    sticky = draw.chance(0.32)
    origin_cum = _ORIGIN_IMPOSED_CUM if imposing else _ORIGIN_USUAL_CUM

    rounds: list[tuple[dict, int, int]] = []  # (panel, set_on, mode)
    for p in panels:
        segs = p["segs"]
        if not segs:
            continue
        last = min(segs[-1][1], E)
        meetings = p["meetings"]
        t = segs[0][0] + draw.between(20, 100)
        while t <= last:
            set_on = t
            i = bisect.bisect_left(meetings, t)
            near = [meetings[j] for j in (i - 1, i) if 0 <= j < len(meetings) and abs(meetings[j] - t) <= 75]
            if near:
                set_on = min(near, key=lambda m: (abs(m - t), m))
            mode = next((s[2] for s in segs if s[0] <= set_on <= s[1]), segs[-1][2])
            rounds.append((p, set_on, mode))
            t += draw.between(150, 210)
    streak_from = draw.between(0, max(0, len(rounds) - 4))
    streak_to = streak_from + draw.between(4, 12)

    rows = ctx.rows["promise"]
    made: list[tuple] = []
    seq: dict[int, int] = {}
    history: list[set[int]] = []
    for r_index, (p, set_on, mode) in enumerate(rounds):
        banned = set.intersection(*history[-3:]) if len(history) >= 3 else set()
        used: set[int] = set()
        forced = sticky and streak_from <= r_index < streak_to and len(rounds) >= 4
        for j in range(2 + (draw.u() < 0.5)):
            origin = v.PROMISE_ORIGINS[draw.weighted(origin_cum)]
            central = cats.index(_central_priority(set_on))
            if j == 0 and forced:
                cat = favourites[0]
            elif origin == "central" and central not in used and central not in banned:
                cat = central
            else:
                # Redraw until allowed: same distribution as zeroing the weights, much faster.
                cat = draw.weighted(base_cum)
                while cat in used or cat in banned:
                    cat = draw.weighted(base_cum)
            used.add(cat)
            category = cats[cat]
            year = _year(set_on)
            seq[year] = seq.get(year, 0) + 1
            ref = f"P-{ctx.then(code, set_on)}-{year}-{seq[year]:02d}"
            aims = _AIMS[category]
            description = f"{draw.pick(aims)} {draw.pick(_PLACES).format(ward=name)}"
            status, closed_on = _promise_status(draw, p, set_on, mode, activity, E)
            outcome = None if closed_on is None else draw.pick(_OUTCOMES[status])
            feedback = _feedback(draw, set_on, closed_on, mode, E)
            rows.append((ref, code, set_on, category, origin, description, status, closed_on, outcome, feedback, None))
            made.append((ref, set_on, closed_on))
        history.append(used)
    made.sort(key=lambda m: m[1])
    return made


def _promise_status(draw: _Draw, panel: dict, set_on: int, mode: int, activity: str, E: int) -> tuple[str, int | None]:
    """Reviewed and closed 3-12 months on; one in twelve runs on for a second year and is then
    closed at a review (often withdrawn). Only promises whose review is still ahead are open, so
    nothing set years ago is listed as current."""
    long_running = draw.chance(1 / 12)
    closes = set_on + (draw.between(366, 730) if long_running else draw.between(90, 365))
    stays_open = closes > E
    closed_panel = panel["closed"]
    if closed_panel is not None and (stays_open or closes > closed_panel):
        # Promises still live when a panel folds are withdrawn with it.
        return "withdrawn", min(max(closed_panel, set_on) + draw.between(0, 60), E)
    if stays_open:
        return v.PROMISE_OPEN, None
    if long_running:
        cum = _OUTCOME_CUMS["stale"]
    elif activity == "busy":
        cum = _OUTCOME_CUMS["busy"]
    elif activity == "quiet":
        cum = _OUTCOME_CUMS["quiet"]
    elif mode == STRUGGLING or panel["state"] == "lapsed":
        cum = _OUTCOME_CUMS["weak"]
    else:
        cum = _OUTCOME_CUMS["good"]
    return v.PROMISE_CLOSED_STATUSES[draw.weighted(cum)], closes


def _feedback(draw: _Draw, set_on: int, closed_on: int | None, mode: int, E: int) -> int | None:
    """'You said, we did': published for under half of closed promises, a lag with a long tail
    (log-normal: half within about three weeks, one in ten after two months)."""
    if closed_on is None or not draw.chance(0.50 if mode == HEALTHY else 0.28):
        return None
    if draw.chance(0.02):  # interim feedback, before the promise closed
        return max(set_on, closed_on - draw.between(7, 60))
    day = closed_on + min(int(math.exp(_LAG_MU + _LAG_SIGMA * draw.normal())), 365)
    return day if day <= E else None


# --- Engagement ------------------------------------------------------------------------------


def _engagement(ctx: _Ctx, draw: _Draw, code: str, promises: list[tuple], activity: str) -> None:
    """6-14 activities a year (twice that in busy wards, about half in quiet ones)."""
    S, E = ctx.S, ctx.E
    factor = 2.0 if activity == "busy" else 0.5 if activity == "quiet" else 1.0
    set_days = [p[1] for p in promises]
    seen: set[tuple[int, str]] = set()
    found: list[tuple] = []
    for year in range(_year(S), _year(E) + 1):
        lo = max(S, _day(date(year, 1, 1)))
        hi = min(E, _day(date(year, 12, 31)))
        if lo > hi:
            continue
        share = (hi - lo + 1) / 365
        n = int(round(draw.between(6, 14) * factor * share))
        for _ in range(n):
            day = draw.between(lo, hi)
            kind = _KINDS[draw.weighted(_KIND_CUM)]
            if _PAUSE_LO <= day < _REOPEN and kind in _IN_PERSON_KINDS and draw.chance(0.7):
                kind = "social media" if draw.chance(0.6) else "newsletter"  # lockdown: online only
            if (day, kind) in seen:
                continue
            seen.add((day, kind))
            lo_n, hi_n, young_max = _REACH[kind]
            people = draw.between(lo_n, hi_n)
            if kind == "school visit":
                young = int(people * (0.6 + 0.4 * draw.u()))
            else:
                young = int(people * young_max * draw.u())
            ref = _live_promise(draw, promises, set_days, day) if draw.chance(0.28) else None
            found.append((day, kind, people, young, ref))
    if E == ctx.end and draw.chance(0.12):
        # Held in the first days of the next year and already entered, as in a real extract.
        day = E + draw.between(2, 12)
        kind = _KINDS[draw.weighted(_KIND_CUM)]
        lo_n, hi_n, young_max = _REACH[kind]
        people = draw.between(lo_n, hi_n)
        found.append((day, kind, people, int(people * young_max * draw.u()), None))
    found.sort(key=lambda a: (a[0], a[1]))
    ctx.rows["engagement_activity"].extend((code, d, k, p, y, r) for d, k, p, y, r in found)


def _live_promise(draw: _Draw, promises: list[tuple], set_days: list[int], day: int) -> str | None:
    """A promise of this ward that was open on ``day`` (looking back a year and a half)."""
    i = bisect.bisect_right(set_days, day)
    live = []
    for ref, _set_on, closed_on in reversed(promises[max(0, i - 12) : i]):
        if closed_on is None or closed_on >= day:
            live.append(ref)
    return draw.pick(live) if live else None


# --- Remedy plans ----------------------------------------------------------------------------


def _remedies(ctx: _Ctx, draw: _Draw, code: str, life: str, panels: list[dict]) -> None:
    """Plans for wards without a working panel at the end, plus a few completed old ones."""
    S, E = ctx.S, ctx.E
    rows = ctx.rows["remedy_plan"]
    plans: list[tuple] = []
    current = panels[-1] if panels else None
    if life in ("reformed", "change") and len(panels) == 2:
        # The plan that got the panel re-formed: completed the day it was re-established.
        closed, re_est = panels[0]["closed"], panels[1]["est"]
        agreed = closed + draw.between(14, 60)
        if agreed < re_est:
            plans.append(("no panel", _remedy_action(draw, "no panel"), agreed, agreed + draw.between(90, 180), re_est))
    elif life == "open" and current["state"] == "healthy" and draw.chance(0.03) and E - 3 * 365 > S + 365:
        agreed = draw.between(S + 365, E - 3 * 365)
        plans.append(("not functioning", _remedy_action(draw, "not functioning"), agreed, agreed + draw.between(60, 180), agreed + draw.between(30, 150)))

    if current is None or current["closed"] is not None:
        problem, since = "no panel", (current["closed"] if current else S)
    elif current["state"] in ("struggling", "lapsed"):
        problem, since = "not functioning", current["lapse"] or S
    else:
        problem = None
    if problem and draw.chance(0.70):
        agreed = max(E - draw.between(30, 270), since + draw.between(14, 60))
        if agreed <= E:
            completed = None
            if draw.chance(0.15):
                completed = min(agreed + draw.between(14, 150), E)
            # due_on is a deadline, so it may lie after the end date: not yet due.
            plans.append((problem, _remedy_action(draw, problem), agreed, agreed + draw.between(60, 180), completed))
    for problem, action, agreed, due, completed in plans:
        rows.append((code, problem, action, draw.pick(_REMEDY_OWNERS), agreed, due, completed))


def _remedy_action(draw: _Draw, problem: str) -> str:
    return draw.pick(_REMEDY_ACTIONS[problem])


# --- Dedicated Ward Officers -----------------------------------------------------------------


def _dwo_posts(draw: _Draw, code: str, S: int, E: int, *, ended: int | None) -> list[list]:
    """The ward's two DWO posts, each filled one officer after another, so the two overlap and
    each has its gaps. ``ended``: the day every posting ends (an old ward gone at the change)."""
    churn = draw.chance(0.12)  # a high-churn ward: both posts turn over fast
    vacant = draw.chance(0.03)  # neither post filled at the end
    postings = _dwo_chain(draw, code, S, E, churn, vacant, 0)
    postings += _dwo_chain(draw, code, S, E, churn or draw.chance(0.05), vacant, len(postings))
    if ended is not None:
        for posting in postings:
            if posting[2] is None:
                posting[2] = ended
    return postings


def _dwo_chain(draw: _Draw, code: str, S: int, E: int, churn: bool, vacant: bool, first: int) -> list[list]:
    """One post: one officer after another, 1.5-4 years each, or 4-9 months in high-churn wards;
    a few weeks between them, sometimes several months."""
    vacant_at_end = vacant or draw.chance(0.04)
    chain: list[list] = []
    t = S  # whoever was in post when the records begin
    while True:
        tenure = draw.between(120, 270) if churn else draw.between(548, 1461)
        if not chain:
            tenure = draw.between(30, tenure)  # the first officer had already served a while
        ends = t + tenure
        following = ends + (draw.between(60, 200) if draw.chance(0.15) else draw.between(1, 42))
        if ends >= E or following > E:
            chain.append([(code, first + len(chain)), t, None])
            break
        chain.append([(code, first + len(chain)), t, ends])
        t = following
    if vacant_at_end:
        # The last officer left months ago and nobody replaced them.
        cut = E - draw.between(60, 240)
        kept = [a for a in chain if a[1] < cut] or chain[:1]
        last = kept[-1]
        if last[2] is None or last[2] > cut:
            last[2] = max(cut, last[1])
        chain = kept
    return chain


def _move_officers(ctx: _Ctx, units: list[tuple[str, str]], seed: int) -> None:
    """Now and then an officer leaving a ward turns up as the next officer of a neighbour.

    Neighbours are consecutive wards (by code) of the same borough and code class, so the
    pairing of real wards does not depend on synthetic ones.
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for code, borough in units:
        groups.setdefault((borough, code[:3]), []).append(code)
    for codes in groups.values():
        codes.sort()
        for a, b in zip(codes, codes[1:]):
            draw = _Draw(_rng(seed, "move", a, b))
            if not draw.chance(0.3):
                continue
            leavers = [x for x in ctx.dwo[a] if x[2] is not None]
            arrivals = [x for x in ctx.dwo[b] if x[1] > ctx.start]  # not the officers already in post at the start
            for leaver in leavers:
                match = next((x for x in arrivals if 1 <= x[1] - leaver[2] <= 120 and x[0][0] == b), None)
                if match is not None:
                    match[0] = leaver[0]
                    break


def _emit_dwo(ctx: _Ctx, seed: int) -> None:
    """Pseudonymous officer numbers, unique per officer: DWO-04821.

    ONS wards' officers get five digits, any other code class seven, so synthetic wards can
    never take (or shift) a real ward's number.
    """
    identities = sorted({a[0] for chain in ctx.dwo.values() for a in chain}, key=lambda i: (i[0][:3] != ONS_WARD_CLASS, i))
    used: dict[bool, set[int]] = {True: set(), False: set()}
    refs: dict[tuple, str] = {}
    for ident in identities:
        ons = ident[0][:3] == ONS_WARD_CLASS
        width = 5 if ons else 7
        space = 10**width
        n = zlib.crc32(f"{seed}:dwo:{ident[0]}:{ident[1]}".encode()) % space
        while n in used[ons]:
            n = (n + 1) % space
        used[ons].add(n)
        refs[ident] = f"DWO-{n:0{width}d}"
    rows = ctx.rows["dwo_assignment"]
    for code in sorted(ctx.dwo):
        for ident, started, ended in ctx.dwo[code]:
            rows.append((code, refs[ident], started, ended))


# --- Community concerns ------------------------------------------------------------

_CONCERN_SOURCES = ("survey", "public meeting", "contact session", "online", "councillor", "partner agency")
_CONCERN_SOURCE_CUM = _cum((20, 22, 30, 14, 8, 6))
_IGNORING_SHARE = 0.15  # wards whose panel often promises something other than what residents raised most
_CONCERN_NOTES = {
    "survey": "Ward survey responses naming this as a top worry",
    "public meeting": "Raised from the floor at the public meeting",
    "contact session": "Raised with officers at a contact session",
    "online": "Raised through the ward's online consultation",
    "councillor": "Passed on by a ward councillor",
    "partner agency": "Reported by a partner agency",
}


def _public_contact(name: str, code: str) -> str:
    """The panel's public contact, as a board would enter it (invented: example.org addresses)."""
    slug = "".join(ch for ch in name.lower() if ch.isalnum()) or code.lower()
    return f"Email {slug}.wardpanel@example.org, or ask the ward officers at a contact session"


def _concerns(ctx: _Ctx, seed: int) -> None:
    """Concerns heard in the months before each round of promises, from its own random stream.

    In most wards what residents raised most is what the panel then promised (its own
    choices); borough or central promises often have nothing recorded behind them. In about
    15% of wards the top concern of most rounds is a category the panel did not promise. Drawn
    after (and apart from) everything else, so no other table changes.
    """
    rounds: dict[str, dict[int, list[tuple[str, str]]]] = {}
    for row in ctx.rows["promise"]:
        rounds.setdefault(row[1], {}).setdefault(row[2], []).append((row[3], row[4]))
    out = ctx.rows["concern"]
    cats = v.CATEGORIES
    for code in sorted(rounds):
        draw = _Draw(_rng(seed, "concerns", code))
        ignoring = draw.chance(_IGNORING_SHARE)
        previous = None
        for set_on in sorted(rounds[code]):
            promised = rounds[code][set_on]
            lo = max(ctx.S, (previous + 1) if previous is not None else set_on - 180, set_on - 240,
                     CHANGE if code in ctx.new else ctx.S)  # a ward new in 2022 heard nothing before it existed
            hi = set_on - 1
            previous = set_on
            if hi < lo:
                continue
            weights: dict[str, int] = {}
            for category, origin in promised:
                if origin == "panel" or draw.chance(0.35):
                    weights[category] = max(weights.get(category, 0), draw.between(6, 30))
            for _ in range(draw.between(1, 3)):  # what else residents mentioned
                c = cats[draw.weighted(_CATEGORY_CUM)]
                weights.setdefault(c, draw.between(1, 5))
            if ignoring and draw.chance(0.8):
                others = [c for c in cats if c not in {p[0] for p in promised}]
                c = draw.pick(others)
                weights[c] = max(weights.values(), default=0) + draw.between(5, 20)
            seen: set[tuple[int, str]] = set()
            for category in sorted(weights):
                left = weights[category]
                parts = 1 if left < 12 or draw.chance(0.75) else 2
                for k in range(parts):
                    n = left if k == parts - 1 else max(1, left // 2)
                    left -= n
                    source = _CONCERN_SOURCES[draw.weighted(_CONCERN_SOURCE_CUM)]
                    day = draw.between(lo, hi)
                    if (day, source + category) in seen or n < 1:
                        continue
                    seen.add((day, source + category))
                    note = _CONCERN_NOTES[source] if draw.chance(0.3) else None
                    out.append((code, day, source, category, n, note, v.CONCERN_ACCEPTED, None, None, None))
