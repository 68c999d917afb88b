"""The borough map: metrics a user can colour wards by, and the pydeck spec. No st.*.

Adding a measure is one entry in ``METRICS`` (or ``register(name, MapMetric(...))`` from another
module): a function from ``MapInputs`` to a frame of ward_code, value, label.

No request leaves the machine: the base map is the blank local style in ``static/map_style.json``
served by Streamlit's static serving, and boundaries travel inside the spec. Tooltips use
deck.gl's *text* tooltip (set with innerText), so text from data is never parsed as HTML.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import polars as pl
import pydeck as pdk

from dashboard.domain import areas
from dashboard.domain import status_style as s
from dashboard.domain import vocabulary as v
from dashboard.domain.areas import Area
from dashboard.domain.periods import months_before
from dashboard.figures.expressions import achieved

MAP_STYLE_URL = "/app/static/map_style.json"  # static/map_style.json, served by Streamlit (config.toml)
LONDON_VIEW = {"latitude": 51.49, "longitude": -0.11, "zoom": 9.0}
MAP_WIDTH, MAP_HEIGHT = 900, 620  # pixels, for fitting an area's bounds
NO_DATA_RGB = [221, 221, 221, 200]
# Five steps of viridis: sequential and readable with the common colour blindnesses.
SEQUENTIAL = ("#440154", "#3B528B", "#21918C", "#5EC962", "#FDE725")


@dataclass(frozen=True)
class MapInputs:
    """What a map metric may use: the date, the ward statuses, and any table by name."""

    as_of: dt.date
    status: pl.DataFrame
    table: Callable[[str], pl.DataFrame]
    min_meetings: int = 4  # the rubric's minimum meetings in 12 months
    # The membership comparison for a day (dashboard.figures.diversity.build), when the caller holds it
    # already: state.py passes the one the diversity page caches, so it is not built twice.
    diversity: Callable[[dt.date], object] | None = None
    # The day's protected member counts (dashboard.figures.privacy.publish): when given, the diversity
    # gap is worked out from them only (a range where small counts are hidden), for roles not
    # allowed exact counts; when None, the exact figures.
    publication: Callable[[dt.date], object] | None = None


@dataclass(frozen=True)
class MapMetric:
    """One way to colour the wards. ``compute`` returns ward_code, value, label (label is shown)."""

    title: str
    compute: Callable[[MapInputs], pl.DataFrame]
    kind: str = "number"  # "status": value is a status word | "number": value is a float
    # For numbers: class lower bounds (first must be -inf) and their legend words, low to high.
    bins: tuple[tuple[float, str], ...] = ()
    explain: str = ""
    palette: tuple[str, ...] = field(default=SEQUENTIAL)
    # (values of the Met wards shown, area name, inputs) -> a title that states the finding
    finding: Callable[[pl.DataFrame, str, MapInputs], str] | None = None
    member_derived: bool = False  # worked out from member counts: shown and downloaded through disclosure control

    def title_for(self, values: pl.DataFrame, area_name: str, inputs: MapInputs) -> str:
        if self.finding is not None:
            return self.finding(values, area_name, inputs)
        known = values["value"].drop_nulls()
        if known.is_empty():
            return f"{area_name}: no ward has data for {self.title.lower()}"
        return f"{area_name}: the median ward scores {known.median():.1f} on {self.title.lower()} ({known.len():,} wards with data)"


def _status_metric(inputs: MapInputs) -> pl.DataFrame:
    return inputs.status.select("ward_code", pl.col("status").alias("value"), pl.col("status").alias("label"))


def _meetings_metric(inputs: MapInputs) -> pl.DataFrame:
    """Meetings of the current panel in the 12 months to the date; no panel -> no data."""
    has_panel = pl.col("status").is_in([s.FUNCTIONING, s.AT_RISK, s.NOT_FUNCTIONING])
    n = pl.col("meetings_12m")
    return inputs.status.select(
        "ward_code",
        pl.when(has_panel).then(n.cast(pl.Float64)).alias("value"),
        pl.when(has_panel)
        .then(pl.format("{} {} in the last 12 months", n, pl.when(n == 1).then(pl.lit("meeting")).otherwise(pl.lit("meetings"))))
        .otherwise(pl.lit("No panel"))
        .alias("label"),
    )


def promise_completion_12m(promises: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Per ward: promises closed in the 12 months to ``as_of``, the share achieved.

    Withdrawn promises count as closed, as on the Overview. Example: 3 closed (2 achieved,
    1 withdrawn) -> completion 0.667, label "67% of 3 closed".
    """
    start = months_before(as_of, 12)
    return (
        promises.filter((pl.col("status") != v.PROMISE_OPEN) & (pl.col("closed_on") > start) & (pl.col("closed_on") <= as_of))
        .group_by("ward_code")
        .agg(pl.len().alias("closed"), achieved().sum().alias("achieved"))
        .with_columns((pl.col("achieved") / pl.col("closed")).alias("completion"))
    )


