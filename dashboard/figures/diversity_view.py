"""Tables, sentences and charts for the Membership and diversity page and the pack. No st.* calls.

Everything comes in two forms with the same names: ``AreaView`` (exact counts, for the screen of a
role allowed them) and its ``safe`` twin (``SafeAreaView``), built from the day's
``dashboard.figures.privacy.Publication`` only: counts as published ("fewer than 5", "withheld"),
and every share, ratio, verdict, index and sentence worked out from shown counts alone, so it
gives away nothing the counts do not. Every download, the pack and the screen of any other role
use the safe one.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.domain import areas
from dashboard.domain import vocabulary as v
from dashboard.domain.areas import Area
from dashboard.domain.formatting import count, pct, uk_date
from dashboard.figures import diversity as dv
from dashboard.figures import groups, privacy
from dashboard.figures.expressions import in_wards
from dashboard.figures.privacy import WITHHELD

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
ACTUAL = "Actual members"
SHORTFALL = "Shortfall (expected - actual)"
GAP = "Diversity gap (0-100)"
DIFFERS = "Differs from ward beyond chance"
EXCESS = "Diversity gap beyond chance"
CHANCE = "Diversity gap of a random panel of its size"
DIFFERING = "Panels differing from their ward beyond chance"
POOLED_P = "Chance of a difference this large (p)"
POOLED = "Beyond chance (after correction)"
INDEX_COLUMNS = {dv.ETHNIC.key: "Ethnic group index", dv.AGE.key: "Age index", "sex": "Sex index"}


def _pct_col(name: str, alias: str) -> pl.Expr:
    return (pl.col(name) * 100).round(1).alias(alias)


# --- Exact tables (the screen of a role allowed exact counts) -----------------------------------


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
        pl.col("gap").round(0).alias(GAP),
        pl.col("chance_gap").round(0).alias(CHANCE),
        *[pl.col(f"{key}_index").round(0).alias(name) if f"{key}_index" in t.columns else pl.lit(None).alias(name)
          for key, name in INDEX_COLUMNS.items() if key != "sex" or "sex_index" in t.columns],
        pl.when(pl.col("differs")).then(pl.lit("Yes: ") + pl.col("differs_in")).otherwise(pl.lit("No")).alias(DIFFERS),
        _yes("no_resident", "No resident member"),
        _yes("no_business", "No business member"),
        _yes("councillor_led", "Councillor-led"),
        pl.col("months_since_review").alias("Months since membership review"),
        pl.col("review_note").fill_null("").alias("Review note"),
    ]
    return t.sort("gap_excess", "ward_name", descending=[True, False], nulls_last=True).select(cols)


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
    return t.sort("ward_name", "ward_code").select(
        pl.col("ward_name").alias("Ward"),
        *[pl.col(s).alias(s.capitalize()) for s in dv.SECTOR_COLUMNS],
        pl.col("panel_size").alias(MEMBERS),
    )


def sector_totals(panels: pl.DataFrame) -> pl.DataFrame:
    """Members by sector across the panels given, with each sector's share of all members."""
    total = int(panels["panel_size"].sum()) if panels.height else 0
    rows = [(s.capitalize(), int(panels[s].sum()) if panels.height else 0) for s in dv.SECTOR_COLUMNS]
    return pl.DataFrame(rows, schema={"Sector": pl.String, MEMBERS: pl.Int64}, orient="row").with_columns(
        (pl.col(MEMBERS) / total * 100).round(1).alias("Share of members (%)") if total else pl.lit(None, dtype=pl.Float64).alias("Share of members (%)")
    )


def ward_sectors(panels: pl.DataFrame, ward_code: str) -> pl.DataFrame:
    """One panel's members by sector on the day (sectors with members only): sector, members."""
    row = panels.filter(pl.col("ward_code") == ward_code)
    if row.is_empty():
        return pl.DataFrame(schema={"sector": pl.String, "members": pl.Int64})
    r = row.row(0, named=True)
    return pl.DataFrame([(s, r[s]) for s in dv.SECTOR_COLUMNS if r[s]], schema={"sector": pl.String, "members": pl.Int64}, orient="row").sort(
        "members", "sector", descending=[True, False])


def rollup_table(rollup: pl.DataFrame) -> pl.DataFrame:
    return rollup.select(
        pl.col("dimension_label").alias("Dimension"),
        pl.col("category").alias("Group"),
        pl.col("panels").cast(pl.Int64).alias("Panels compared"),
        pl.col("actual").cast(pl.Int64).alias(ACTUAL),
        pl.col("expected").round(1).alias(EXPECTED),
        pl.col("shortfall").round(1).alias(SHORTFALL),
        pl.col("ratio").round(2).alias(RATIO),
        pl.col("p_value").map_elements(_p_words, return_dtype=pl.String).alias(POOLED_P),
        pl.when(pl.col("beyond_chance")).then(pl.lit("Yes")).otherwise(pl.lit("No")).alias(POOLED),
    )


