"""Tables, exports and charts for the Membership and diversity page. No st.* calls.

Each table comes in two forms: the screen's (exact counts; the data is restricted) and the
export's, which has been through ``dashboard.figures.privacy`` so nothing that leaves the app shows a
count of 1 to 4 or lets one be worked out.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.domain import areas
from dashboard.domain import vocabulary as v
from dashboard.domain.areas import Area
from dashboard.domain.formatting import pct
from dashboard.figures import diversity as dv
from dashboard.figures import privacy
from dashboard.figures.expressions import in_wards

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PANEL_COLOUR = "#0072B2"
WARD_COLOUR = "#E69F00"

MEMBERS = "Members"
SHARE_ALL = "Share of all members (%)"
SHARE_STATED = "Share of members who stated (%)"
WARD_SHARE = "Ward share (%)"
EXPECTED = "Expected members"
RATIO = "Ratio (actual / expected)"
VERDICT = "Verdict"
DIFFERS = "Differs from ward beyond chance"
EXCESS = "Diversity gap beyond chance"
CHANCE = "Diversity gap of a random panel of its size"
DIFFERING = "Panels differing from their ward beyond chance"


def _pct_col(name: str, alias: str) -> pl.Expr:
    return (pl.col(name) * 100).round(1).alias(alias)


def profile_table(comparison: pl.DataFrame) -> pl.DataFrame:
    """One ward's comparison for the screen, one row per group (Not stated included)."""
    return comparison.select(
        pl.col("dimension_label").alias("Dimension"),
        pl.col("category").alias("Group"),
        pl.col("members").alias(MEMBERS),
        _pct_col("share_of_members", SHARE_ALL),
        _pct_col("panel_share", SHARE_STATED),
        _pct_col("ward_share", WARD_SHARE),
        pl.col("expected").round(1).alias(EXPECTED),
        pl.col("ratio").round(2).alias(RATIO),
        pl.col("flag").fill_null("").alias(VERDICT),
    )


def profile_export(table: pl.DataFrame, *, threshold: int = privacy.THRESHOLD) -> pl.DataFrame:
    """The profile table made safe to download. Each dimension's rows add up to the panel size,
    which may be known, so it is the group; shares of those who stated, expected members and
    ratios all depend on how many stated, so they go wherever anything in the group is hidden.
    """
    return privacy.protect_long(
        table,
        count=MEMBERS,
        group_by=["Dimension"],
        total_public=True,
        row_derived=[SHARE_ALL],
        group_derived=[SHARE_STATED, EXPECTED, RATIO],
        threshold=threshold,
    )


def _yes(col: str, alias: str) -> pl.Expr:
    return pl.when(pl.col(col)).then(pl.lit("Yes")).otherwise(pl.lit("No")).alias(alias)


def panels_table(panels: pl.DataFrame, wards: pl.DataFrame) -> pl.DataFrame:
    """One row per open panel in the area: size, gaps, flags, review; largest gap beyond chance first.

    Beside each panel's gap, what a panel of the same size drawn at random from its ward would
    score on average (``dv.gap_beyond_chance``): ranking by the raw gap would put the smallest
    panels first, since they are furthest from their wards by chance alone.
    """
    t = panels.join(wards.select("ward_code", "ward_name", "borough_name"), on="ward_code", how="left")
    cols = [
        pl.col("ward_name").alias("Ward"),
        pl.col("borough_name").alias("Borough"),
        pl.col("panel_size").alias(MEMBERS),
        pl.col("gap_excess").round(0).alias(EXCESS),
        pl.col("gap").round(0).alias("Diversity gap (0-100)"),
        pl.col("chance_gap").round(0).alias(CHANCE),
        pl.col("ethnic_group_index").round(0).alias("Ethnic group index") if "ethnic_group_index" in t.columns else pl.lit(None).alias("Ethnic group index"),
        pl.col("age_band_index").round(0).alias("Age index") if "age_band_index" in t.columns else pl.lit(None).alias("Age index"),
    ]
    if "sex_index" in t.columns:
        cols.append(pl.col("sex_index").round(0).alias("Sex index"))
    cols += [
        pl.when(pl.col("differs")).then(pl.lit("Yes: ") + pl.col("differs_in")).otherwise(pl.lit("No")).alias(DIFFERS),
        _yes("no_resident", "No resident member"),
        _yes("no_business", "No business member"),
        _yes("councillor_led", "Councillor-led"),
        pl.col("months_since_review").alias("Months since membership review"),
        pl.col("review_note").fill_null("").alias("Review note"),
    ]
    return t.sort("gap_excess", "ward_name", descending=[True, False], nulls_last=True).select(cols)


