"""Sample rows for ward-level practice: recorded crime by ward, month and crime type; who leads
each promise, what was agreed and what stood in the way; where engagement is held; the local
groups a board expects on each panel.

Kept apart from ``generator`` and run after it on its frames (``extend``), so what it adds never
changes a row the generator makes. Deterministic: every draw comes from its own random stream
keyed by the seed and the ward. The counts are invented (whole numbers, drawn around London-like
monthly rates); real counts come from police.uk files (``python -m data_access import``).
"""

from __future__ import annotations

import zlib
from datetime import date

import numpy as np
import polars as pl

CRIME_MONTHS = 3  # the sample's last quarter: small enough to seed fast (about 25,000 rows)

# A typical London ward's recorded crimes a month, by police.uk crime type (rough, for the sample only).
CRIME_RATES = {
    "Violence and sexual offences": 24.0,
    "Anti-social behaviour": 18.0,
    "Other theft": 9.0,
    "Vehicle crime": 8.0,
    "Public order": 6.0,
    "Burglary": 6.0,
    "Shoplifting": 5.0,
    "Criminal damage and arson": 5.0,
    "Theft from the person": 3.5,
    "Drugs": 3.5,
    "Robbery": 2.5,
    "Bicycle theft": 2.0,
    "Possession of weapons": 1.0,
    "Other crime": 1.0,
}

# Tables this module fills: the models' columns, in the models' order.
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "ward_group": {"ward_code": pl.Utf8, "organisation": pl.Utf8, "kind": pl.Utf8},
    "crime_count": {"ward_code": pl.Utf8, "month": pl.Date, "crime_type": pl.Utf8, "count": pl.Float64},
}
# Columns this module adds to the generator's frames, after theirs.
ADDED_COLUMNS: dict[str, dict[str, pl.DataType]] = {
    "promise": {"lead_agency": pl.Utf8, "action": pl.Utf8, "barrier": pl.Utf8},
    "engagement_activity": {"venue": pl.Utf8},
}


def schemas(base: dict[str, dict[str, pl.DataType]]) -> dict[str, dict[str, pl.DataType]]:
    """The generator's output schemas with this module's tables and columns added."""
    return {**{name: {**cols, **ADDED_COLUMNS.get(name, {})} for name, cols in base.items()}, **SCHEMAS}


# --- Who leads a promise -----------------------------------------------------------------------

# Category -> (chance a partner leads it, the partners that do, with weights). Other categories: PARTNER_ELSE.
PARTNER_LEADS = {
    "road safety": (0.6, (("council", 6), ("transport", 4))),
    "anti-social behaviour": (0.35, (("council", 6), ("housing provider", 4))),
    "youth safety": (0.4, (("school or college", 5), ("council", 5))),
    "criminal damage": (0.25, (("council", 7), ("housing provider", 3))),
    "drugs": (0.15, (("health", 5), ("council", 5))),
    "violence against women and girls": (0.2, (("council", 5), ("health", 5))),
}
PARTNER_ELSE = (0.06, (("council", 5), ("other partner", 5)))
PARTNER_DOES = {
    "council": "The council to", "housing provider": "The housing provider to", "transport": "TfL to",
    "school or college": "The school to", "health": "The local health service to", "other partner": "The partner to",
}
ACTIONS = {
    "road safety": "survey speeds and consult on traffic calming",
    "anti-social behaviour": "fix lighting and lock the estate's communal doors",
    "youth safety": "open a youth session on Friday evenings",
    "criminal damage": "clear graffiti within a week of each report",
    "drugs": "run outreach with a treatment service",
    "violence against women and girls": "fund a safe-space scheme with local venues",
}
POLICE_ACTIONS = ("targeted patrols at the times reported", "crime prevention visits to the homes nearby",
                  "weekly street briefings at the hotspot", "a plain-clothes operation with the borough team")
PARTNER_BARRIERS = ("Partner funding not agreed", "The partner did not attend the panel to agree the action",
                    "Waiting on the partner's repairs", "No agreement to share the partner's data",
                    "The partner's scheme was delayed by consultation")
POLICE_BARRIERS = ("Officers taken away to central duties", "Ward officer post vacant for months")
NOT_DONE = ("not achieved", "partly achieved")


def _u(seed: int, *parts: str) -> float:
    """A number in [0, 1) fixed by the seed and the parts (no shared random stream, so nothing else moves)."""
    return zlib.crc32(":".join((str(seed), *parts)).encode()) / 2**32


def _pick(u: float, weighted: tuple[tuple[str, int], ...]) -> str:
    total = sum(w for _, w in weighted)
    edge = 0.0
    for name, w in weighted:
        edge += w / total
        if u < edge:
            return name
    return weighted[-1][0]