def _p_words(p: float) -> str:
    return "under 0.001" if p < 0.001 else f"{p:.3f}"


# --- Findings and charts -------------------------------------------------------------------------


def profile_finding(place: str, comparison: pl.DataFrame, dim: dv.Dimension, *, body: str = "panel", whole: str = "ward") -> str:
    """A title that states the finding: the group furthest below its ward share, or that none is.
    ``body`` and ``whole``: what is compared with what (a board with its borough: "board", "borough")."""
    rows = comparison.filter((pl.col("dimension") == dim.key) & (pl.col("category") != v.NOT_STATED))
    if rows.is_empty() or rows["stated"][0] == 0:
        if dim.key == dv.WHITE.key:
            return f"{place}: no White member has given the detail of their ethnic group"
        return f"{place}: no member has stated their {dim.noun}"
    if rows["ward_share"].null_count() == rows.height:
        return f"{place}: no Census {dim.noun} figures for this {whole}"
    gaps = rows.with_columns((pl.col("ward_share") - pl.col("panel_share")).alias("_gap")).sort("_gap", descending=True)
    top = gaps.row(0, named=True)
    if top["_gap"] < 0.05:
        return f"{place}: the {body}'s {dim.noun} mix is within 5 points of the {whole}'s for every group"
    who = _group_words(dim, top["category"])
    return f"{place}: {who} are {pct(top['ward_share'])} of the {whole} but {pct(top['panel_share'])} of the {body}"


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