def panels_export(table: pl.DataFrame, *, threshold: int = privacy.THRESHOLD) -> pl.DataFrame:
    """Panel sizes of 1 to 4 hidden, and the indices and test results of such panels with them."""
    indices = [c for c in table.columns if c.endswith("index") or c.startswith("Diversity gap") or c == DIFFERS]
    return privacy.protect_cells(table, counts=[MEMBERS], derived={c: MEMBERS for c in indices}, threshold=threshold)


def borough_table(panels: pl.DataFrame, wards: pl.DataFrame) -> pl.DataFrame:
    """Per borough: open panels, mean diversity gap, panels differing from their ward beyond chance."""
    return dv.by_borough(panels, wards).select(
        pl.col("borough_name").alias("Borough"),
        pl.col("panels").cast(pl.Int64).alias("Open panels"),
        pl.col("mean_gap").round(0).alias("Mean diversity gap (0-100)"),
        pl.col("mean_chance_gap").round(0).alias("Mean gap of random panels of the same sizes"),
        pl.col("mean_excess").round(0).alias("Mean diversity gap beyond chance"),
        pl.col("panels_differing").alias(DIFFERING),
    )


def sector_table(panels: pl.DataFrame, wards: pl.DataFrame) -> pl.DataFrame:
    """Members by sector for each open panel, with the panel size."""
    t = panels.join(wards.select("ward_code", "ward_name"), on="ward_code", how="left")
    return t.sort("ward_name").select(
        pl.col("ward_name").alias("Ward"),
        *[pl.col(s).alias(s.capitalize()) for s in dv.SECTOR_COLUMNS],
        pl.col("panel_size").alias(MEMBERS),
    )


def sector_export(table: pl.DataFrame, *, threshold: int = privacy.THRESHOLD) -> pl.DataFrame:
    return privacy.protect_wide(table, counts=[s.capitalize() for s in dv.SECTOR_COLUMNS], total=MEMBERS, total_public=True, threshold=threshold)


def sector_totals(panels: pl.DataFrame) -> pl.DataFrame:
    """Members by sector across the panels given, with each sector's share of all members."""
    total = int(panels["panel_size"].sum()) if panels.height else 0
    rows = [(s.capitalize(), int(panels[s].sum()) if panels.height else 0) for s in dv.SECTOR_COLUMNS]
    return pl.DataFrame(rows, schema={"Sector": pl.String, MEMBERS: pl.Int64}, orient="row").with_columns(
        (pl.col(MEMBERS) / total * 100).round(1).alias("Share of members (%)") if total else pl.lit(None, dtype=pl.Float64).alias("Share of members (%)")
    )


def sector_totals_export(table: pl.DataFrame, *, threshold: int = privacy.THRESHOLD) -> pl.DataFrame:
    return privacy.protect_long(
        table.with_columns(pl.lit("all").alias("_g")),
        count=MEMBERS,
        group_by=["_g"],
        total_public=True,
        row_derived=["Share of members (%)"],
        threshold=threshold,
    ).drop("_g")


def rollup_table(rollup: pl.DataFrame) -> pl.DataFrame:
    return rollup.select(
        pl.col("dimension_label").alias("Dimension"),
        pl.col("category").alias("Group"),
        pl.col("panels").cast(pl.Int64).alias("Panels compared"),
        pl.col("actual").cast(pl.Int64).alias("Actual members"),
        pl.col("expected").round(1).alias(EXPECTED),
        pl.col("shortfall").round(1).alias("Shortfall (expected - actual)"),
        pl.col("ratio").round(2).alias(RATIO),
        pl.col("p_value").map_elements(_p_words, return_dtype=pl.String).alias(POOLED_P),
        pl.when(pl.col("beyond_chance")).then(pl.lit("Yes")).otherwise(pl.lit("No")).alias(POOLED),
    )


POOLED_P = "Chance of a difference this large (p)"
POOLED = "Beyond chance (after correction)"


def _p_words(p: float) -> str:
    return "under 0.001" if p < 0.001 else f"{p:.3f}"


def rollup_export(table: pl.DataFrame, *, threshold: int = privacy.THRESHOLD) -> pl.DataFrame:
    return privacy.protect_long(
        table,
        count="Actual members",
        group_by=["Dimension"],
        total_public=False,
        row_derived=["Shortfall (expected - actual)", RATIO, POOLED_P, POOLED],
        group_derived=[],
        threshold=threshold,
    )


# --- Findings and charts -------------------------------------------------------------------------


