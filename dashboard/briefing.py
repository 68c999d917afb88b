"""The board briefing pack: what goes in it, as plain data (issue #8).

``build_pack`` gathers, for one borough and period, a list of sections; each section states
its finding in a sentence and carries the tables behind it (and optionally a chart or the ward
map). ``dashboard.pdf`` and ``dashboard.excel`` render any pack, so a section added here appears
in the PDF, the workbook and on the page alike, with the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from dashboard import areas, vocabulary as v
from dashboard.areas import Area
from dashboard.formatting import pct, uk_date
from dashboard.metrics import Figures
from dashboard.overview import comparison_table
from dashboard.periods import Period


@dataclass(frozen=True)
class Table:
    name: str  # the sheet name in the workbook (31 characters at most)
    frame: pl.DataFrame
    note: str = ""


@dataclass(frozen=True)
class Bars:
    """A bar chart: one bar per category, for each series (drawn offline by the PDF renderer)."""

    title: str
    categories: list[str]
    series: dict[str, list[float | None]]
    unit: str = "%"


@dataclass(frozen=True)
class WardMap:
    """Ward polygons coloured (and lettered) by a status, for the borough's wards."""

    title: str
    features: list[dict]  # GeoJSON features with properties ward_code, ward_name
    status: dict[str, str]  # ward_code -> status word
    legend: list[tuple[str, str, str]]  # (status word, letter, hex colour)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    finding: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    chart: Bars | None = None
    ward_map: WardMap | None = None


@dataclass(frozen=True)
class Pack:
    borough_code: str
    borough_name: str
    bcu: str | None
    period: Period
    produced_on: dt.date
    is_sample: bool
    sections: tuple[Section, ...]
    sources: tuple[str, ...]
    last_import: dt.date | None = None

    @property
    def title(self) -> str:
        return f"{self.borough_name}: ward panel briefing, {self.period.label}"

    def file_stem(self) -> str:
        return f"ward-panel-briefing_{self.borough_name.lower().replace(' ', '-')}_{self.period.end.isoformat()}"


@dataclass
class PackInputs:
    """Everything a pack needs, already read: frames as data_access.queries returns them."""

    wards: pl.DataFrame
    tables: dict[str, pl.DataFrame]
    figures: Callable[[Area, Period], Figures]
    ward_features: list[dict] = field(default_factory=list)


def headline_section(borough: Area, period: Period, figures: Callable[[Area, Period], Figures]) -> Section:
    now, before, london = figures(borough, period), figures(borough, period.previous()), figures(areas.LONDON, period)
    table = comparison_table(now, before, london, area_name=borough.name, period=period)
    if now.wards == 0:
        finding = f"{borough.name} has no wards policed by the Met, so there are no ward panel figures."
    else:
        finding = (
            f"{now.with_panel} of {now.wards} wards ({pct(now.panel_share)}) had a panel on {uk_date(period.end)}, "
            f"against {pct(london.panel_share)} across London; {pct(now.completion)} of the {now.closed} promises "
            f"closed in the period were achieved (London {pct(london.completion)})."
        )
    return Section(
        "headline",
        "Headline figures",
        finding,
        paragraphs=("Each figure beside the previous period and London as a whole. Percentages are of the "
                    "figure named; survey figures are MOPAC's Public Attitude Survey.",),
        tables=(Table("Headline figures", table),),
    )


def panel_map_section(borough: Area, period: Period, inputs: PackInputs, status: dict[str, str], legend) -> Section:
    codes = set(areas.wards_in(inputs.wards, borough)["ward_code"])
    features = [f for f in inputs.ward_features if f["properties"]["ward_code"] in codes]
    counts = pl.DataFrame({"status": list(status.values())}).group_by("status").len().sort("status") if status else None
    finding = (
        ". ".join(f"{word}: {n} ward{'s' if n != 1 else ''}" for word, n in counts.iter_rows())
        if counts is not None and counts.height
        else "No wards to show"
    )
    return Section(
        "map",
        "Wards by panel status",
        f"On {uk_date(period.end)}. {finding}.",
        ward_map=WardMap(f"{borough.name}: wards by panel status, {uk_date(period.end)}", features, status, legend),
    )


def confidence_section(borough: Area, period: Period, confidence: pl.DataFrame) -> Section:
    """The survey measures at the latest quarter in the period, borough beside London."""
    rows = confidence.filter(
        pl.col("borough_code").is_in([borough.code, v.LONDON_CODE]) & (pl.col("quarter_end") <= period.end)
    )
    if rows.is_empty() or rows.filter(pl.col("borough_code") == borough.code).is_empty():
        return Section(
            "survey",
            "Public Attitude Survey",
            f"There are no Public Attitude Survey figures for {borough.name} up to {uk_date(period.end)}"
            + (" (the survey does not cover the City of London)." if borough.code == v.CITY_OF_LONDON_CODE else "."),
        )
    latest = rows.filter(pl.col("borough_code") == borough.code)["quarter_end"].max()
    at = rows.filter(pl.col("quarter_end") == latest)
    wide = (
        at.pivot(on="borough_code", index="measure", values="value_pct")
        .rename({borough.code: borough.name, v.LONDON_CODE: "London"}, strict=False)
        .with_columns(pl.col("measure").replace_strict(v.PAS_MEASURE_LABELS, default=pl.col("measure")).alias("measure"))
        .sort("measure")
    )
    if "London" not in wide.columns:
        wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias("London"))
    wide = wide.select("measure", borough.name, "London")
    gaps = wide.with_columns((pl.col(borough.name) - pl.col("London")).alias("gap")).drop_nulls("gap")
    if gaps.height:
        worst = gaps.sort("gap").row(0, named=True)
        finding = (
            f"In the 12 months to {uk_date(latest)}, {borough.name} was furthest below London on "
            f"“{worst['measure'].lower()}” ({worst[borough.name]:.0f}% against {worst['London']:.0f}%)."
            if worst["gap"] < 0
            else f"In the 12 months to {uk_date(latest)}, {borough.name} was at or above London on every measure."
        )
    else:
        finding = f"Survey figures for the 12 months to {uk_date(latest)}."
    return Section(
        "survey",
        "Public Attitude Survey",
        finding,
        paragraphs=(
            "Share of residents agreeing, MOPAC Public Attitude Survey (rolling 12 months). The release gives no "
            "survey base; differences of a few points are within survey noise.",
        ),
        tables=(Table("Public Attitude Survey", wide),),
        chart=Bars(
            f"{borough.name} beside London, 12 months to {uk_date(latest)}",
            wide["measure"].to_list(),
            {borough.name: wide[borough.name].to_list(), "London": wide["London"].to_list()},
        ),
    )


