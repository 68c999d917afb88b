"""The board briefing pack: what goes in it, as plain data.

``build_pack`` gathers, for one borough and period, a list of sections; each section states
its finding in a sentence and carries the tables behind it (and optionally a chart or the ward
map). ``dashboard.figures.pdf`` and ``dashboard.figures.excel`` render any pack, so a section added here appears
in the PDF, the workbook and on the page alike, with the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from dashboard.domain import areas
from dashboard.domain import vocabulary as v
from dashboard.domain.areas import Area
from dashboard.domain.formatting import pct, uk_date
from dashboard.domain.periods import Period
from dashboard.domain.status_style import CITY
from dashboard.figures.metrics import Figures
from dashboard.figures.overview import comparison_table


@dataclass(frozen=True)
class Table:
    name: str  # the sheet name in the workbook (31 characters at most)
    frame: pl.DataFrame
    note: str = ""
    pdf_rows: int | None = None  # print only the first rows of a long list; the workbook has them all
    percent: tuple[str, ...] = ()  # columns of percentages (0 to 100): printed "66%", never a fraction


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
    """Everything a pack needs, already read: frames as data_access.queries returns them.

    ``status`` is every ward's status on the period's last day (functioning.ward_status), for the
    map and the remedy plans; ``views(builder, **options)`` is the view a page draws with that
    builder for the pack's borough and period (the app passes its cached ones, so the pack and the
    pages cannot disagree). Without them the pack has only its headline and survey sections.
    """

    wards: pl.DataFrame
    tables: dict[str, pl.DataFrame]
    figures: Callable[[Area, Period], Figures]
    ward_features: list[dict] = field(default_factory=list)
    status: pl.DataFrame | None = None
    views: Callable[..., Any] | None = None


def headline_section(borough: Area, period: Period, figures: Callable[[Area, Period], Figures]) -> Section:
    now, before, london = figures(borough, period), figures(borough, period.previous()), figures(areas.LONDON, period)
    table = comparison_table(now, before, london, area_name=borough.name, period=period)
    if now.wards == 0:
        finding = f"{borough.name} has no wards policed by the Met, so there are no ward panel figures."
    else:
        finding = (
            f"{now.with_panel} of {now.wards} wards ({pct(now.panel_share)}) had a panel on {uk_date(period.end)}, "
            f"against {pct(london.panel_share)} across London; "
            + (f"{pct(now.completion)} of the {now.closed} promises closed in the period were achieved "
               f"(London {pct(london.completion)})." if now.closed else "no promise was closed in the period.")
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
    """Membership diversity gaps, as they may leave the app: the pack is a file, so its figures,
    tables and sentences all come from the view's published twin (``view.safe``)."""
    safe = view.safe
    if view.panels.is_empty():
        return Section("diversity", "Membership diversity", f"No panel in {borough.name} had members recorded on {uk_date(period.end)}.")
    if safe.problem:
        return Section("diversity", "Membership diversity",
                       f"{borough.name}: the membership figures cannot be shown without revealing small counts, so they are left out.")
    return Section(
        "diversity",
        "Membership diversity",
        safe.rollup_finding(borough.name) + ".",
        paragraphs=(
            f"Members active on {uk_date(period.end)} against each ward's Census 2021 profile (ethnic group: residents "
            "of all ages, children included, as no adults-only figure by ward is published; age: residents aged 16 and "
            f"over; sex: residents of all ages). {safe.stated_caption()} "
            "Diversity gap: index of dissimilarity, 0 (panel mirrors ward) to 100. A panel drawn at random from its "
            f"ward's residents does not score 0: at these panel sizes it would score {safe.chance_gap_text()} on average, "
            "so each panel's gap is set beside a random panel's of its own size and panels are listed by the difference "
            "(gap beyond chance). Counts of 1 to 4 are shown as \"fewer than 5\" (or \"withheld\"), figures that would "
            "reveal them are withheld, and a gap that would is given as the range the shown counts leave.",
            f"{safe.differing_finding(borough.name)}; {safe.no_resident} have no "
            f"resident member; {safe.councillor_led} are led by a councillor; {safe.stale} have not reviewed "
            "their membership in the last 12 months.",
        ),
        tables=(
            Table("Groups against ward profiles", safe.rollup_table),
            Table("Panel diversity", safe.panels_table.drop("Borough")),
        ),
    )


