"""Sample rows for ward-level practice: recorded crime by ward, month and crime type.

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
    "crime_count": {"ward_code": pl.Utf8, "month": pl.Date, "crime_type": pl.Utf8, "count": pl.Float64},
}


def schemas(base: dict[str, dict[str, pl.DataType]]) -> dict[str, dict[str, pl.DataType]]:
    """The generator's output schemas with this module's tables added."""
    return {**base, **SCHEMAS}


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


def extend(frames: dict[str, pl.DataFrame], wards: pl.DataFrame, *, seed: int, end: date) -> dict[str, pl.DataFrame]:
    """The generator's frames with this module's tables added (``wards``: the Met wards sampled)."""
    return {**frames, "crime_count": crime_counts(wards["ward_code"].to_list(), seed=seed, end=end)}