def _status_finding(values: pl.DataFrame, area_name: str, inputs: MapInputs) -> str:
    from dashboard.figures.coverage import coverage_finding, totals

    return coverage_finding(area_name, totals(inputs.status, values["ward_code"].to_list()))


def _meetings_finding(values: pl.DataFrame, area_name: str, inputs: MapInputs) -> str:
    known = values["value"].drop_nulls()
    if known.is_empty():
        return f"{area_name}: no ward has a panel"
    few = int((known < inputs.min_meetings).sum())
    return f"{area_name}: {few:,} of {known.len():,} panels met fewer than {inputs.min_meetings} times in the last 12 months"


def _completion_finding(values: pl.DataFrame, area_name: str, inputs: MapInputs) -> str:
    known = values["value"].drop_nulls()
    if known.is_empty():
        return f"{area_name}: no ward closed a promise in the last 12 months"
    return (f"{area_name}: the typical ward achieved {known.median():.0f}% of the promises it closed in the last 12 months "
            f"({known.len():,} wards closed at least one)")


def _completion_metric(inputs: MapInputs) -> pl.DataFrame:
    done = promise_completion_12m(inputs.table("promises"), inputs.as_of)
    return (
        inputs.status.select("ward_code")
        .join(done, on="ward_code", how="left")
        .select(
            "ward_code",
            (pl.col("completion") * 100).alias("value"),
            pl.when(pl.col("closed").is_null())
            .then(pl.lit("No promises closed in the last 12 months"))
            .otherwise(pl.format("{}% of {} closed promises achieved", (pl.col("completion") * 100).round(0).cast(pl.Int64), "closed"))
            .alias("label"),
        )
    )


def _diversity(inputs: MapInputs):
    from dashboard.figures import diversity

    if inputs.diversity is not None:
        return inputs.diversity(inputs.as_of)
    return diversity.build(inputs.table("members"), inputs.table("panels"), inputs.table("ward_population"), inputs.as_of)


def _diversity_metric(inputs: MapInputs) -> pl.DataFrame:
    """Each ward's panel's diversity gap beyond chance; no open panel -> no data. With a publication
    (a viewer's map), the gap beyond chance is worked out from the published counts only."""
    from dashboard.figures import diversity, diversity_view

    if inputs.publication is not None:
        gap = diversity_view.gap_labels(_diversity(inputs), inputs.publication(inputs.as_of))
    else:
        gap = diversity.gap_labels(_diversity(inputs))
    return (
        inputs.status.select("ward_code", "status")
        .join(gap, on="ward_code", how="left")
        .select("ward_code", pl.col("value").round(0),  # whole numbers, as the label shows them
                pl.when(pl.col("status") == s.NO_PANEL).then(pl.lit("No panel")).otherwise(pl.col("label")).alias("label"))
    )