def board_section(borough: Area, period: Period, view) -> Section:
    """The Safer Neighbourhood Board, as the Board page shows it for the borough (``view``: its
    dashboard.figures.board.BoardView): membership from the published counts only (``view.safe``),
    meetings, commanders and money as they are."""
    title = "Safer Neighbourhood Board"
    if not view.boroughs:
        return Section("board", title, f"{borough.name} has no Safer Neighbourhood Board in the Met's scheme.")
    safe = view.safe
    tables = [] if safe.problem else [Table("Board members by role", safe.role_table()),
                                      *(Table(f"Board by {dim.label.lower()}"[:31], safe.profile(dim)) for dim in view.dims)]
    membership = (f"{borough.name}: the board's membership cannot be shown without revealing small counts, so it is left out."
                  if safe.problem else
                  f"{safe.members_text} board members on {uk_date(period.end)}, against the borough's Census 2021 profile "
                  f"(each board tested against a board of its size drawn at random from its residents). {safe.differing_finding()}. "
                  "Counts of 1 to 4 are shown as \"fewer than 5\" (or \"withheld\"), and figures that would reveal them are withheld.")
    tables += [Table("Board meetings", view.meeting_list)]
    if view.commanders is not None:
        tables.append(Table("Borough Commanders", view.commanders))
    tables.append(Table("Board funding", view.funding_table, percent=("Spent (%)",)))
    return Section(
        "board",
        title,
        f"{safe.links_finding()}.",
        paragraphs=(membership, f"{view.meetings_finding()}.", f"{view.commanders_finding()}.", f"{view.funding_finding()}."),
        tables=tuple(tables),
    )


def _whole(value: float | None) -> str:
    return "no figure" if value is None else f"{value:.0f}"


def alignment_section(borough: Area, period: Period, view) -> Section:
    """Do the promises follow the community's concerns?: the finding, the borough's
    figures and every ward's top concerns beside the promises set."""
    from dashboard.figures import alignment as al

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
            Table("Alignment summary", alignment_summary(view.rollup), percent=("coverage %", "promises with no concern %")),
            Table("Alignment by ward", view.wards.drop("ward_code"), percent=("coverage %",)),
        ),
    )


def alignment_summary(rollup: pl.DataFrame) -> pl.DataFrame:
    """The alignment rollup as the pack prints it: its shares as whole percentages, like the ward
    table's coverage (0.657 -> 66), so no fraction stands beside a percentage."""
    return rollup.select(
        pl.col(rollup.columns[0]).alias("area"), "wards", pl.col("scored").alias("wards scored"),
        (pl.col("coverage") * 100).round(0).alias("coverage %"),
        pl.col("ignoring").alias("wards ignoring their top concern"),
        pl.col("promises_set").alias("promises set"),
        pl.col("unbacked_promises").alias("promises with no recorded concern"),
        (pl.col("unbacked_share") * 100).round(0).alias("promises with no concern %"),
        pl.col("no_concerns").alias("wards with no concern recorded"),
    )


def build_pack(
    borough_code: str,
    period: Period,
    inputs: PackInputs,
    *,
    produced_on: dt.date,
    is_sample: bool,
    sources: tuple[str, ...],
    batches: pl.DataFrame | None = None,
) -> Pack:
    """The pack for one borough: headline, map, the pages' sections in order, then the survey.

    ``batches`` is the import history (data_access.queries.import_batches): the cover gives the
    date of the last real import (the sample's load when there is none).
    """
    borough = areas.resolve(inputs.wards, bcu=None, borough=borough_code, ward=None)
    if borough.level != "borough":
        raise ValueError(f"unknown borough code {borough_code!r}")
    bcu = inputs.wards.filter(pl.col("borough_code") == borough_code)["bcu"][0]
    sections = [headline_section(borough, period, inputs.figures)]
    if inputs.status is not None:
        codes = areas.wards_in(inputs.wards, borough)["ward_code"].implode()
        status = dict(inputs.status.filter(pl.col("ward_code").is_in(codes)).select("ward_code", "status").iter_rows())
        legend = [item for item in status_legend() if item[0] in set(status.values()) or item[0] != CITY]
        sections.append(panel_map_section(borough, period, inputs, status, legend))
    if inputs.views is not None:
        sections.extend(pack_sections(borough, period, inputs))
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
        last_import=last_import(batches) if batches is not None else None,
    )


def last_import(batches: pl.DataFrame) -> dt.date | None:
    """The day of the last real import (an upload or the command line), else of the last load."""
    real = batches.filter(pl.col("kind").is_in(["upload", "cli"]))
    last = (real if real.height else batches)["imported_at"].max()
    return last.date() if last else None