def profile_chart(comparison: pl.DataFrame, dim: dv.Dimension, title: str, *, body: str = "Panel", whole: str = "Ward") -> go.Figure:
    """Grouped bars: the panel's share (of members who stated) beside the ward's, per group.

    The ward's bars are hatched as well as coloured, so the two read apart without colour. A
    panel share that is not shown (``panel_share`` null) has no bar.
    """
    rows = comparison.filter((pl.col("dimension") == dim.key) & (pl.col("category") != v.NOT_STATED))
    cats = rows["category"].to_list()
    panel = [None if x is None else x * 100 for x in rows["panel_share"].to_list()]
    ward = [None if x is None else x * 100 for x in rows["ward_share"].to_list()]
    bar = {"type": "bar", "orientation": "h", "y": cats}
    return go.Figure(
        {
            "data": [
                {**bar, "name": f"{body} (members who stated)", "x": panel, "marker": {"color": PANEL_COLOUR},
                 "hovertemplate": f"%{{y}}: %{{x:.0f}}% of {body.lower()}<extra></extra>"},
                {**bar, "name": f"{whole} ({dim.base})", "x": ward, "marker": {"color": WARD_COLOUR, "pattern": {"shape": "/"}},
                 "hovertemplate": f"%{{y}}: %{{x:.0f}}% of {whole.lower()}<extra></extra>"},
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
    expected; beyond chance)': the group furthest short, and its pooled test.

    ``rollup``: dimension, category, actual, expected, shortfall, beyond_chance, worst first
    (dv.rollup, or its published twin); rows whose shortfall is not shown (null) are passed over.
    """
    short = rollup.filter(pl.col("shortfall") >= 0.5)
    if short.is_empty():
        if rollup.filter(pl.col("shortfall").is_null()).height:
            return f"{place}: no shortfall that can be shown without revealing small counts"
        return f"{place}: no group is short of members compared with the wards' profiles"
    top = short.row(0, named=True)
    chance = {True: "; beyond chance", False: "; could be chance"}.get(top["beyond_chance"], "")
    return (
        f"{place}: panels have {top['shortfall']:,.0f} fewer {_members_words(top['dimension'], top['category'])} "
        f"than their wards' profiles suggest ({top['actual']:,} against {top['expected']:,.0f} expected{chance})"
    )


def differing_finding(place: str, differing: str, tested: int, tests: int) -> str:
    """'London: 3 of 608 panels differ from their ward beyond chance, after correcting for 1,824 tests'
    (``differing``: the count as it may be shown, or "withheld")."""
    if not tested:
        return f"{place}: no panel has enough stated membership and Census data to test against its ward"
    if differing == WITHHELD:
        return f"{place}: whether this panel differs from its ward beyond chance is withheld to protect small counts"
    panels = "panel differs" if differing == "1" else "panels differ"
    return (
        f"{place}: {differing} of {tested:,} {panels} from their ward beyond chance, after correcting for "
        f"{tests:,} tests (false-discovery rate {dv.LEVEL:.0%})"
    )


def chance_finding(chance_text: str, excess: tuple[float, float, bool] | None) -> str:
    """'A panel of the same size drawn at random from its ward's residents would score 24 on average (not
    0: ...); the gap here is 2 points beyond chance.' Both are means over the area's panels
    (``excess``: the range of the gap beyond chance, as ``_range`` takes it; None where withheld)."""
    if excess is None:
        return ("A panel of the same size drawn at random from its ward's residents would not score 0 (a small panel "
                "rarely mirrors its ward exactly); how far the gap here is beyond chance is withheld to protect small counts.")
    lo, hi, exact = excess
    how = "no wider than chance would give" if hi < 0.5 else f"{_range(lo, hi, exact)} points beyond chance"
    return (
        f"A panel of the same size drawn at random from its ward's residents would score {chance_text} on average "
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
    rows = rollup.drop_nulls("shortfall").head(top)
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


# --- Published twins: worked out from the publication's shown counts only ----------------------


def _num(x: float | None, digits: int) -> str | None:
    return None if x is None else f"{x:.{digits}f}"


def _range(lo: float | None, hi: float | None, exact: bool = False) -> str:
    """An index as published: the number where every count it comes from is shown (``exact``), else
    the range the shown counts leave ("about 60" where that range is under a point wide)."""
    if lo is None:
        return WITHHELD
    if exact:
        return f"{lo:.0f}"
    return f"about {lo:.0f}" if round(lo) == round(hi) else f"{lo:.0f} to {hi:.0f}"


def index_range(pub: privacy.Publication, ward: str, dim: dv.Dimension, shares: dict[str, float | None]) -> tuple[float, float, bool] | None:
    """The smallest and largest index of dissimilarity a panel could have, given its published counts.

    Each way of filling the hidden counts ("fewer than 5": 1 to 4; "withheld": any) that adds up
    to the panel's size gives an index (``dv.dissimilarity``: 50 x the sum of |panel share - ward
    share| over the groups, of members who stated); the range is that of all of them, so it says
    no more than the counts shown. (lowest, highest, whether every count is shown); None where the
    size is not shown or no filling has stated data.
    Example: a panel of 10 with White 6, Asian "fewer than 5", Black "fewer than 5", others 0, in a
    ward 60% White, 30% Asian, 10% Black: Asian + Black = 4, so (1, 3), (2, 2) or (3, 1), whose
    indices are 50 x (0.2 + 0.2) = 20, 10 and 0: "0 to 20".
    """
    node = ("ward", ward)
    size = pub.number(node, "size")
    if size is None or any(shares.get(c) is None for c in dim.categories):
        return None
    cats = [*dim.categories, v.NOT_STATED]
    fixed, hidden = {}, []
    for c in cats:
        n = pub.number(node, dim.key, c)
        if n is None:
            hidden.append((c, range(1, privacy.THRESHOLD) if pub.cell(node, dim.key, c) == privacy.FEWER else range(0, size + 1)))
        else:
            fixed[c] = n
    rest = size - sum(fixed.values())
    values = []
    for combo in _fillings([o for _, o in hidden], rest):
        n = {**fixed, **{c: x for (c, _), x in zip(hidden, combo)}}
        stated = sum(n[c] for c in dim.categories)
        if stated:
            values.append(50 * sum(abs(n[c] / stated - shares[c]) for c in dim.categories))
    return (min(values), max(values), not hidden) if values else None


def _fillings(options: list[range], total: int):
    """Every way to pick one value from each range so that they add up to ``total``."""
    if not options:
        if total == 0:
            yield ()
        return
    first, rest = options[0], options[1:]
    room = sum(o.stop - 1 for o in rest)
    low = sum(o.start for o in rest)
    for x in first:
        if low <= total - x <= room:
            for tail in _fillings(rest, total - x):
                yield (x, *tail)


def gap_ranges(d: dv.Diversity, pub: privacy.Publication, codes) -> dict[str, tuple[dict, tuple[float, float] | None]]:
    """Each panel's index ranges by dimension and its diversity gap's range (None where withheld)."""
    shares = {(r["ward_code"], r["dimension"], r["category"]): r["ward_share"]
              for r in d.comparison.filter(pl.col("ward_code").is_in(list(codes))).iter_rows(named=True)}
    combined = [dim for dim in d.dims if dim.in_combined]
    out = {}
    for w in codes:
        per = {dim.key: index_range(pub, w, dim, {c: shares.get((w, dim.key, c)) for c in dim.categories}) for dim in combined}
        if any(r is None for r in per.values()):
            out[w] = (per, None)
        else:
            n = len(per)
            out[w] = (per, (sum(r[0] for r in per.values()) / n, sum(r[1] for r in per.values()) / n, all(r[2] for r in per.values())))
    return out


def shown_stated(pub: privacy.Publication, node: tuple, dim: dv.Dimension) -> int | None:
    """Members who stated a dimension, where the shown counts give it: the stated groups', or the
    total less "Not stated" (the total is the size; for White detail, the White count)."""
    stated = pub.stated(node, dim.key, dim.categories)
    total = pub.number(node, *(("ethnic_group", "White") if dim.key == dv.WHITE.key else ("size", "")))
    not_stated = pub.number(node, dim.key, v.NOT_STATED)
    if stated is None and total is not None and not_stated is not None:
        return total - not_stated
    return stated


def _stated_between(pub: privacy.Publication, node: tuple, dim: dv.Dimension) -> tuple[int, int] | None:
    """The fewest and most members who may have stated a dimension, given the shown counts."""
    shown = shown_stated(pub, node, dim)
    if shown is not None:
        return shown, shown
    size = pub.number(node, "size")
    if size is None:
        return None
    not_stated = pub.cell(node, dim.key, v.NOT_STATED)
    if not_stated == privacy.FEWER:
        return max(size - privacy.THRESHOLD + 1, 1), max(size - 1, 1)
    return 1, max(size, 1)


def chance_gaps(d: dv.Diversity, pub: privacy.Publication, codes) -> dict[str, tuple[float, float, bool] | None]:
    """Each panel's gap of a random panel of its size (``dv.gap_beyond_chance``'s chance_gap) as the
    shown counts leave it: it depends only on how many stated each dimension and the ward's shares,
    so it is the number where those who stated are shown, else the range over how many may have
    (lowest, highest, exact); None where the size is withheld or the panel is not tested."""
    combined = [dim for dim in d.dims if dim.in_combined]
    tested = {(r[0], r[1]) for r in d.tests.filter(pl.col("ward_code").is_in(list(codes))).select("ward_code", "dimension").iter_rows()}
    shares = {(r["ward_code"], r["dimension"], r["category"]): r["ward_share"]
              for r in d.comparison.filter(pl.col("ward_code").is_in(list(codes))).iter_rows(named=True)}
    out = {}
    for w in codes:
        node, parts = ("ward", w), []
        for dim in combined:
            between = _stated_between(pub, node, dim) if (w, dim.key) in tested else None
            if between is None:
                break
            ward = [shares.get((w, dim.key, c)) or 0.0 for c in dim.categories]
            at = [dv.chance_index(n, ward, key=f"{w}/{dim.key}") for n in sorted(set(between))]
            parts.append((min(at), max(at), between[0] == between[1]))
        else:
            if parts:
                out[w] = (sum(p[0] for p in parts) / len(parts), sum(p[1] for p in parts) / len(parts), all(p[2] for p in parts))
                continue
        out[w] = None
    return out


def excess_range(gap: tuple[float, float, bool] | None, chance: tuple[float, float, bool] | None) -> tuple[float, float, bool] | None:
    """The range of a gap beyond chance (gap - chance gap) the shown counts leave; None where either is withheld."""
    if gap is None or chance is None:
        return None
    return gap[0] - chance[1], gap[1] - chance[0], gap[2] and chance[2]


def gap_labels(d: dv.Diversity, pub: privacy.Publication) -> pl.DataFrame:
    """dv.gap_labels from the published counts: (ward_code, value, label), the value the middle of the
    range of the gap beyond chance the shown counts leave. Example label: "Diversity gap 25 to 40 of
    100, a random panel of its size 24: 1 to 16 beyond chance (ethnic group 20 to 35, age 30 to 45)"."""
    codes = d.panels["ward_code"].to_list()
    chances = chance_gaps(d, pub, codes)
    rows = []
    for w, (per, gap) in gap_ranges(d, pub, codes).items():
        excess = excess_range(gap, chances[w])
        if excess is None:
            rows.append((w, None, "Diversity gap beyond chance: withheld, as it would reveal small counts"))
            continue
        detail = ", ".join(f"{dim.label.lower()} {_range(*per[dim.key])}" for dim in d.dims if dim.key in per)
        rows.append((w, round((excess[0] + excess[1]) / 2),
                     f"Diversity gap {_range(*gap)} of 100, a random panel of its size {_range(*chances[w])}: "
                     f"{_range(*excess)} beyond chance ({detail})"))
    return pl.DataFrame(rows, schema={"ward_code": pl.String, "value": pl.Float64, "label": pl.String}, orient="row")