DIVERSITY_WIDE = 15  # a gap this far or more beyond chance is called wide in the map's finding


def _diversity_finding(values: pl.DataFrame, area_name: str, inputs: MapInputs) -> str:
    known = values.filter(pl.col("value").is_not_null())
    if known.is_empty():
        return f"{area_name}: no panel has enough stated membership data for a diversity gap"
    wide = int((known["value"] >= DIVERSITY_WIDE).sum())
    if inputs.publication is not None:  # a viewer's map: the published ranges' middles only, never the exact gaps
        return (f"{area_name}: the typical panel's diversity gap is about {known['value'].median():.0f} beyond what a panel "
                f"of its size drawn at random from its ward would score; {wide:,} of {known.height:,} panels are "
                f"{DIVERSITY_WIDE} or more beyond chance")
    panels = _diversity(inputs).panels.filter(pl.col("ward_code").is_in(known["ward_code"].implode()))
    return (f"{area_name}: the typical panel's diversity gap is {panels['gap'].median():.0f} of 100, against "
            f"{panels['chance_gap'].median():.0f} for a panel of its size drawn at random from its ward; {wide:,} of "
            f"{known.height:,} panels are {DIVERSITY_WIDE} or more beyond chance")


METRICS: dict[str, MapMetric] = {
    "Panel status": MapMetric(
        "Panel status", _status_metric, kind="status",
        explain="Each ward's panel status on the date, by the functioning rubric.",
        finding=_status_finding,
    ),
    "Meetings in the last 12 months": MapMetric(
        "Meetings in the last 12 months", _meetings_metric,
        bins=((-math.inf, "none"), (1, "1 to 2"), (3, "3"), (4, "4 to 5"), (6, "6 or more")),
        explain="Meetings held by the ward's current panel in the 12 months to the date.",
        finding=_meetings_finding,
    ),
    "Promise completion": MapMetric(
        "Promise completion", _completion_metric,
        bins=((-math.inf, "under 40%"), (40, "40% to 54%"), (55, "55% to 69%"), (70, "70% to 84%"), (85, "85% or more")),
        explain="Of the promises closed in the 12 months to the date, the share achieved (withdrawn ones count as closed).",
        finding=_completion_finding,
    ),
    "Diversity gap beyond chance": MapMetric(
        "Diversity gap beyond chance", _diversity_metric,
        bins=((-math.inf, "under 5: no wider than a random panel of its size from its ward"), (5, "5 to 14 beyond chance"),
              (15, "15 to 24 beyond chance"), (25, "25 to 34 beyond chance"), (35, "35 or more beyond chance")),
        explain=("How far the panel's members are from the ward's Census 2021 profile (the index of dissimilarity, 0 to 100, "
                 "the mean of ethnic group, age and sex), less what a panel of the same size drawn at random from the ward's "
                 "residents scores on average. A random panel does not score 0: at panel sizes of 6 to 16 it scores "
                 "about 15 to 30, more for smaller panels. Members active on the date."),
        finding=_diversity_finding,
        member_derived=True,
    ),
}


def _alignment_metric(inputs: MapInputs) -> pl.DataFrame:
    """How far each ward's promises cover what its residents raised most (12 months)."""
    from dashboard.figures import alignment

    wards = inputs.table("wards").filter(pl.col("police_force") == "Metropolitan Police Service")
    return alignment.coverage_12m(inputs.table("concerns"), inputs.table("promises"), wards, inputs.as_of)


def _alignment_finding(values: pl.DataFrame, area_name: str, inputs: MapInputs) -> str:
    known = values["value"].drop_nulls()
    if known.is_empty():
        return f"{area_name}: no ward both recorded concerns and set promises in the last 12 months"
    ignoring = int(values["label"].str.contains("top concern not promised").sum())
    return (f"{area_name}: {ignoring:,} of {known.len():,} wards' promises left out their residents' top concern "
            f"in the last 12 months (typical ward covered {known.median():.0f}% of what residents raised most)")