def profile_finding(place: str, comparison: pl.DataFrame, dim: dv.Dimension) -> str:
    """A title that states the finding: the group furthest below its ward share, or that none is."""
    rows = comparison.filter((pl.col("dimension") == dim.key) & (pl.col("category") != v.NOT_STATED))
    if rows.is_empty() or rows["stated"][0] == 0:
        if dim.key == dv.WHITE.key:
            return f"{place}: no White member has given the detail of their ethnic group"
        return f"{place}: no member has stated their {dim.noun}"
    if rows["ward_share"].null_count() == rows.height:
        return f"{place}: no Census {dim.noun} figures for this ward"
    gaps = rows.with_columns((pl.col("ward_share") - pl.col("panel_share")).alias("_gap")).sort("_gap", descending=True)
    top = gaps.row(0, named=True)
    if top["_gap"] < 0.05:
        return f"{place}: the panel's {dim.noun} mix is within 5 points of the ward's for every group"
    who = _group_words(dim, top["category"])
    return f"{place}: {who} are {pct(top['ward_share'])} of the ward but {pct(top['panel_share'])} of the panel"


def _group_words(dim: dv.Dimension, category: str) -> str:
    if dim.key == dv.AGE.key:
        return f"people aged {category.replace('+', ' and over')}"
    if dim.key == dv.ETHNIC.key:
        return "people of other ethnic groups" if category == "Other" else f"{category} people"
    return f"{category} people"


def _layout(title: str, height: int, x_title: str, **extra) -> dict:
    # Figures are built from plain dicts: update_layout(**kwargs) costs ~3 ms a call (the warm rerun budget).
    return {
        "title": {"text": title},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
        "xaxis": {"title": {"text": x_title}},
        "yaxis": {"autorange": "reversed"},
        **extra,
    }


def profile_chart(comparison: pl.DataFrame, dim: dv.Dimension, title: str) -> go.Figure:
    """Grouped bars: the panel's share (of members who stated) beside the ward's, per group.

    The ward's bars are hatched as well as coloured, so the two read apart without colour.
    """
    rows = comparison.filter((pl.col("dimension") == dim.key) & (pl.col("category") != v.NOT_STATED))
    cats = rows["category"].to_list()
    panel = [None if x is None else x * 100 for x in rows["panel_share"].to_list()]
    ward = [None if x is None else x * 100 for x in rows["ward_share"].to_list()]
    bar = {"type": "bar", "orientation": "h", "y": cats}
    return go.Figure(
        {
            "data": [
                {**bar, "name": "Panel (members who stated)", "x": panel, "marker": {"color": PANEL_COLOUR},
                 "hovertemplate": "%{y}: %{x:.0f}% of panel<extra></extra>"},
                {**bar, "name": f"Ward ({dim.base})", "x": ward, "marker": {"color": WARD_COLOUR, "pattern": {"shape": "/"}},
                 "hovertemplate": "%{y}: %{x:.0f}% of ward<extra></extra>"},
            ],
            "layout": _layout(title, 120 + 45 * len(cats), "Share (%)", barmode="group", legend={"orientation": "h", "y": -0.25}),
        }
    )


def _members_words(dimension: str, category: str) -> str:
    if dimension == dv.AGE.key:
        return f"members aged {category.replace('+', ' and over')}"
    if dimension == dv.ETHNIC.key and category == "Other":
        return "members of other ethnic groups"
    return f"{category} members"


def rollup_finding(place: str, rollup: pl.DataFrame) -> str:
    """'London: panels have 564 fewer members aged 16-24 than their wards' profiles suggest (266 against 830
    expected; beyond chance)': the group furthest short, and its pooled test (``dv.rollup``)."""
    short = rollup.filter(pl.col("shortfall") >= 0.5)
    if short.is_empty():
        return f"{place}: no group is short of members compared with the wards' profiles"
    top = short.row(0, named=True)
    chance = "beyond chance" if top["beyond_chance"] else "could be chance"
    return (
        f"{place}: panels have {top['shortfall']:,.0f} fewer {_members_words(top['dimension'], top['category'])} "
        f"than their wards' profiles suggest ({top['actual']:,} against {top['expected']:,.0f} expected; {chance})"
    )


def differing_finding(place: str, av: AreaView) -> str:
    """'London: 3 of 608 panels differ from their ward beyond chance, after correcting for 1,824 tests'."""
    if not av.tested:
        return f"{place}: no panel has enough stated membership and Census data to test against its ward"
    panels = "panel differs" if av.differing == 1 else "panels differ"
    return (
        f"{place}: {av.differing:,} of {av.tested:,} {panels} from their ward beyond chance, after correcting for "
        f"{av.tests.height:,} tests (false-discovery rate {dv.LEVEL:.0%})"
    )