def _mean_range(ranges: list) -> tuple[float, float, bool] | None:
    """The range of a mean of panels' gaps (None if any is withheld or there are none)."""
    if not ranges or any(r is None for r in ranges):
        return None
    return sum(r[0] for r in ranges) / len(ranges), sum(r[1] for r in ranges) / len(ranges), all(r[2] for r in ranges)


def published_profile(rows: pl.DataFrame, pub: privacy.Publication, dim: dv.Dimension) -> pl.DataFrame:
    """One panel's comparison on one dimension (``profile_table``) as it may leave the app: each count
    as published, and each share, expected figure, ratio and verdict only where the counts it comes
    from are shown (else "withheld")."""
    if rows.is_empty():
        return profile_table(rows).cast(pl.String)
    node = ("ward", rows["ward_code"][0])
    size, stated = pub.number(node, "size"), shown_stated(pub, node, dim)
    out = []
    for r in rows.iter_rows(named=True):
        n, ns = pub.number(node, dim.key, r["category"]), r["category"] == v.NOT_STATED
        both = n is not None and stated is not None and not ns
        out.append((
            r["dimension_label"], r["category"], pub.cell(node, dim.key, r["category"]),
            _num(r["share_of_members"] * 100, 1) if n is not None and size and r["share_of_members"] is not None else WITHHELD,
            None if ns else (_num(None if r["panel_share"] is None else r["panel_share"] * 100, 1) if both else WITHHELD),
            _num(None if r["ward_share"] is None else r["ward_share"] * 100, 1),
            None if ns else (_num(r["expected"], 1) if stated is not None else WITHHELD),
            None if ns else (_num(r["ratio"], 2) if both else WITHHELD),
            "" if ns else (r["flag"] or "" if both else WITHHELD),
        ))
    return pl.DataFrame(out, schema=[*profile_table(rows).columns], orient="row")