def diversity_section(borough: Area, period: Period, view) -> Section:
    """Membership diversity gaps (issue #5), through disclosure control: the pack leaves the app."""
    from dashboard import diversity_view as dvv

    if view.panels.is_empty():
        return Section("diversity", "Membership diversity", f"No panel in {borough.name} had members recorded on {uk_date(period.end)}.")
    stated = pct(view.ethnic_stated / view.members) if view.members else "no data"
    return Section(
        "diversity",
        "Membership diversity",
        dvv.rollup_finding(borough.name, view.rollup) + ".",
        paragraphs=(
            f"Members active on {uk_date(period.end)} against each ward's Census 2021 profile (ethnic group: all "
            f"usual residents; age: residents aged 16 and over). Ethnic group stated for {stated} of members. "
            "Diversity gap: index of dissimilarity, 0 (panel mirrors ward) to 100. Counts of 1 to 4 are shown as "
            "\"fewer than 5\" and figures that would reveal them are withheld.",
            f"{view.flagged} panels have a group under-represented beyond chance; {view.no_resident} have no "
            f"resident member; {view.councillor_led} are led by a councillor; {view.stale} have not reviewed "
            "their membership in the last 12 months.",
        ),
        tables=(
            Table("Groups under-represented", dvv.rollup_export(view.rollup_table)),
            Table("Panel diversity", dvv.panels_export(view.panels_table.drop("Borough"))),
        ),
    )


def alignment_section(borough: Area, period: Period, view) -> Section:
    """Do the promises follow the community's concerns? (issue #11): the finding, the borough's
    figures and every ward's top concerns beside the promises set."""
    from dashboard import alignment as al

    return Section(
        "alignment",
        "Promises and community concerns",
        view.finding + ".",
        paragraphs=(
            "Concerns accepted by the board from the period and the six months before it, weighted by how many people "
            f"raised them. Each ward's top concerns are its {al.TOP_N} heaviest categories (ties kept); coverage is the "
            "share of that weight in a category the panel promised in the period. A ward with no concern recorded is "
            "not scored. Concerns residents sent online count only once a board member accepted them.",
        ),
        tables=(
            Table("Alignment summary", view.rollup),
            Table("Alignment by ward", view.wards.drop("ward_code")),
        ),
    )


def build_pack(
    borough_code: str,
    period: Period,
    inputs: PackInputs,
    *,
    produced_on: dt.date,
    is_sample: bool,
    sources: tuple[str, ...],
    last_import: dt.date | None,
    status: dict[str, str] | None = None,
    legend: list[tuple[str, str, str]] | None = None,
    extra: tuple[Section, ...] = (),
) -> Pack:
    """The pack for one borough: headline, map, ``extra`` sections in order, then the survey."""
    borough = areas.resolve(inputs.wards, bcu=None, borough=borough_code, ward=None)
    if borough.level != "borough":
        raise ValueError(f"unknown borough code {borough_code!r}")
    bcu = inputs.wards.filter(pl.col("borough_code") == borough_code)["bcu"][0]
    sections = [headline_section(borough, period, inputs.figures)]
    if status is not None:
        sections.append(panel_map_section(borough, period, inputs, status, legend or []))
    sections.extend(extra)
    sections.append(confidence_section(borough, period, inputs.tables["confidence"]))
    return Pack(
        borough_code=borough_code,
        borough_name=borough.name,
        bcu=bcu,
        period=period,
        produced_on=produced_on,
        is_sample=is_sample,
        sections=tuple(sections),
        sources=sources,
        last_import=last_import,
    )


# Until the functioning rubric (issue #4) lands in the pack, the map shows whether a panel exists.
PRESENCE_LEGEND = [("Has a panel", "P", "#56B4E9"), ("No panel", "N", "#E69F00"), ("Not Met", "C", "#DDDDDD")]


def panel_presence(wards: pl.DataFrame, panels: pl.DataFrame, day: dt.date) -> dict[str, str]:
    """ward_code -> 'Has a panel' | 'No panel' | 'Not Met' on ``day``."""
    from dashboard.expressions import open_on

    open_wards = set(panels.filter(open_on(day, start="established_on", end="closed_on"))["ward_code"])
    return {
        code: ("Not Met" if force != areas.MET else "Has a panel" if code in open_wards else "No panel")
        for code, force in wards.select("ward_code", "police_force").iter_rows()
    }