def promise_leads(promises: pl.DataFrame, *, seed: int, end: date) -> pl.DataFrame:
    """The promise frame with lead_agency, action and barrier added, each fixed by the promise's reference.

    Partners lead road safety most (council, TfL), then youth safety, anti-social behaviour and
    criminal damage; a promise not achieved is a little more likely to be partner-led, and when it
    is, more likely to name a barrier (so partner-led completion runs below the police's, as
    boards report). Police-led promises leave lead_agency empty or say "police".
    """
    leads, actions, barriers = [], [], []
    for ref, category, status, set_on in promises.select("promise_ref", "category", "status", "set_on").iter_rows():
        chance, partners = PARTNER_LEADS.get(category, PARTNER_ELSE)
        stuck = status in NOT_DONE or (status == "open" and (end - set_on).days > 180)
        chance *= 1.4 if stuck else 0.8 if status == "achieved" else 1.0
        if _u(seed, ref, "lead") < chance:
            who = _pick(_u(seed, ref, "partner"), partners)
            leads.append(who)
            actions.append(f"{PARTNER_DOES[who]} {ACTIONS.get(category, 'lead the work agreed at the panel')}; officers to support")
            barriers.append(PARTNER_BARRIERS[int(_u(seed, ref, "why") * len(PARTNER_BARRIERS))]
                            if stuck and _u(seed, ref, "barrier") < 0.6 else None)
        else:
            leads.append("police" if _u(seed, ref, "said") < 0.3 else None)
            actions.append(f"Officers to run {POLICE_ACTIONS[int(_u(seed, ref, 'how') * len(POLICE_ACTIONS))]}"
                           if _u(seed, ref, "action") < 0.5 else None)
            barriers.append(POLICE_BARRIERS[int(_u(seed, ref, "why") * len(POLICE_BARRIERS))]
                            if stuck and _u(seed, ref, "barrier") < 0.2 else None)
    added = ADDED_COLUMNS["promise"]
    return promises.with_columns(pl.Series(name, values, dtype=added[name])
                                 for name, values in (("lead_agency", leads), ("action", actions), ("barrier", barriers)))


def _rng(seed: int, *parts: str) -> np.random.Generator:
    return np.random.default_rng([seed % 2**63, *(zlib.crc32(p.encode()) for p in parts)])


def _months(end: date, n: int) -> list[date]:
    index = end.year * 12 + end.month - 1
    return [date((i // 12), i % 12 + 1, 1) for i in range(index - n + 1, index + 1)]


def crime_counts(ward_codes: list[str], *, seed: int, end: date) -> pl.DataFrame:
    """Whole-number counts for each ward, each of the last CRIME_MONTHS months to ``end`` and each
    crime type with at least one record: Poisson around CRIME_RATES times the ward's own level
    (busier town-centre wards, quieter suburban ones)."""
    months = _months(end, CRIME_MONTHS)
    types = list(CRIME_RATES)
    rates = np.array([CRIME_RATES[t] for t in types])
    rows: list[tuple] = []
    for code in sorted(ward_codes):
        draw = _rng(seed, "crime", code)
        level = float(draw.lognormal(0.0, 0.5))
        mix = draw.gamma(4.0, 0.25, size=len(types))  # each ward's own mix of crime types
        counts = draw.poisson(rates * level * mix, size=(len(months), len(types)))
        for m, month in enumerate(months):
            rows.extend((code, month, t, float(n)) for t, n in zip(types, counts[m]) if n)
    return pl.DataFrame(rows, schema=SCHEMAS["crime_count"], orient="row")


# --- Where engagement is held ------------------------------------------------------------------

VENUES = ("community centre", "library", "church hall", "mosque", "supermarket foyer", "station forecourt",
          "estate community room", "youth club", "market square", "leisure centre")
IN_PERSON = ("contact session", "community event", "public meeting", "school visit", "street briefing")


def venues(engagement: pl.DataFrame, wards: pl.DataFrame, *, seed: int) -> pl.DataFrame:
    """The engagement frame with venue added: for activities held in person, one of a few places in
    the ward (each ward has three it uses, fixed by its code), named as residents would look for it;
    a school visit at the ward's school; none for newsletters, social media and surveys."""
    names = dict(wards.select("ward_code", "ward_name").iter_rows())
    out = []
    for code, kind, held_on in engagement.select("ward_code", "kind", "held_on").iter_rows():
        place = names.get(code, code)
        if kind == "school visit":
            out.append(f"{place} primary school")
        elif kind in IN_PERSON:
            mine = [VENUES[int(_u(seed, code, "venue", str(i)) * len(VENUES))] for i in range(3)]
            out.append(f"{place} {mine[int(_u(seed, code, kind, str(held_on)) * 3)]}")
        else:
            out.append(None)
    return engagement.with_columns(pl.Series("venue", out, dtype=pl.Utf8))


# --- Significant local groups ---------------------------------------------------------------

# kind -> (chance a ward has one, the invented name after the ward's name)
GROUPS = (
    ("business estate", 0.25, "Business Park"),
    ("school or college", 0.3, "College"),
    ("hospital", 0.08, "Hospital"),
    ("housing provider", 0.35, "Homes housing association"),
    ("faith", 0.15, "Faith Forum"),
    ("other", 0.05, "Market Traders' Association"),
)


def ward_groups(wards: pl.DataFrame, *, seed: int) -> pl.DataFrame:
    """Invented significant local groups: each ward has each kind with its own chance, fixed by its
    code (about one group a ward), named after the ward."""
    rows = [(code, f"{name} {label}", kind)
            for code, name in wards.select("ward_code", "ward_name").sort("ward_code").iter_rows()
            for kind, chance, label in GROUPS if _u(seed, code, "group", kind) < chance]
    return pl.DataFrame(rows, schema=SCHEMAS["ward_group"], orient="row")


def extend(frames: dict[str, pl.DataFrame], wards: pl.DataFrame, *, seed: int, end: date) -> dict[str, pl.DataFrame]:
    """The generator's frames with this module's tables added (``wards``: the Met wards sampled)."""
    return {**frames, "promise": promise_leads(frames["promise"], seed=seed, end=end),
            "engagement_activity": venues(frames["engagement_activity"], wards, seed=seed),
            "ward_group": ward_groups(wards, seed=seed),
            "crime_count": crime_counts(wards["ward_code"].to_list(), seed=seed, end=end)}