def shown_comparison(comparison: pl.DataFrame, pub: privacy.Publication, dims) -> pl.DataFrame:
    """The comparison with each panel share nulled where it is not shown (for the published chart)."""
    rows = []
    for r in comparison.iter_rows(named=True):
        node = ("ward", r["ward_code"])
        dim = next(d for d in dims if d.key == r["dimension"])
        shown = pub.number(node, r["dimension"], r["category"]) is not None and shown_stated(pub, node, dim) is not None
        rows.append({**r, "panel_share": r["panel_share"] if shown else None})
    return pl.DataFrame(rows, schema=comparison.schema)


class AreaView:
    """Everything the page shows for one area on one day, with exact counts, ready to render.

    ``safe`` is the same, as it may be shown to anyone and written out (``SafeAreaView``).
    """

    def __init__(self, d: dv.Diversity, wards: pl.DataFrame, met_codes: list[str], pub: privacy.Publication, node: tuple):
        self.dims, self.day = d.dims, d.day
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
        self.no_resident = count(int(self.panels["no_resident"].sum()))
        self.no_business = count(int(self.panels["no_business"].sum()))
        self.councillor_led = count(int(self.panels["councillor_led"].sum()))
        # Not reviewed in the 12 months to the day, including never (or only later) reviewed.
        self.stale = count(int((self.panels["months_since_review"].fill_null(999) >= 12).sum()))
        self.members_text = count(self.members)
        self.gap_text = "no data" if self.gap is None else f"{self.gap:.0f}"
        self.differing_text = count(self.differing)
        self.safe = SafeAreaView(self, d, wards, pub, node)

    def differing_finding(self, place: str) -> str:
        return differing_finding(place, self.differing_text, self.tested, self.tests.height)

    def chance_finding(self) -> str:
        if self.chance_gap is None or self.gap_excess is None:
            return chance_finding("", None)
        return chance_finding(f"{self.chance_gap:.0f}", (self.gap_excess, self.gap_excess, True))

    def chance_sentence(self, dim: dv.Dimension) -> str:
        return chance_sentence(self.tests, dim)

    def stated_caption(self) -> str:
        m = self.members
        return (f"Ethnic group stated for {pct(self.ethnic_stated / m if m else None)} of members ({count(self.ethnic_stated)} of {count(m)}); "
                f"age stated for {pct(self.age_stated / m if m else None)} ({count(self.age_stated)}).")

    def profile(self, dim: dv.Dimension) -> pl.DataFrame:
        return profile_table(self.comparison.filter(pl.col("dimension") == dim.key))

    def profile_title(self, place: str, dim: dv.Dimension) -> str:
        return profile_finding(place, self.comparison, dim)

    def profile_chart(self, dim: dv.Dimension, title: str) -> go.Figure:
        return profile_chart(self.comparison, dim, title)

    def rollup_finding(self, place: str) -> str:
        return rollup_finding(place, self.rollup)

    def rollup_chart(self, title: str) -> go.Figure:
        return rollup_chart(self.rollup, title)

    def ward_sectors(self, ward: str) -> pl.DataFrame:
        return ward_sectors(self.panels, ward)

    def expected_groups(self, ward_groups: pl.DataFrame, wards: pl.DataFrame) -> pl.DataFrame:
        """Each open panel's expected local groups, and whether it has a member from their sectors (exact counts)."""
        counts = {r["ward_code"]: r for r in self.panels.select("ward_code", *dv.SECTOR_COLUMNS).iter_rows(named=True)}
        return groups.expected_groups(ward_groups, list(counts), wards, lambda w, s: str(counts[w][s]))

    def panel_sentence(self, day) -> str:
        """'This panel of 12 has no business member; last reviewed its membership 3 months before ...'."""
        row = self.panels.row(0, named=True)
        notes = [text for flag, text in (("no_resident", "has no resident member"), ("no_business", "has no business member")) if row[flag]]
        return self._sentence(str(row["panel_size"]), notes, row, day)

    @staticmethod
    def _sentence(size: str, notes: list[str], row: dict, day) -> str:
        if row["councillor_led"]:
            notes.append("is led by a councillor")
        if row["months_since_review"] is not None:
            notes.append(f"last reviewed its membership {row['months_since_review']} months before {uk_date(day)}")
        else:
            notes.append(f"has no membership review recorded on or before {uk_date(day)} ({row['review_note']})")
        return f"This panel of {size} " + "; ".join(notes) + "."