def pack_sections(borough: Area, period: Period, inputs: PackInputs) -> tuple[Section, ...]:
    """The pack's sections after the map, from the same views the pages draw."""
    from dashboard.domain import periods
    from dashboard.domain import status_style as s
    from dashboard.figures import alignment, board, coverage, diversity_view, engagement_views
    from dashboard.figures import meetings as mt
    from dashboard.figures import promises as pr

    view = inputs.views
    sections = []
    met = areas.met_wards_in(inputs.wards, borough)
    if met.height:
        plans = coverage.remedy_table(
            inputs.status.filter(pl.col("ward_code").is_in(met["ward_code"].implode())), inputs.wards, inputs.tables["remedy_plans"],
            as_of=period.end, statuses=(s.NO_PANEL, s.NOT_FUNCTIONING),
        )
        sections.append(attention_section(borough, period, plans))
    sections.append(diversity_section(borough, period, view(diversity_view.area_view)))
    sections.append(board_section(borough, period, view(board.board_view)))
    if engagement_views.has_met_wards(inputs.wards, borough):
        first = periods.shift_quarters(period.end, -7)
        minimum, review_days = mt.DEFAULT_MINIMUM, pr.DEFAULT_REVIEW_DAYS
        meetings = view(engagement_views.meetings_view, first=first, last=period.end, minimum=minimum)
        promises = view(engagement_views.promises_view, first=first, review_days=review_days)
        outcomes = view(engagement_views.outcomes_view, measure=v.PAS_MEASURES[0], outcome="completion", first=first)
        sections += [
            meetings_section(borough, period, meetings, minimum),
            promises_section(borough, period, promises, review_days),
            feedback_section(borough, period, promises),
            # Whether the promises follow what the community said.
            alignment_section(borough, period, view(alignment.alignment_view)),
            outcomes_section(borough, period, outcomes),
        ]
    return tuple(sections)


# --- sections from the coverage and meetings/promises/outcomes pages ---
# Each takes the same view object the page draws, so the pack and the page cannot disagree.

def status_legend() -> list[tuple[str, str, str]]:
    """(word, letter, colour) of every panel status, as the Panel coverage page shows them."""
    from dashboard.domain import status_style as s

    return [(word, s.STYLES[word].letter, s.STYLES[word].hex) for word in s.ALL_STATUSES]


def lettered(status: str) -> str:
    """'NF Not functioning': the status with its letter, readable in black and white (no symbol
    font is needed in the PDF)."""
    from dashboard.domain import status_style as s

    return f"{s.STYLES[status].letter} {status}" if status in s.STYLES else status


def attention_section(borough: Area, period: Period, plans: pl.DataFrame) -> Section:
    """Wards with no panel or a panel not functioning, their reasons and remedy plans: plans past
    due first, then wards with no plan, then plans not yet due."""
    from dashboard.domain import status_style as s
    from dashboard.figures import coverage as cov

    if plans.is_empty():
        return Section(
            "attention", "Wards needing a remedy plan",
            f"On {uk_date(period.end)} every Met ward in {borough.name} had a panel that was functioning or at risk: "
            "no remedy plan is needed.",
        )
    order = {cov.PAST_DUE: 0, cov.NO_PLAN: 1, cov.NOT_YET_DUE: 2, cov.NOT_REQUIRED: 3}
    rows = plans.sort(pl.col("plan_state").replace_strict(order, return_dtype=pl.Int8), "due_on", "ward_name", nulls_last=True)
    n = lambda col, value: rows.filter(pl.col(col) == value).height  # noqa: E731
    none, not_working = n("status", s.NO_PANEL), n("status", s.NOT_FUNCTIONING)
    past, no_plan = n("plan_state", cov.PAST_DUE), n("plan_state", cov.NO_PLAN)
    finding = (
        f"On {uk_date(period.end)}, {none} ward{'s' if none != 1 else ''} had no panel and {not_working} had a panel "
        f"that was not functioning; {past} remedy plan{'s were' if past != 1 else ' was'} past due and "
        f"{no_plan} ward{'s' if no_plan != 1 else ''} had no plan at all."
    )
    no_plan = pl.col("plan_state") == cov.NO_PLAN
    table = rows.select(
        pl.col("plan_state").alias("plan"), pl.col("ward_name").alias("ward"),
        pl.col("status").map_elements(lettered, return_dtype=pl.String).alias("status"),
        # A ward with no plan says so where the plan would be, not "none" three times.
        "reasons", pl.when(no_plan).then(pl.lit(cov.NO_PLAN)).otherwise(pl.col("action")).alias("action"),
        "owner", pl.col("due_on").alias("due"),
    )
    return Section(
        "attention", "Wards needing a remedy plan", finding,
        paragraphs=("A board should ask the Met what is planned for every ward here. Plans past due come first, then "
                    "wards with no plan. Status letters: NP no panel, NF not functioning.",),
        tables=(Table("Remedy plans", table),),
    )


