"""Membership and diversity: each panel's active members against its ward's Census 2021 profile.

Pure polars functions; no Streamlit, no SQL. The inputs are frames as ``data_access.queries``
returns them (members, panels, ward_population) and an "as of" day.

Definitions (the page states each of these in plain words):

* **Active member on a day**: joined on or before it, and not yet left (``left_on`` is the first
  day without them), in a ward whose panel is open that day.
* **Ward share**: the ward's Census count for a group divided by the total *of that same table*
  for the ward. Census 2021 counts carry ONS's deliberate noise, so the 5 high-level ethnic groups,
  the 19 detailed groups and the age bands need not add up to the same total; each share uses its
  own. Ethnic group is compared against usual residents of all ages, children included: panels
  are adults, but no adults-only ethnic group table by ward is published for London, and the
  page says so beside the figure. Age is compared against adults aged 16 and over (the 0-15 band
  is left out: panels are adult bodies), from Census 2021 age by LSOA shared between 2022 wards
  by their Output Areas' residents.
* **"Not stated"** is a row of its own (share of all active members). Comparisons (panel share,
  expected members, dissimilarity, the test) use members who stated the dimension, and the
  completeness (stated / all) is shown beside them.
* **Expected members** = members who stated x ward share. **Representation ratio** = actual /
  expected (1 = in proportion; none where the group is absent from the ward).
* **Index of dissimilarity** (0 to 100) = 50 x sum over groups of |panel share - ward share|:
  the share of the panel that would have to be a different group to match the ward.
  **Combined gap** = the mean of the ethnic group and age indices (and sex, when a Census sex
  table by ward is loaded); none if any of them has no stated data.
* **Per-group verdict** (a description, not a finding): "fewer than expected" or "more than
  expected" where actual and expected members differ by half a member or more, else "about as
  expected". One group on one small panel says little on its own, so these are never counted.
* **Differs from the ward beyond chance** (the finding that is counted): one test per panel and
  dimension (``chance_tests``), the whole mix at once: how likely a panel of the same size drawn
  at random from the ward's residents is to be at least as far from the ward (index of
  dissimilarity) as this one. Computed exactly from the multinomial distribution
  (``scipy.stats.multinomial``), or for a panel too large to list every possible membership, from
  20,000 seeded random panels. The tests of all the panels in the chosen area are then corrected
  together (Benjamini-Hochberg, ``scipy.stats.false_discovery_control``, ``beyond_chance``) so
  that, of the panels reported, no more than 5% are expected to be chance.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import polars as pl
from scipy import stats

from dashboard.domain import vocabulary as v
from dashboard.domain.periods import months_between
from dashboard.figures.expressions import open_on

LEVEL = 0.05  # the false-discovery rate at which panels are reported as differing beyond chance
MC_DRAWS = 20_000  # random panels for a test too large to work out exactly (seeded: the same answer every time)
EXACT_LIMIT = 100_000  # the most possible memberships worked out one by one for an exact test
SEED = 2021  # Census year: any fixed number would do

FEWER = "fewer than expected"
MORE = "more than expected"
ABOUT = "about as expected"
NOT_IN_WARD = "not in the ward's population"
NO_STATED = "no stated data"
NO_CENSUS = "no Census data for this ward"

WHITE_DETAILED = ("White British", "White Irish", "Gypsy or Irish Traveller", "Roma", "Other White")
WHITE_OTHER = "White other"


@dataclass(frozen=True)
class Dimension:
    """One way of comparing members with residents.

    ``member_map`` sends a member's recorded value to a compared category (anything else is
    "Not stated"); ``member_filter`` (if set) keeps only members with these values;
    ``population_map`` sends a Census category to a compared category (others are left out).
    """

    key: str
    label: str
    member_column: str
    population_dimension: str
    categories: tuple[str, ...]
    member_map: dict[str, str]
    population_map: dict[str, str]
    base: str  # who the ward share is of, in words
    member_filter: tuple[str, ...] | None = None
    in_combined: bool = True
    noun: str = ""  # how a sentence names it: "ethnic group", "age"


ETHNIC = Dimension(
    key="ethnic_group",
    label="Ethnic group",
    member_column="ethnic_group",
    population_dimension="ethnic_group",
    categories=v.ETHNIC_GROUPS,
    # Members may be recorded with a detailed ONS category: roll it up.
    member_map={**{g: g for g in v.ETHNIC_GROUPS}, **v.ETHNIC_DETAILED},
    population_map={g: g for g in v.ETHNIC_GROUPS},
    # Panels are adults, but no adults-only ethnic group table by ward is published for London.
    base="usual residents of all ages, children included (Census 2021 TS021)",
    noun="ethnic group",
)

AGE = Dimension(
    key="age_band",
    label="Age",
    member_column="age_band",
    population_dimension="age_band",
    categories=v.AGE_BANDS,
    member_map={b: b for b in v.AGE_BANDS},
    population_map={b: b for b in v.AGE_BANDS},  # 0-15 is left out: adults 16 and over
    base="usual residents aged 16 and over (Census 2021 age by ward, from Output Areas)",
    noun="age",
)

WHITE = Dimension(
    key="white_detail",
    label="White British and White other",
    member_column="ethnic_group",
    population_dimension="ethnic_group_detailed",
    categories=("White British", WHITE_OTHER),
    # Only White members are compared; those recorded just as "White" gave no detail.
    member_map={"White British": "White British", **{d: WHITE_OTHER for d in WHITE_DETAILED[1:]}},
    population_map={"White British": "White British", **{d: WHITE_OTHER for d in WHITE_DETAILED[1:]}},
    base="White usual residents (Census 2021 detailed ethnic group)",
    member_filter=("White", *WHITE_DETAILED),
    in_combined=False,  # a split within one ethnic group, already counted in the ethnic index
    noun="White British and White other",
)


def sex_dimension(categories: Sequence[str]) -> Dimension:
    return Dimension(
        key="sex",
        label="Sex",
        member_column="sex",
        population_dimension="sex",
        categories=tuple(categories),
        member_map={c: c for c in categories},
        population_map={c: c for c in categories},
        base="usual residents of all ages, children included (Census 2021 TS008)",
        noun="sex",
    )


def dimensions(population: pl.DataFrame) -> list[Dimension]:
    """The dimensions a comparison can be made on, given which ward tables are loaded.

    Ethnic group, White British/other, age and sex ship with the app; sex is compared only if a
    ward_population dimension "sex" is loaded (Census 2021 TS008 by ward ships), never guessed.
    """
    loaded = set(population["dimension"].unique().to_list())
    out = [d for d in (ETHNIC, WHITE, AGE) if d.population_dimension in loaded]
    if "sex" in loaded:
        cats = population.filter(pl.col("dimension") == "sex")["category"].unique().sort().to_list()
        out.append(sex_dimension(cats))
    return out


def has_sex_table(population: pl.DataFrame) -> bool:
    return population.filter(pl.col("dimension") == "sex").height > 0


# --- Who is on a panel -------------------------------------------------------------------------


def open_panels(panels: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """One row per ward with a panel open on ``day`` (the latest established, if several)."""
    return (
        panels.filter(open_on(day, start="established_on", end="closed_on"))
        .sort("established_on")
        .unique("ward_code", keep="last")
        .sort("ward_code")
    )


def active_members(members: pl.DataFrame, panels: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """Members on a panel on ``day``: joined on or before it, not yet left, panel open.

    Example: joined 1 Jan 2023, left 31 Dec 2023 -> active on 30 Dec 2023, not on 31 Dec.
    """
    wards = open_panels(panels, day).select("ward_code")
    return members.filter(open_on(day, start="joined_on", end="left_on")).join(wards, on="ward_code", how="semi")


# --- Per-group description --------------------------------------------------------------------


def verdict(actual: int, stated: int, ward_share: float | None) -> str:
    """How one group's members compare with the ward: a description, never counted as a finding.

    Examples, with a ward 25% Black and 12 members stated (3 expected): 0 or 2 Black members ->
    "fewer than expected"; 3 -> "about as expected"; 4 -> "more than expected". Whether a panel
    differs from its ward beyond chance is judged on the whole mix at once (``chance_tests``).
    """
    if stated == 0:
        return NO_STATED
    if ward_share is None:
        return NO_CENSUS
    if ward_share <= 0:
        return NOT_IN_WARD
    expected = stated * ward_share
    if abs(actual - expected) < 0.5:
        return ABOUT
    return FEWER if actual < expected else MORE


# --- Ward profile and comparison ---------------------------------------------------------------


def ward_shares(population: pl.DataFrame, dim: Dimension) -> pl.DataFrame:
    """(ward_code, category, ward_count, ward_total, ward_share) from one Census table.

    The total is the sum of this table's own compared categories for the ward (noisy
    Census tables do not add up to one another). Example: age 0-15: 100, 16-24: 30, 25-34: 70
    -> adults 100, so 16-24 is 30% (the 0-15 band is not in the total).
    """
    rows = (
        population.filter(pl.col("dimension") == dim.population_dimension)
        .filter(pl.col("category").is_in(list(dim.population_map)))
        .with_columns(pl.col("category").replace_strict(dim.population_map, return_dtype=pl.String))
        .group_by("ward_code", "category")
        .agg(pl.col("count").sum().alias("ward_count"))
    )
    return rows.with_columns(pl.col("ward_count").sum().over("ward_code").alias("ward_total")).with_columns(
        pl.when(pl.col("ward_total") > 0).then(pl.col("ward_count") / pl.col("ward_total")).alias("ward_share")
    )


def compare(active: pl.DataFrame, population: pl.DataFrame, ward_codes: Sequence[str], dims: Sequence[Dimension]) -> pl.DataFrame:
    """Panel against ward, one row per (ward, dimension, category), "Not stated" included.

    Columns: ward_code, dimension, dimension_label, category, members, panel_size, stated,
    share_of_members (of all active members), panel_share (of stated members), ward_share,
    expected, ratio, flag (the per-group description).

    Worked example: a panel of 10 with 8 stating an ethnic group (6 White, 2 Asian, 2 Not
    stated), ward 50% White, 30% Asian, 20% Black. Black: expected 8 x 0.2 = 1.6, actual 0,
    ratio 0, "fewer than expected". White: panel share 75%, expected 4, ratio 1.5.
    """
    codes = pl.DataFrame({"ward_code": list(ward_codes)}, schema={"ward_code": pl.String})
    frames = []
    for dim in dims:
        m = active.select("ward_code", pl.col(dim.member_column).alias("value"))
        if dim.member_filter is not None:
            m = m.filter(pl.col("value").is_in(list(dim.member_filter)))
        counts = (
            m.with_columns(pl.col("value").replace_strict(dim.member_map, default=v.NOT_STATED, return_dtype=pl.String).alias("category"))
            .group_by("ward_code", "category")
            .agg(pl.len().cast(pl.Int64).alias("members"))
        )
        cats = pl.DataFrame({"category": [*dim.categories, v.NOT_STATED], "order": list(range(len(dim.categories) + 1))})
        grid = codes.join(cats, how="cross")
        shares = ward_shares(population, dim)
        totals = shares.select("ward_code", "ward_total").unique("ward_code")
        frame = (
            grid.join(counts, on=["ward_code", "category"], how="left")
            .join(shares.select("ward_code", "category", "ward_share"), on=["ward_code", "category"], how="left")
            .join(totals, on="ward_code", how="left")
            .with_columns(pl.col("members").fill_null(0))
            .with_columns(
                pl.col("members").sum().over("ward_code").alias("panel_size"),
                pl.col("members").filter(pl.col("category") != v.NOT_STATED).sum().over("ward_code").alias("stated"),
                # A group missing from a ward's Census rows, where the ward has data, is 0%.
                pl.when(pl.col("category") == v.NOT_STATED)
                .then(None)
                .when(pl.col("ward_total").is_null())
                .then(None)
                .otherwise(pl.col("ward_share").fill_null(0.0))
                .alias("ward_share"),
            )
            .with_columns(
                pl.lit(dim.key).alias("dimension"),
                pl.lit(dim.label).alias("dimension_label"),
                pl.when(pl.col("panel_size") > 0).then(pl.col("members") / pl.col("panel_size")).alias("share_of_members"),
                pl.when((pl.col("category") != v.NOT_STATED) & (pl.col("stated") > 0))
                .then(pl.col("members") / pl.col("stated"))
                .alias("panel_share"),
                (pl.col("stated") * pl.col("ward_share")).alias("expected"),
            )
            .with_columns(pl.when(pl.col("expected") > 0).then(pl.col("members") / pl.col("expected")).alias("ratio"))
        )
        frames.append(frame)
    if not frames:
        return _empty_comparison()
    out = pl.concat(frames, how="vertical_relaxed")
    flags = [
        None if cat == v.NOT_STATED else verdict(actual, stated, share)
        for cat, actual, stated, share in zip(out["category"], out["members"], out["stated"], out["ward_share"])
    ]
    out = out.with_columns(pl.Series("flag", flags, dtype=pl.String))
    return out.select(COMPARISON_COLUMNS).sort("ward_code", "dimension", "order").drop("order")


COMPARISON_COLUMNS = [
    "ward_code", "dimension", "dimension_label", "order", "category", "members", "panel_size", "stated",
    "share_of_members", "panel_share", "ward_share", "expected", "ratio", "flag",
]


def _empty_comparison() -> pl.DataFrame:
    schema = {c: pl.String for c in COMPARISON_COLUMNS}
    schema.update({"order": pl.Int64, "members": pl.Int64, "panel_size": pl.Int64, "stated": pl.Int64})
    for c in ("share_of_members", "panel_share", "ward_share", "expected", "ratio"):
        schema[c] = pl.Float64
    return pl.DataFrame(schema=schema).drop("order")


def dissimilarity(comparison: pl.DataFrame) -> pl.DataFrame:
    """Index of dissimilarity per (ward, dimension): 50 x sum |panel share - ward share|, 0 to 100.

    Over members who stated the dimension; none if nobody did, or the ward has no Census data.
    Example: panel 75% White, 25% Asian, 0% Black; ward 50%, 30%, 20% ->
    50 x (0.25 + 0.05 + 0.20) = 25. Also gives panel_size, stated and completeness (stated / all).
    """
    stated_rows = comparison.filter(pl.col("category") != v.NOT_STATED)
    return (
        stated_rows.group_by("ward_code", "dimension", "dimension_label")
        .agg(
            pl.col("panel_size").first(),
            pl.col("stated").first(),
            (50 * (pl.col("panel_share") - pl.col("ward_share")).abs().sum()).alias("index"),
            pl.col("ward_share").is_null().any().alias("_no_census"),
        )
        .with_columns(
            pl.when((pl.col("stated") > 0) & ~pl.col("_no_census")).then(pl.col("index")).alias("index"),
            pl.when(pl.col("panel_size") > 0).then(pl.col("stated") / pl.col("panel_size")).alias("completeness"),
        )
        .drop("_no_census")
        .sort("ward_code", "dimension")
    )


# --- Does a panel differ from its ward beyond chance? ----------------------------------------------


@lru_cache(maxsize=64)
def memberships(n: int, k: int) -> np.ndarray:
    """Every way ``n`` members can fall into ``k`` groups, one row each (order matters).

    memberships(2, 2) -> [[0, 2], [1, 1], [2, 0]]; there are C(n + k - 1, k - 1) rows.
    """
    cuts = np.array(list(itertools.combinations(range(n + k - 1), k - 1)), dtype=np.int64).reshape(-1, k - 1)
    edges = np.hstack([np.full((len(cuts), 1), -1), cuts, np.full((len(cuts), 1), n + k - 1)])
    return np.diff(edges, axis=1) - 1


def _index(counts: np.ndarray, n: int, shares: np.ndarray) -> np.ndarray:
    """Index of dissimilarity of member counts (last axis: groups) against ward shares."""
    return 50 * np.abs(counts / n - shares).sum(axis=-1)


def _exact(n: int, counts: np.ndarray, shares: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(p-values, mean index of a random panel) for panels of ``n`` members, by listing every membership."""
    every = memberships(n, shares.shape[1]).astype(np.float64)
    observed = _index(counts, n, shares)
    p_values, chance = np.empty(len(counts)), np.empty(len(counts))
    step = max(1, 2_000_000 // len(every))  # panels at a time, to bound memory
    for i in range(0, len(counts), step):
        s = shares[i : i + step, None, :]
        prob = stats.multinomial.pmf(every[None, :, :], n, s)
        index = _index(every[None, :, :], n, s)
        # A tie counts as "at least as far": the test never claims more than it can.
        p_values[i : i + step] = (prob * (index >= observed[i : i + step, None] - 1e-9)).sum(axis=1)
        chance[i : i + step] = (prob * index).sum(axis=1)
    return np.clip(p_values, 0.0, 1.0), chance


def _simulated(n: int, counts: np.ndarray, shares: np.ndarray, keys: Sequence[str], draws: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The same from ``draws`` random panels each, seeded by the panel and dimension (so an area's
    answer does not depend on which other panels are in it). p = (1 + as far) / (1 + draws)."""
    p_values, chance = np.empty(len(counts)), np.empty(len(counts))
    for i, key in enumerate(keys):
        rng = np.random.default_rng([seed, zlib.crc32(key.encode())])
        index = _index(stats.multinomial.rvs(n, shares[i], size=draws, random_state=rng), n, shares[i])
        observed = _index(counts[i], n, shares[i])
        p_values[i] = (1 + (index >= observed - 1e-9).sum()) / (1 + draws)
        chance[i] = index.mean()
    return p_values, chance


TEST_COLUMNS = {
    "ward_code": pl.String, "dimension": pl.String, "dimension_label": pl.String, "stated": pl.Int64,
    "index": pl.Float64, "chance_index": pl.Float64, "p_value": pl.Float64, "method": pl.String,
}


def chance_index(n: int, shares: Sequence[float], *, key: str = "", exact_limit: int = EXACT_LIMIT, draws: int = MC_DRAWS,
                 seed: int = SEED) -> float:
    """The mean index of a panel of ``n`` drawn at random from residents with these ``shares`` (as
    ``chance_tests`` works it out: exact up to ``exact_limit`` memberships, else seeded draws).
    Worked example: shares 0.5, 0.5 and n = 4 give 18.75 (``chance_tests``' example)."""
    w = np.array([shares], dtype=np.float64)
    w = w / w.sum(axis=1, keepdims=True)
    counts = np.zeros_like(w)
    counts[0, 0] = n
    if math.comb(n + w.shape[1] - 1, w.shape[1] - 1) <= exact_limit:
        return float(_exact(n, counts, w)[1][0])
    return float(_simulated(n, counts, w, [key or "chance"], draws, seed)[1][0])


def chance_tests(comparison: pl.DataFrame, *, exact_limit: int = EXACT_LIMIT, draws: int = MC_DRAWS, seed: int = SEED) -> pl.DataFrame:
    """One test per panel and dimension: is the panel's whole mix further from its ward's than chance?

    If the members who stated were drawn at random from the ward's residents, how often would
    the panel's index of dissimilarity be at least as large as it is? That chance is the
    p-value. Every possible membership of a panel of that size is listed with its probability
    (``scipy.stats.multinomial``); a panel with more than 100,000 possible memberships is judged
    on 20,000 seeded random panels instead. ``chance_index`` is the mean index of such a random
    panel: what a panel that mirrors its ward's residents would score, by chance alone, at this
    size. Panels with nobody stating the dimension, or no Census figures, are not tested.

    Worked example: a ward half White, half Black; a panel of 4, all White (index 50). A random
    panel of 4 has 4, 3, 2, 1 or 0 White members with chances 1/16, 4/16, 6/16, 4/16, 1/16, and
    indices 50, 25, 0, 25, 50. An index of 50 or more: 2/16, p = 0.125. The mean index of a
    random panel: (2 x 50 x 1/16) + (2 x 25 x 4/16) = 18.75. A panel of 6, all White: p = 2/64
    = 0.031; mean index of a random panel of 6: 15.6.

    Columns: ward_code, dimension, dimension_label, stated, index, chance_index, p_value,
    method ("exact" or "simulated").
    """
    rows = (
        comparison.filter((pl.col("category") != v.NOT_STATED) & (pl.col("stated") > 0))
        .group_by("ward_code", "dimension", "dimension_label", maintain_order=True)
        .agg(pl.col("stated").first(), pl.col("members"), pl.col("ward_share"))
        .filter(pl.col("ward_share").list.eval(pl.element().is_null().any()).list.first().not_())
    )
    out = []
    for (dimension, n), group in rows.group_by("dimension", "stated", maintain_order=True):
        counts = np.array(group["members"].to_list(), dtype=np.float64)
        shares = np.array(group["ward_share"].to_list(), dtype=np.float64)
        shares = shares / shares.sum(axis=1, keepdims=True)
        if math.comb(n + shares.shape[1] - 1, shares.shape[1] - 1) <= exact_limit:
            p_values, chance, method = *_exact(n, counts, shares), "exact"
        else:
            keys = [f"{w}/{dimension}" for w in group["ward_code"]]
            p_values, chance, method = *_simulated(n, counts, shares, keys, draws, seed), "simulated"
        out.append(
            group.select("ward_code", "dimension", "dimension_label", "stated").with_columns(
                pl.Series("index", _index(counts, n, shares)),
                pl.Series("chance_index", chance),
                pl.Series("p_value", p_values),
                pl.lit(method).alias("method"),
            )
        )
    if not out:
        return pl.DataFrame(schema=TEST_COLUMNS)
    return pl.concat(out).cast(TEST_COLUMNS).sort("ward_code", "dimension")


def beyond_chance(tests: pl.DataFrame, *, level: float = LEVEL) -> pl.DataFrame:
    """The tests of one area, corrected together: ``q_value`` (Benjamini-Hochberg adjusted p) and
    ``beyond_chance`` (q at or below ``level``), so that of the findings reported no more than
    ``level`` (5%) are expected to be chance however many panels the area holds.

    Worked example: four tests with p = 0.01, 0.02, 0.03 and 0.5: ranked 1 to 4 of 4, each p
    times 4 over its rank gives 0.04, 0.04, 0.04 and 0.5 (``scipy.stats.false_discovery_control``),
    so the first three are beyond chance at 5%. Alone, p = 0.03 would be too; with 100 tests, it
    would need to be among the smallest.
    """
    q = stats.false_discovery_control(tests["p_value"].to_numpy()) if tests.height else np.array([])
    return tests.with_columns(pl.Series("q_value", q, dtype=pl.Float64)).with_columns((pl.col("q_value") <= level).alias("beyond_chance"))


def panel_findings(corrected: pl.DataFrame) -> pl.DataFrame:
    """Per panel of an area, from its tests corrected together (``beyond_chance``): whether its
    membership differs from its ward beyond chance in any dimension, and in which.

    Columns: ward_code, differs (bool), differs_in ("Age, Ethnic group"; "" when none), q_value
    (the panel's smallest).
    """
    return corrected.group_by("ward_code").agg(
        pl.col("beyond_chance").any().alias("differs"),
        pl.col("dimension_label").filter(pl.col("beyond_chance")).sort().str.join(", ").alias("differs_in"),
        pl.col("q_value").min(),
    )


def combined(dissim: pl.DataFrame, dims: Sequence[Dimension]) -> pl.DataFrame:
    """(ward_code, gap): the mean of the per-dimension indices that make up the combined gap.

    Example: ethnic group 25, age 35 -> 30. None if any of them is none (nothing stated).
    """
    keys = [d.key for d in dims if d.in_combined]
    wide = dissim.filter(pl.col("dimension").is_in(keys)).group_by("ward_code").agg(
        pl.col("index").mean().alias("gap"),
        pl.col("index").null_count().alias("_missing"),
        pl.len().alias("_n"),
    )
    return wide.with_columns(
        pl.when((pl.col("_missing") == 0) & (pl.col("_n") == len(keys))).then(pl.col("gap")).alias("gap")
    ).select("ward_code", "gap")


def gap_beyond_chance(dissim: pl.DataFrame, tests: pl.DataFrame, dims: Sequence[Dimension]) -> pl.DataFrame:
    """(ward_code, gap, chance_gap, gap_excess): the combined gap beside a random panel's.

    chance_gap is the same mean (``combined``) of what a panel of the same size drawn at random
    from the ward's residents scores on average (the mean index of a random panel, from ``chance_tests``), and gap_excess
    = gap - chance_gap: how much of the gap is more than chance alone would give at this size.
    A small panel is never an exact mirror of its ward, so its gap is not measured from 0.
    Worked example: a ward half White half Black, half aged 16-24 half 65+; a panel of 4, all
    White and all 65+: gap (50 + 50) / 2 = 50; a random panel of 4 scores 18.75 on each (see
    ``chance_tests``), so chance_gap 18.75 and gap_excess 31.25. The same panel with 2 White, 2
    Black members, 2 aged 16-24 and 2 aged 65+ has gap 0 and gap_excess -18.75: closer to its
    ward than chance would usually make it.
    """
    chance = combined(tests.select("ward_code", "dimension", pl.col("chance_index").alias("index")), dims).rename({"gap": "chance_gap"})
    return (
        combined(dissim, dims)
        .join(chance, on="ward_code", how="left")
        .with_columns((pl.col("gap") - pl.col("chance_gap")).alias("gap_excess"))
    )


# --- Sector mix and panel flags ----------------------------------------------------------------

SECTOR_COLUMNS = [s for s in v.SECTORS]


def sector_mix(active: pl.DataFrame, panels: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """One row per open panel: members by sector, panel size and the panel flags.

    Flags: no resident member; no business member; councillor-led (the chair on the day is a
    councillor member, or the panel records a councillor chair); months since the last
    membership review (none if never recorded, or recorded only after ``day``).
    Example: 6 residents, 1 councillor in the chair -> size 7, no business, councillor-led.
    """
    open_ = open_panels(panels, day).select("ward_code", "chair_type", "last_membership_review_on")
    counts = (
        active.group_by("ward_code", "sector")
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .pivot(on="sector", index="ward_code", values="n")
    )
    for s in SECTOR_COLUMNS:
        if s not in counts.columns:
            counts = counts.with_columns(pl.lit(0, dtype=pl.Int64).alias(s))
    chairs = active.filter(pl.col("is_chair")).group_by("ward_code").agg((pl.col("sector") == "councillor").any().alias("_chair_councillor"))
    review = pl.col("last_membership_review_on")
    return (
        open_.join(counts.select("ward_code", *SECTOR_COLUMNS), on="ward_code", how="left")
        .join(chairs, on="ward_code", how="left")
        .with_columns(pl.col(s).fill_null(0) for s in SECTOR_COLUMNS)
        .with_columns(
            pl.sum_horizontal(SECTOR_COLUMNS).alias("panel_size"),
            (pl.col("resident") == 0).alias("no_resident"),
            (pl.col("business") == 0).alias("no_business"),
            (pl.col("_chair_councillor").fill_null(False) | (pl.col("chair_type") == "councillor")).alias("councillor_led"),
            pl.when(review.is_not_null() & (review <= day)).then(months_between(review, day)).alias("months_since_review"),
            pl.when(review.is_null())
            .then(pl.lit("never recorded"))
            .when(review > day)
            .then(pl.lit("only a later review is recorded"))
            .otherwise(None)
            .alias("review_note"),
        )
        .drop("_chair_councillor", "last_membership_review_on")
        .sort("ward_code")
    )


# --- Everything for one day, London-wide --------------------------------------------------------


@dataclass(frozen=True)
class Diversity:
    """All of London's figures for one day; pages filter by ward codes (cheap)."""

    day: dt.date
    dims: list[Dimension]
    comparison: pl.DataFrame
    dissimilarity: pl.DataFrame
    panels: pl.DataFrame  # one row per open panel: sectors, flags, gaps
    tests: pl.DataFrame  # one row per tested (panel, dimension): chance_tests, before any correction
    sex_loaded: bool = False
    notes: list[str] = field(default_factory=list)


def build(members: pl.DataFrame, panels: pl.DataFrame, population: pl.DataFrame, day: dt.date) -> Diversity:
    """Every open panel's comparison, indices, tests against chance, sector mix and flags on ``day``.

    The tests are corrected for the area a page shows (``panel_findings``), not here.
    """
    dims = dimensions(population)
    active = active_members(members, panels, day)
    codes = open_panels(panels, day)["ward_code"].to_list()
    comp = compare(active, population, codes, dims)
    dis = dissimilarity(comp)
    tests = chance_tests(comp)
    gap = gap_beyond_chance(dis, tests, dims)
    wide = dis.pivot(on="dimension", index="ward_code", values="index") if dis.height else pl.DataFrame({"ward_code": codes}, schema={"ward_code": pl.String})
    wide = wide.rename({d.key: f"{d.key}_index" for d in dims if d.key in wide.columns})
    complete = dis.filter(pl.col("dimension") == ETHNIC.key).select("ward_code", pl.col("completeness").alias("ethnic_stated_share"))
    table = (
        sector_mix(active, panels, day)
        .join(gap, on="ward_code", how="left")
        .join(wide, on="ward_code", how="left")
        .join(complete, on="ward_code", how="left")
    )
    return Diversity(day, dims, comp, dis, table, tests, has_sex_table(population))


# --- Roll-ups ------------------------------------------------------------------------------------


def rollup(comparison: pl.DataFrame, *, level: float = LEVEL) -> pl.DataFrame:
    """Each group's actual members across the panels given against expected, with a pooled test; worst first.

    Per (dimension, group): panels compared (with stated data and Census data), actual and
    expected members summed over them, shortfall = expected - actual (members "missing" if
    every panel matched its ward), ratio = actual / expected. Example: two panels expecting
    1.6 and 2.4 Black members with 0 and 1 -> expected 4.0, actual 1, shortfall 3.0, ratio 0.25.

    Pooled test: if every panel's members who stated were drawn at random from its own ward, the
    group's total across the panels would follow a Poisson binomial distribution (one trial per
    member, at the member's ward share; ``scipy.stats.poisson_binom``, or past 2,000 members the
    normal curve with the same mean and variance, ``scipy.stats.norm``). p_value is the two-sided
    chance of a total at least this far from expected (twice the smaller tail, at most 1); the
    groups of the area are corrected together (Benjamini-Hochberg, ``beyond_chance``). Worked
    example: two panels of 4 from wards half Black, with no Black member: expected 4, P(0 of 8)
    = 1/256, p = 2/256 = 0.0078. Many small shortfalls that no single panel could show add up
    here: the area is where a real shortfall shows.
    """
    rows = comparison.filter((pl.col("category") != v.NOT_STATED) & (pl.col("stated") > 0) & pl.col("ward_share").is_not_null())
    out = (
        rows.group_by("dimension", "dimension_label", "category")
        .agg(
            pl.col("ward_code").n_unique().alias("panels"),
            pl.col("members").sum().alias("actual"),
            pl.col("expected").sum().alias("expected"),
            pl.col("stated"),
            pl.col("ward_share"),
        )
        .with_columns(
            (pl.col("expected") - pl.col("actual")).alias("shortfall"),
            pl.when(pl.col("expected") > 0).then(pl.col("actual") / pl.col("expected")).alias("ratio"),
        )
        .sort(["shortfall", "dimension", "category"], descending=[True, False, False])
    )
    p_values = [
        _pooled_p(actual, np.repeat(np.array(shares, dtype=np.float64), np.array(stated, dtype=np.int64)))
        for actual, stated, shares in zip(out["actual"], out["stated"], out["ward_share"])
    ]
    return beyond_chance(out.drop("stated", "ward_share").with_columns(pl.Series("p_value", p_values, dtype=pl.Float64)), level=level)


POOLED_EXACT_TRIALS = 2_000  # members; past this the pooled test uses the normal curve (exact takes N^2 steps)


def _pooled_p(actual: int, trials: np.ndarray) -> float:
    """Two-sided p of ``actual`` successes in independent trials with these chances: exactly
    (Poisson binomial) up to 2,000 trials, past that by the normal curve with the same mean and
    variance and a continuity correction (at that size its variance is in the hundreds, where
    the two agree to a fraction of a percentage point)."""
    if trials.size == 0:
        return 1.0
    chances = np.clip(trials, 0.0, 1.0)
    if chances.size <= POOLED_EXACT_TRIALS:
        total = stats.poisson_binom(chances)
        lower, upper = float(total.cdf(actual)), float(total.sf(actual - 1))
    else:
        curve = stats.norm(chances.sum(), math.sqrt(max((chances * (1 - chances)).sum(), 1e-12)))
        lower, upper = float(curve.cdf(actual + 0.5)), float(curve.sf(actual - 0.5))
    return min(1.0, 2 * min(lower, upper))


def completeness(comparison: pl.DataFrame, dimension: str) -> tuple[int, int]:
    """(members who stated, all active members) for one dimension across the panels given."""
    rows = comparison.filter(pl.col("dimension") == dimension)
    total = int(rows["members"].sum())
    stated = int(rows.filter(pl.col("category") != v.NOT_STATED)["members"].sum())
    return stated, total


def by_borough(panel_table: pl.DataFrame, wards: pl.DataFrame) -> pl.DataFrame:
    """Per borough: open panels, mean combined gap, the mean a random panel of each one's size
    would score, the mean gap beyond chance, and panels whose membership differs from their
    ward beyond chance (``differs``, as corrected across the area shown: ``panel_findings``).
    Largest gap beyond chance first."""
    return (
        panel_table.join(wards.select("ward_code", "borough_name"), on="ward_code", how="left")
        .group_by("borough_name")
        .agg(
            pl.len().alias("panels"),
            pl.col("gap").mean().alias("mean_gap"),
            pl.col("chance_gap").mean().alias("mean_chance_gap"),
            pl.col("gap_excess").mean().alias("mean_excess"),
            pl.col("differs").sum().cast(pl.Int64).alias("panels_differing"),
        )
        .sort("mean_excess", "borough_name", descending=[True, False], nulls_last=True)
    )


def ward_gap(members: pl.DataFrame, panels: pl.DataFrame, population: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """Each ward's diversity gap beyond chance on ``day``, for the borough map: (ward_code, value, label).

    value = the combined gap less what a random panel of the same size from the ward scores
    (``gap_beyond_chance``), none where the ward has no open panel or too little stated data.
    Example label: "Diversity gap 30 of 100, a random panel of its size 22: 8 beyond chance
    (ethnic group 25, age 35)".
    """
    d = build(members, panels, population, day)
    return gap_labels(d)


def gap_labels(d: Diversity) -> pl.DataFrame:
    """(ward_code, value, label) from a built Diversity (the map and the page share it)."""
    parts = [f"{dim.label.lower()} " for dim in d.dims if dim.in_combined]
    keys = [dim.key for dim in d.dims if dim.in_combined]
    rows = []
    columns = ["ward_code", "gap", "chance_gap", "gap_excess", *[f"{k}_index" for k in keys if f"{k}_index" in d.panels.columns]]
    for r in d.panels.select(columns).iter_rows(named=True):
        if r["gap_excess"] is None:
            rows.append((r["ward_code"], None, "Diversity gap: not enough stated data"))
            continue
        detail = ", ".join(f"{p}{r[f'{k}_index']:.0f}" for p, k in zip(parts, keys))
        rows.append((
            r["ward_code"], float(r["gap_excess"]),
            f"Diversity gap {r['gap']:.0f} of 100, a random panel of its size {r['chance_gap']:.0f}: "
            f"{r['gap_excess']:.0f} beyond chance ({detail})",
        ))
    return pl.DataFrame(rows, schema={"ward_code": pl.String, "value": pl.Float64, "label": pl.String}, orient="row")