class SafeAreaView:
    """An ``AreaView`` as it may leave the app: from the publication's shown counts only."""

    def __init__(self, exact: AreaView, d: dv.Diversity, wards: pl.DataFrame, pub: privacy.Publication, node: tuple):
        # What it needs of the exact view (not the view itself: the two are cached together and compared whole).
        self.pub, self.node, self.dims = pub, node, exact.dims
        self.comparison, self.exact_rollup = exact.comparison, exact.rollup
        self.columns = {"borough": exact.borough_table.columns, "totals": exact.sector_totals.columns, "sectors": exact.sector_table.columns}
        self.panels = exact.panels
        self.problem = pub.problem
        codes = self.panels["ward_code"].to_list()
        self.ranges = gap_ranges(exact, pub, codes)
        self.gap = _mean_range([g for _, g in self.ranges.values()])
        # A random panel's gap and the gap beyond it: from the shown numbers of those who stated.
        self.chances = chance_gaps(d, pub, codes)
        self.excess = {w: excess_range(self.ranges[w][1], self.chances[w]) for w in codes}
        self.chance_gap = _mean_range(list(self.chances.values()))
        self.gap_excess = _mean_range(list(self.excess.values()))
        self.members_text = pub.cell(node, "size")
        self.gap_text = "withheld" if self.gap is None else _range(*self.gap)
        self.rollup = self._rollup()
        self.rollup_table = rollup_table(self.rollup).with_columns(
            pl.Series(ACTUAL, self.rollup["_text"].to_list(), dtype=pl.String),
            *[pl.col(c).cast(pl.String).fill_null(WITHHELD) for c in (EXPECTED, SHORTFALL, RATIO, POOLED_P)],
            pl.when(pl.col(POOLED_P).is_null()).then(pl.lit(WITHHELD)).otherwise(pl.col(POOLED)).alias(POOLED),
        )
        self.panels_table = self._panels_table(wards)
        self.borough_table = self._borough_table(wards)
        self.sector_totals = self._sector_totals(node)
        self.sector_table = self._sector_table(wards)
        # Each panel's test result depends on every count of its groups (and, corrected, on the area's other
        # panels'): a panel's verdict is shown only where all its counts are; an area's count of panels as it is.
        self.tests, self.tested = exact.tests, exact.tested
        self.differing_text = exact.differing_text if node[0] != "ward" else (exact.differing_text if self._verdicts_shown(node[1]) else WITHHELD)
        self.no_resident, self.no_business = self._none_of("resident"), self._none_of("business")
        self.councillor_led, self.stale = exact.councillor_led, exact.stale

    # the shown counts
    def _stated(self, node: tuple, dim: dv.Dimension) -> int | None:
        return shown_stated(self.pub, node, dim)

    def _dimension_shown(self, ward: str, dim: dv.Dimension) -> bool:
        node = ("ward", ward)
        return all(self.pub.number(node, dim.key, c) is not None for c in [*dim.categories, v.NOT_STATED])

    def differing_finding(self, place: str) -> str:
        return differing_finding(place, self.differing_text, self.tested, self.tests.height)

    def chance_gap_text(self) -> str:
        """The mean gap of random panels of these sizes, as the shown counts leave it."""
        return WITHHELD if self.chance_gap is None else _range(*self.chance_gap)

    def chance_finding(self) -> str:
        return chance_finding(self.chance_gap_text(), self.gap_excess)

    def chance_sentence(self, dim: dv.Dimension) -> str:
        """One panel's test on one dimension, where every count of the dimension is shown; else withheld."""
        rows = self.tests.filter(pl.col("dimension") == dim.key)
        if rows.height and not self._dimension_shown(rows["ward_code"][0], dim):
            return "Taken as a whole: the test against chance is withheld, as it would reveal small counts."
        return chance_sentence(self.tests, dim)

    def _verdicts_shown(self, ward: str) -> bool:
        """A panel's verdicts depend on every group's count and on how many stated."""
        node = ("ward", ward)
        return all(self.pub.number(node, d.key, c) is not None for d in self.dims for c in d.categories)

    def stated_caption(self) -> str:
        size = self.pub.number(self.node, "size")
        parts = []
        for dim, start in ((dv.ETHNIC, "Ethnic group stated for"), (dv.AGE, "age stated for")):
            not_stated = self.pub.cell(self.node, dim.key, v.NOT_STATED)
            stated = self._stated(self.node, dim)
            if size is None:
                parts.append(f"{start} a number of members withheld to protect small counts")
            elif stated is not None:
                parts.append(f"{start} {pct(stated / size if size else None)} of {count(size)} members ({count(stated)})")
            elif not_stated == privacy.FEWER:
                parts.append(f"{start} all but fewer than 5 of the {count(size)} members")
            else:
                parts.append(f"{start} most of the {count(size)} members (the number is withheld)")
        return "; ".join(parts) + "."

    # one ward's profile
    def profile(self, dim: dv.Dimension) -> pl.DataFrame:
        return published_profile(self.comparison.filter(pl.col("dimension") == dim.key), self.pub, dim)

    def _shown_comparison(self) -> pl.DataFrame:
        return shown_comparison(self.comparison, self.pub, self.dims)

    def profile_title(self, place: str, dim: dv.Dimension) -> str:
        comp = self._shown_comparison()
        rows = comp.filter((pl.col("dimension") == dim.key) & (pl.col("category") != v.NOT_STATED))
        if rows.height and rows["panel_share"].null_count() and rows["stated"][0]:
            return f"{place}: the panel's {dim.noun} mix beside the ward's (some of the panel's shares are withheld to protect small counts)"
        return profile_finding(place, comp, dim)

    def profile_chart(self, dim: dv.Dimension, title: str) -> go.Figure:
        return profile_chart(self._shown_comparison(), dim, title)

    # the area's groups
    def _rollup(self) -> pl.DataFrame:
        """dv.rollup with each figure as the shown counts allow (null where not), worst shown shortfall first."""
        out = []
        for r in self.exact_rollup.iter_rows(named=True):
            # the published count is of every open panel; the roll-up's of those compared (with Census data)
            same = self.pub.values.get((self.node, r["dimension"], r["category"])) == r["actual"]
            text = self.pub.cell(self.node, r["dimension"], r["category"]) if same else WITHHELD
            actual = int(text) if text.isdigit() else None
            expected = round(r["expected"], 1) if self.pub.expected_shown(self.node, r["dimension"]) and r["expected"] is not None else None
            both = actual is not None and expected is not None
            out.append({**r, "actual": actual, "expected": expected, "_text": text,
                        "shortfall": round(expected - actual, 1) if both else None,
                        "ratio": round(actual / expected, 2) if both and expected > 0 else None,
                        # the pooled test compares the two: shown only beside them
                        "p_value": r["p_value"] if both else None, "q_value": r.get("q_value") if both else None,
                        "beyond_chance": r["beyond_chance"] if both else None})
        schema = {**self.exact_rollup.schema, "actual": pl.Int64, "expected": pl.Float64, "shortfall": pl.Float64, "ratio": pl.Float64, "_text": pl.String}
        frame = pl.DataFrame(out, schema=schema) if out else pl.DataFrame(schema=schema)
        return frame.sort(["shortfall", "dimension", "category"], descending=[True, False, False], nulls_last=True)

    def rollup_finding(self, place: str) -> str:
        return rollup_finding(place, self.rollup)

    def rollup_chart(self, title: str) -> go.Figure:
        return rollup_chart(self.rollup, title)

    # every panel
    def _panels_table(self, wards: pl.DataFrame) -> pl.DataFrame:
        exact = self.panels.join(wards.select("ward_code", "ward_name", "borough_name"), on="ward_code", how="left")
        rows = []
        for r in exact.iter_rows(named=True):
            w, node = r["ward_code"], ("ward", r["ward_code"])
            per, gap = self.ranges[w]
            excess, chance = self.excess[w], self.chances[w]
            row = {"Ward": r["ward_name"], "Borough": r["borough_name"], MEMBERS: self.pub.cell(node, "size"),
                   EXCESS: _range(*(excess or (None, None))), GAP: _range(*(gap or (None, None))),
                   CHANCE: _range(*(chance or (None, None)))}
            for key, name in INDEX_COLUMNS.items():
                if key in per:
                    row[name] = _range(*(per[key] or (None, None)))
                elif key != "sex":
                    row[name] = None
            row[DIFFERS] = (f"Yes: {r['differs_in']}" if r["differs"] else "No") if self._verdicts_shown(w) else WITHHELD
            for sector, name in (("resident", "No resident member"), ("business", "No business member")):
                text = self.pub.cell(node, "sector", sector)
                row[name] = "Yes" if text == "0" else (WITHHELD if text == WITHHELD else "No")
            row["Councillor-led"] = "Yes" if r["councillor_led"] else "No"
            row["Months since membership review"] = r["months_since_review"]
            row["Review note"] = r["review_note"] or ""
            row["_order"] = -(excess[0] + excess[1]) / 2 if excess else None
            rows.append(row)
        schema = {c: pl.String for c in panels_table(self.panels.head(0), wards).columns}
        schema.update({"Months since membership review": pl.Int64, "_order": pl.Float64})
        frame = pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
        return frame.sort("_order", "Ward", nulls_last=True).drop("_order")

    def _borough_table(self, wards: pl.DataFrame) -> pl.DataFrame:
        t = self.panels.join(wards.select("ward_code", "borough_name"), on="ward_code", how="left")
        rows = []
        for (borough,), part in t.group_by("borough_name", maintain_order=True):
            mean = _mean_range([self.ranges[w][1] for w in part["ward_code"]])
            chance = _mean_range([self.chances[w] for w in part["ward_code"]])
            excess = _mean_range([self.excess[w] for w in part["ward_code"]])
            rows.append((borough, part.height, _range(*(mean or (None, None))), _range(*(chance or (None, None))),
                         _range(*(excess or (None, None))), int(part["differs"].sum())))
        return pl.DataFrame(rows, schema=self.columns["borough"], orient="row").sort("Borough")

    # sectors
    def _sector_totals(self, node: tuple) -> pl.DataFrame:
        size = self.pub.number(node, "size")
        rows = []
        for s in dv.SECTOR_COLUMNS:
            n = self.pub.number(node, "sector", s)
            rows.append((s.capitalize(), self.pub.cell(node, "sector", s), _num(n / size * 100, 1) if n is not None and size else WITHHELD))
        return pl.DataFrame(rows, schema=self.columns["totals"], orient="row")

    def _sector_table(self, wards: pl.DataFrame) -> pl.DataFrame:
        t = self.panels.join(wards.select("ward_code", "ward_name"), on="ward_code", how="left").sort("ward_name", "ward_code")
        rows = []
        for name, ward in t.select("ward_name", "ward_code").iter_rows():
            node = ("ward", ward)
            rows.append((name, *[self.pub.cell(node, "sector", s) for s in dv.SECTOR_COLUMNS], self.pub.cell(node, "size")))
        return pl.DataFrame(rows, schema=self.columns["sectors"], orient="row")

    def _none_of(self, sector: str) -> str:
        """Panels with no member of a sector, from the shown counts: "at least" where some are withheld."""
        texts = [self.pub.cell(("ward", w), "sector", sector) for w in self.panels["ward_code"]]
        n = sum(t == "0" for t in texts)
        return f"at least {count(n)}" if WITHHELD in texts else count(n)

    def expected_groups(self, ward_groups: pl.DataFrame, wards: pl.DataFrame) -> pl.DataFrame:
        """Each open panel's expected local groups, and whether it has a member from their sectors, as
        the published counts leave it ("withheld" where the sector's count is)."""
        return groups.expected_groups(ward_groups, self.panels["ward_code"].to_list(), wards,
                                      lambda w, s: self.pub.cell(("ward", w), "sector", s))

    def ward_sectors(self, ward: str) -> pl.DataFrame:
        """One panel's members by sector as published: every sector not shown as 0."""
        node = ("ward", ward)
        rows = [(s, self.pub.cell(node, "sector", s)) for s in dv.SECTOR_COLUMNS if self.pub.cell(node, "sector", s) != "0"]
        return pl.DataFrame(rows, schema={"sector": pl.String, "members": pl.String}, orient="row")

    def panel_sentence(self, day) -> str:
        row = self.panels.row(0, named=True)
        node = ("ward", row["ward_code"])
        notes = [text for sector, text in (("resident", "has no resident member"), ("business", "has no business member"))
                 if self.pub.cell(node, "sector", sector) == "0"]
        size = self.pub.cell(node, "size")
        return AreaView._sentence(size if size.isdigit() else f"({size} members)", notes, row, day)


def area_view(d: dv.Diversity, wards: pl.DataFrame, area: Area, pub: privacy.Publication) -> AreaView:
    """The tables of an area's Met wards on the day ``d`` was built for (``pub``: that day's publication)."""
    return AreaView(d, wards, areas.met_wards_in(wards, area)["ward_code"].to_list(), pub, privacy.node_of(area))