def chance_finding(av: AreaView) -> str:
    """'A panel of the same size drawn at random from its ward's residents would score 24 on average (not
    0: ...); the gap here is 2 points beyond chance.' Both are means over the area's panels."""
    excess = av.gap_excess
    how = "no wider than chance would give" if excess < 0.5 else f"{excess:.0f} points beyond chance"
    return (
        f"A panel of the same size drawn at random from its ward's residents would score {av.chance_gap:.0f} on average "
        f"(not 0: a small panel rarely mirrors its ward exactly); the gap here is {how}."
    )


def chance_sentence(tests: pl.DataFrame, dim: dv.Dimension) -> str:
    """One panel's test on one dimension, in words, e.g. 'Taken as a whole: index 42; a panel of 12 drawn
    at random from the ward's residents scores 24 on average, and scores 42 or more 1.2% of the time.
    Beyond chance (after correcting for the 3 tests here).'"""
    rows = tests.filter(pl.col("dimension") == dim.key)
    if rows.is_empty():
        return "Taken as a whole: not tested (no stated data, or no Census figures for this ward)."
    r = rows.row(0, named=True)
    verdict = "Beyond chance" if r["beyond_chance"] else "Could be chance"
    return (
        f"Taken as a whole: index {r['index']:.0f}; a panel of {r['stated']} drawn at random from the ward's residents "
        f"scores {r['chance_index']:.0f} on average, and {r['index']:.0f} or more {_chance(r['p_value'])} of the time. "
        f"{verdict} (after correcting for the {tests.height} tests here)."
    )


def _chance(p: float) -> str:
    return "under 0.1%" if p < 0.001 else f"{p:.1%}"


def rollup_chart(rollup: pl.DataFrame, title: str, *, top: int = 8) -> go.Figure:
    """Bars of the shortfall (expected - actual members) for the groups furthest below."""
    rows = rollup.head(top)
    labels = [f"{c} ({d.lower()})" for c, d in zip(rows["category"], rows["dimension_label"])]
    return go.Figure(
        {
            "data": [
                {"type": "bar", "orientation": "h", "y": labels, "x": rows["shortfall"].to_list(), "marker": {"color": PANEL_COLOUR},
                 "hovertemplate": "%{y}: %{x:.0f} members short<extra></extra>"}
            ],
            "layout": _layout(title, 120 + 40 * len(labels), "Members short of the wards' profiles (expected - actual)"),
        }
    )


# --- One area's tables, built once per (day, area) and cached by dashboard/app/state.py ---------------


class AreaView:
    """Everything the page shows for one area on one day, ready to render."""

    def __init__(self, d: dv.Diversity, wards: pl.DataFrame, met_codes: list[str]):
        self.comparison = in_wards(d.comparison, met_codes)
        # Each panel's tests, corrected across this area's panels: the area decides the correction.
        self.tests = dv.beyond_chance(in_wards(d.tests, met_codes))
        findings = dv.panel_findings(self.tests)
        self.panels = (
            in_wards(d.panels, met_codes)
            .join(findings, on="ward_code", how="left")
            .with_columns(pl.col("differs").fill_null(False), pl.col("differs_in").fill_null(""))
        )
        self.tested = findings.height
        self.ethnic_stated, self.members = dv.completeness(self.comparison, dv.ETHNIC.key)
        self.age_stated, _ = dv.completeness(self.comparison, dv.AGE.key)
        self.gap = self.panels["gap"].mean() if self.panels.height else None
        self.chance_gap = self.panels["chance_gap"].mean() if self.panels.height else None
        self.gap_excess = self.panels["gap_excess"].mean() if self.panels.height else None
        self.differing = int(self.panels["differs"].sum())
        self.rollup = dv.rollup(self.comparison)
        self.rollup_table = rollup_table(self.rollup)
        self.panels_table = panels_table(self.panels, wards)
        self.borough_table = borough_table(self.panels, wards)
        self.sector_totals = sector_totals(self.panels)
        self.sector_table = sector_table(self.panels, wards)
        self.no_resident = int(self.panels["no_resident"].sum())
        self.no_business = int(self.panels["no_business"].sum())
        self.councillor_led = int(self.panels["councillor_led"].sum())
        # Not reviewed in the 12 months to the day, including never (or only later) reviewed.
        self.stale = int((self.panels["months_since_review"].fill_null(999) >= 12).sum())


def area_view(d: dv.Diversity, wards: pl.DataFrame, area: Area) -> AreaView:
    """The tables of an area's Met wards on the day ``d`` was built for."""
    return AreaView(d, wards, areas.met_wards_in(wards, area)["ward_code"].to_list())