METRICS["Promises follow concerns"] = MapMetric(
    "Promises follow concerns", _alignment_metric,
    bins=((-math.inf, "under 25%"), (25, "25% to 49%"), (50, "50% to 74%"), (75, "75% to 99%"), (100, "all of it")),
    explain=("Of the weight of the concerns each ward's residents raised most (its top three categories, concerns of the "
             "12 months and the six before them), the share covered by a promise set in the 12 months. "
             "Only concerns accepted by the board count."),
    finding=_alignment_finding,
)


def register(name: str, metric: MapMetric) -> None:
    """Add a measure to the map's choices (e.g. the diversity gap)."""
    METRICS[name] = metric


def _hex_rgb(hex_colour: str, alpha: int = 200) -> list[int]:
    h = hex_colour.lstrip("#")
    return [int(h[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def legend(metric: MapMetric) -> pl.DataFrame:
    """The legend as a table (colour, symbol or class, meaning), so it reads without colour."""
    if metric.kind == "status":
        return pl.DataFrame(
            {
                "colour": [s.STYLES[k].hex for k in s.ALL_STATUSES],
                "key": [f"{s.STYLES[k].icon} {s.STYLES[k].letter}" for k in s.ALL_STATUSES],
                "meaning": [f"{k}: {s.STYLES[k].meaning}" for k in s.ALL_STATUSES],
            }
        )
    return pl.DataFrame(
        {
            "colour": [*metric.palette[: len(metric.bins)], "#DDDDDD"],
            "key": [str(i + 1) for i in range(len(metric.bins))] + ["–"],
            "meaning": [w for _, w in metric.bins] + ["No data (no panel, nothing to measure, or City of London)"],
        }
    )


def ward_values(metric: MapMetric, inputs: MapInputs) -> pl.DataFrame:
    """ward_code, value, label, fill ([r, g, b, a]), key (letter or class number) for every ward."""
    values = metric.compute(inputs).join(inputs.status.select("ward_code", "status"), on="ward_code", how="right")
    if metric.kind == "status":
        colours = {k: s.rgb(k) for k in s.ALL_STATUSES}
        return values.with_columns(
            pl.col("value").replace_strict(colours, default=NO_DATA_RGB, return_dtype=pl.List(pl.Int64)).alias("fill"),
            pl.col("value").replace_strict({k: s.STYLES[k].letter for k in s.ALL_STATUSES}, default="–").alias("key"),
            pl.col("label").fill_null("No data"),
        )
    lows = [b for b, _ in metric.bins][1:]
    # Class number: 1 + how many lower bounds the value reaches (null stays null: no data).
    klass = (pl.sum_horizontal([(pl.col("value") >= low).cast(pl.Int32) for low in lows]) + 1).cast(pl.String)
    klass = pl.when(pl.col("value").is_null()).then(None).otherwise(klass)
    colours = {str(i + 1): _hex_rgb(c) for i, c in enumerate(metric.palette[: len(metric.bins)])}
    city = pl.col("status") == s.CITY
    return values.with_columns(
        pl.when(city).then(None).otherwise(pl.col("value")).alias("value"),
    ).with_columns(
        klass.replace_strict(colours, default=NO_DATA_RGB, return_dtype=pl.List(pl.Int64)).alias("fill"),
        klass.fill_null("–").alias("key"),
        pl.when(city).then(pl.lit(s.CITY)).otherwise(pl.col("label").fill_null("No data")).alias("label"),
    )


class Boundaries(NamedTuple):
    """Ward polygons by ward code and the borough outlines, read once by the caller (the app's
    state reads ``data_access.reference``'s GeoJSON; figures never read files)."""

    wards: dict[str, dict]
    boroughs: tuple[dict, ...]


def boundaries(ward_geojson: dict, borough_geojson: dict) -> Boundaries:
    """Boundaries from the two GeoJSON FeatureCollections (ONS ward and borough boundaries)."""
    return Boundaries(
        wards={f["properties"]["ward_code"]: f["geometry"] for f in ward_geojson["features"]},
        boroughs=tuple(
            {"type": "Feature", "geometry": f["geometry"], "properties": {"borough_name": f["properties"]["lad_name"]}}
            for f in borough_geojson["features"]
        ),
    )


def _coords(geometry: dict):
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for poly in polys:
        for ring in poly:
            yield from ring


def fit_view(ward_codes: list[str], geoms: dict[str, dict]) -> dict:
    """Centre and zoom that fit these wards' polygons (``geoms``: Boundaries.wards) in the map (London's view if none)."""
    points = [pt for c in ward_codes if c in geoms for pt in _coords(geoms[c])]
    if not points:
        return dict(LONDON_VIEW)
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    lon_span, lat_span = max(max(lons) - min(lons), 1e-3), max(max(lats) - min(lats), 1e-3)
    mid_lat = (max(lats) + min(lats)) / 2
    zoom_lon = math.log2(360 * MAP_WIDTH / (512 * lon_span))  # deck.gl: the world is 512 px wide at zoom 0
    zoom_lat = math.log2(360 * MAP_HEIGHT * math.cos(math.radians(mid_lat)) / (512 * lat_span))
    return {"latitude": mid_lat, "longitude": (max(lons) + min(lons)) / 2, "zoom": round(min(zoom_lon, zoom_lat, 14) - 0.15, 2)}


TOOLTIP_STYLE = {"whiteSpace": "pre-line", "maxWidth": "420px", "fontSize": "13px", "backgroundColor": "#1a1a1a", "color": "#ffffff"}


def tooltip(metric_title: str) -> dict:
    """deck.gl text tooltip; {name}s are filled from each ward's properties (never parsed as HTML).

    The ward's panel status is always said once: the status map adds no line of its own."""
    title = metric_title.replace("{", "(").replace("}", ")")
    measure = "" if METRICS.get(metric_title) is not None and METRICS[metric_title].kind == "status" else f"\n{title}: {{label}}"
    return {"text": f"{{ward_name}} ({{borough_name}})\nStatus: {{status}}\n{{reasons}}{measure}", "style": TOOLTIP_STYLE}


def deck_json(
    values: pl.DataFrame,
    wards: pl.DataFrame,
    *,
    metric_title: str,
    ward_codes: list[str],
    highlight: str | None = None,
    letters: bool = False,
    shapes: Boundaries,
) -> str:
    """The pydeck spec as JSON: the given wards coloured by ``values``, and every borough outline.

    ``values`` is ``ward_values`` joined to the statuses' reasons (ward_code, fill, label, key,
    status, reason_text). Built once per (metric, area, date) and cached by the caller:
    serialising ~700 polygons is the slow part of the page.
    """
    geoms = shapes.wards
    info = (
        values.join(wards.select("ward_code", "ward_name", "borough_name", "centroid_lon", "centroid_lat"), on="ward_code")
        .filter(pl.col("ward_code").is_in(ward_codes))
    )
    features, centres, chosen = [], [], []
    for row in info.iter_rows(named=True):
        geometry = geoms.get(row["ward_code"])
        if geometry is None:
            continue
        features.append({
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "ward_code": row["ward_code"],
                "ward_name": row["ward_name"],
                "borough_name": row["borough_name"],
                "status": row["status"],
                "reasons": row["reason_text"] or "No problems found",
                "label": row["label"],
                "fill": row["fill"],
            },
        })
        if row["ward_code"] == highlight:
            chosen.append({"type": "Feature", "geometry": geometry, "properties": {}})
        if letters and row["centroid_lon"] is not None:
            centres.append({"position": [row["centroid_lon"], row["centroid_lat"]], "text": row["key"]})
    data = {
        "wards": {"type": "FeatureCollection", "features": features},
        "boroughs": {"type": "FeatureCollection", "features": list(shapes.boroughs)},
        "letters": centres,
        "chosen": {"type": "FeatureCollection", "features": chosen},
    }
    # pydeck describes the layers, but with empty data: its to_json indents every coordinate
    # (1.6 MB for London). The data goes in afterwards, written compactly (a fifth of that).
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            [],
            id="wards",
            pickable=True,
            stroked=True,
            filled=True,
            get_fill_color="properties.fill",
            get_line_color=[255, 255, 255, 160],
            get_line_width=1,
            auto_highlight=True,
            highlight_color=[0, 0, 0, 60],
        ),
        pdk.Layer(
            "GeoJsonLayer",
            [],
            id="boroughs",
            pickable=False,
            stroked=True,
            filled=False,
            get_line_color=[30, 30, 30, 230],
            get_line_width=2,
        ),
    ]
    if chosen:
        layers.append(pdk.Layer("GeoJsonLayer", [], id="chosen", pickable=False, stroked=True, filled=False,
                                get_line_color=[0, 0, 0, 255], get_line_width=4))
    if centres:
        layers.append(pdk.Layer("TextLayer", [], id="letters", get_position="position", get_text="text",
                                get_size=14, get_color=[0, 0, 0, 255],
                                pickable=False))
    deck = pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(**fit_view(ward_codes, geoms)),
        map_style=MAP_STYLE_URL,
        tooltip=tooltip(metric_title),
    )
    spec = json.loads(deck.to_json())
    for layer in spec["layers"]:
        layer["data"] = data[layer["id"]]
        # Set here, not through pydeck, which would turn the word into an expression ("@@=pixels").
        if layer["@@type"] == "GeoJsonLayer":
            layer["lineWidthUnits"] = "pixels"
        if layer["@@type"] == "TextLayer":
            layer["fontWeight"] = "bold"
    return json.dumps(spec, separators=(",", ":"), ensure_ascii=False)