def meetings_section(borough: Area, period: Period, view, minimum: int) -> Section:
    """Meetings: the borough's habits beside the previous period and London, and wards below the
    quarterly minimum (the Meetings page's figures)."""
    from dashboard.figures import meetings as mt
    from dashboard.figures.compare import comparison

    below = view.below.select(
        pl.col("ward_name").alias("ward"), pl.col("meetings").alias("meetings in period"),
        pl.col("quarters_below").alias("quarters below minimum"), pl.col("fewest_in_a_quarter").alias("fewest in a quarter"),
    )
    return Section(
        "meetings", "Meetings below the minimum", view.below_title + ".",
        paragraphs=(f"The minimum is {minimum} meeting{'s' if minimum != 1 else ''} a quarter. A ward with no panel "
                    "holds no meetings, so it is listed too.", view.shares_title + "."),
        tables=(
            Table("Meetings below minimum", below),
            Table("Meetings", comparison(mt.SUMMARY_ROWS, view.now, view.before, view.london, area_name=borough.name, period=period)),
        ),
    )


def promises_section(borough: Area, period: Period, view, review_days: int) -> Section:
    """Open promises past review, by who chose them (panel, borough, centre), and the list."""
    from dashboard.domain import vocabulary as voc
    from dashboard.figures import promises as pr
    from dashboard.figures.compare import comparison

    late = view.overdue
    counts = dict(late.group_by("origin").len().iter_rows())
    by_origin = pl.DataFrame(
        {"chosen by": [ORIGIN_WORDS[o] for o in voc.PROMISE_ORIGINS],
         "promises past review": [counts.get(o, 0) for o in voc.PROMISE_ORIGINS]},
        schema={"chosen by": pl.String, "promises past review": pl.Int64},
    )
    parts = "; ".join(f"{counts[o]} {ORIGIN_FINDING[o]}" for o in voc.PROMISE_ORIGINS if counts.get(o))
    finding = (
        f"{late.height} open promise{'s were' if late.height != 1 else ' was'} past review on {uk_date(period.end)}"
        + (f": {parts}." if parts else ".")
    )
    listed = late.select(
        pl.col("ward_name").alias("ward"), "promise_ref", "category",
        pl.col("origin").replace_strict(ORIGIN_WORDS, default=pl.col("origin")).alias("chosen by"),
        pl.col("set_on").alias("set"), pl.col("days_open").alias("days open"),
    )
    return Section(
        "promises", "Promises open past review", finding,
        paragraphs=(f"A promise is past review when it is still open more than {review_days} days after it was set. "
                    "Promises chosen by the panel compete for police time with those set by the borough or centrally.",
                    view.summary_title + "."),
        tables=(
            Table("Past review by origin", by_origin),
            Table("Promises past review", listed, pdf_rows=PDF_LIST_ROWS),
            Table("Promises", comparison(pr.summary_rows(view.feedback_days), view.now, view.before, view.london, area_name=borough.name, period=period)),
        ),
    )


ORIGIN_WORDS = {"panel": "the panel", "borough": "the borough", "central": "the centre"}
ORIGIN_FINDING = {"panel": "chosen by the panel", "borough": "set by the borough", "central": "set centrally"}
PDF_LIST_ROWS = 30  # a printed list longer than this is cut, oldest first kept; the workbook has every row


def feedback_section(borough: Area, period: Period, view) -> Section:
    """"You said, we did": how many closed promises were fed back to residents, and how soon."""
    return Section(
        "feedback", "\u201cYou said, we did\u201d", view.lags_title + ".",
        paragraphs=(f"The rate counts the promises closed in the period at least {view.feedback_days} days before its end, and "
                    f"calls one told if residents were told the outcome within {view.feedback_days} days of its closing, so a "
                    "recent period is not understated. The table shows every promise closed in the period by the days from "
                    "closing to the outcome being published, as known on the period's last day. Feedback published on or "
                    "before the day a promise closed counts as told.",),
        tables=(Table("You said we did", view.lags),),
    )


def outcomes_section(borough: Area, period: Period, view) -> Section:
    """Engagement outputs beside outcomes (the Engagement outcomes page's summary)."""
    from dashboard.figures import outcomes as oc
    from dashboard.figures.compare import comparison

    return Section(
        "outcomes", "Engagement: outputs beside outcomes", view.outputs_title + ".",
        paragraphs=("Outputs are what was done (activities, people reached); outcomes are what came of it (promises "
                    "achieved, residents told). MOPAC reviews engagement by its outcomes.",),
        tables=(
            Table("Outputs and outcomes", comparison(oc.summary_rows(view.feedback_days), view.now, view.before, view.london,
                                                     area_name=borough.name, period=period)),
            Table("Activities by kind", view.kinds),
        ),
    )