def map_view(metric_name: str, inputs: MapInputs, wards: pl.DataFrame, area: Area, *, highlight: str | None,
             shapes: Boundaries) -> tuple[str, pl.DataFrame, str]:
    """(deck JSON, values of the wards shown, a title stating the finding) for a metric and an area.

    ``inputs.status`` is every ward's status on ``inputs.as_of``; a ward is shown within its
    borough, so pass the borough as ``area`` and the ward as ``highlight``.
    """
    ward_codes = areas.wards_in(wards, area)["ward_code"].to_list()
    chosen = METRICS[metric_name]
    values = ward_values(chosen, inputs).join(inputs.status.select("ward_code", "reason_text"), on="ward_code")
    # Letters on the wards (status shown without colour) only when zoomed in: at London scale
    # 700 labels would hide the map.
    letters = chosen.kind == "status" and area.level in ("borough", "ward")
    spec = deck_json(values, wards, metric_title=chosen.title, ward_codes=ward_codes, highlight=highlight, letters=letters,
                     shapes=shapes)
    shown = values.filter(pl.col("ward_code").is_in(ward_codes))
    return spec, shown, chosen.title_for(shown.filter(pl.col("status") != s.CITY), area.name, inputs)


class PreparedDeck:
    """What st.pydeck_chart needs from a Deck, with the JSON made beforehand.

    st.pydeck_chart calls ``to_json()`` on every rerun, and a London-wide Deck takes far longer
    to serialise than the 50 ms a warm rerun may take; the JSON string is cached instead.
    """

    def __init__(self, spec: str, tooltip: dict) -> None:
        self._spec = spec
        self._tooltip = tooltip
        self.layers: list = []  # nothing for Streamlit's pandas workaround to convert

    def to_json(self) -> str:
        return self._spec
