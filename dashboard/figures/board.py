"""The Safer Neighbourhood Board: its membership against its borough, its meetings with the
Borough Commander, the commanders' churn and its money. Pure polars; no Streamlit, no SQL.

Definitions (the page states each in plain words):

* **Board member on a day**: a ``board_members`` row that joined on or before the day and had
  not left (``left_on`` is the first day without them).
* **Board against its borough**: each board is compared with its borough's Census 2021 profile
  exactly as a panel with its ward (``dashboard.figures.diversity``): the borough's counts are
  the sums of its Met wards' (ethnic group: residents of all ages; age: residents 16 and over),
  members who stated set against the shares (``dv.compare``), the index of dissimilarity, the
  whole mix tested against a board of the same size drawn at random from the borough's
  residents (``dv.chance_tests``: exact multinomial), and the tests of every board in the area
  corrected together (Benjamini-Hochberg, ``dv.beyond_chance``).
* **Panel linked to the board**: a ward panel open on the day whose ward is the
  ``ward_represented`` of a board member on that day with the role "panel chair". The share is
  of the borough's open panels (Met wards).
* **Board meetings in the period**: held on a day inside it; the commander attended where
  ``commander_present``; an update was given where ``commander_update_given`` (by the commander
  or a deputy).
* **Commander in post on a day**: started on or before it and not yet ended (``ended_on`` is the
  first day without them). A **change** is a commander who started inside the period. A meeting
  counts for the commander in post on its day; they **attended** it where ``commander_present``.
* **Funding in the period**: the financial years (1 April to 31 March, ``year`` the April it
  starts) that overlap the period; **spent share** = spent / amount.

Member-derived figures (the board's size, its members by group and by role, every share, index,
test and the panels linked) leave the app only as the day's protection leaves them
(``dashboard.figures.privacy``): boards are protected London-wide as one family, each board a
leaf (its node is ("ward", borough code)) under its BCU, so ``BoardView.safe`` says no more than
the published counts. Meetings, commanders and money are not about members and are shown as they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

from dashboard.domain import areas
from dashboard.domain import vocabulary as v
from dashboard.domain.areas import Area
from dashboard.domain.formatting import count, pct, uk_date
from dashboard.domain.periods import Period
from dashboard.figures import diversity as dv
from dashboard.figures import diversity_view as dview
from dashboard.figures import privacy
from dashboard.figures.expressions import between, open_on
from dashboard.figures.privacy import WITHHELD

ROLES = v.BOARD_ROLES
# The panels' profile table, in the board's words (and so never read as a panel's).
BOARD_WORDS = {dview.MEMBERS: "Board members", dview.SHARE_ALL: "Share of all board members (%)",
               dview.SHARE_STATED: "Share of board members who stated (%)", dview.WARD_SHARE: "Borough share (%)"}
BOARD_TABLES = ("board_members", "board_meetings", "borough_commanders", "board_funding", "panels", "ward_population")
MEETING_COLOUR, PRESENT_COLOUR, SPENT_COLOUR = "#0072B2", "#009E73", "#D55E00"


# --- Membership against the borough ------------------------------------------------------------


def borough_profiles(population: pl.DataFrame, wards: pl.DataFrame) -> pl.DataFrame:
    """Each borough's Census counts as one unit: (ward_code = the borough's code, dimension, category, count),
    the sums of its Met wards' counts. Example: wards of 60 and 40 White residents -> the borough 100."""
    met = areas.met_wards(wards).select(pl.col("ward_code").cast(pl.String), pl.col("borough_code").cast(pl.String))
    return (
        population.with_columns(pl.col(c).cast(pl.String) for c in ("ward_code", "dimension", "category"))
        .join(met, on="ward_code")
        .group_by("borough_code", "dimension", "category")
        .agg(pl.col("count").sum())
        .select(pl.col("borough_code").alias("ward_code"), "dimension", "category", "count")
        .sort("ward_code", "dimension", "category")
    )


def on_board(members: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """Board members on ``day``, keyed by their board (``ward_code`` = the borough's code), as the
    panel figures key members by their panel. Joined 1 Jan 2023, left 31 Dec 2023: on the board
    on 30 December, not on 31 December."""
    return members.filter(open_on(day, start="joined_on", end="left_on")).with_columns(
        pl.col("borough_code").cast(pl.String).alias("ward_code"),
        *(pl.col(c).cast(pl.String) for c in ("role", "ethnic_group", "age_band", "sex") if c in members.columns),
    )


def build(members: pl.DataFrame, population: pl.DataFrame, wards: pl.DataFrame, day: dt.date) -> dv.Diversity:
    """Every Met borough's board on ``day`` against its borough (a ``dv.Diversity`` whose units are
    boards): the comparison, indices, tests against chance (not yet corrected: the area decides) and
    one row per board (``panels``): its size, members by role, its gap, a random board's and the index by dimension."""
    met_boroughs = areas.met_wards(wards)["borough_code"].cast(pl.String).unique().to_list()
    active = on_board(members, day).filter(pl.col("ward_code").is_in(met_boroughs))
    codes = sorted(active["ward_code"].unique().to_list())
    dims = dv.dimensions(population)
    profiles = borough_profiles(population, wards)
    comp = dv.compare(active, profiles, codes, dims)
    dis = dv.dissimilarity(comp)
    tests = dv.chance_tests(comp)
    gap = dv.gap_beyond_chance(dis, tests, dims)
    roles = pl.DataFrame({"ward_code": codes}, schema={"ward_code": pl.String}).join(
        active.group_by("ward_code", "role").len().pivot(on="role", index="ward_code", values="len"), on="ward_code", how="left"
    ) if codes else pl.DataFrame(schema={"ward_code": pl.String})
    roles = roles.with_columns(
        *(pl.col(r).fill_null(0).cast(pl.Int64) if r in roles.columns else pl.lit(0, dtype=pl.Int64).alias(r) for r in ROLES)
    ).select("ward_code", *ROLES).with_columns(pl.sum_horizontal(ROLES).alias("panel_size"))
    wide = dis.pivot(on="dimension", index="ward_code", values="index") if dis.height else pl.DataFrame(schema={"ward_code": pl.String})
    wide = wide.rename({d.key: f"{d.key}_index" for d in dims if d.key in wide.columns})
    boards = roles.join(gap, on="ward_code", how="left").join(wide, on="ward_code", how="left").sort("ward_code")
    return dv.Diversity(day, dims, comp, dis, boards, tests, dv.has_sex_table(population))


def places(wards: pl.DataFrame) -> pl.DataFrame:
    """The boards as the disclosure family's leaves: each Met borough under its BCU, all under London."""
    return (
        areas.met_wards(wards)
        .select(pl.col("borough_code").cast(pl.String).alias("ward_code"), pl.col("bcu").cast(pl.String).alias("borough_code"),
                pl.lit("London").alias("bcu"), pl.col("police_force"))
        .unique("ward_code")
        .sort("ward_code")
    )


def publish(d: dv.Diversity, wards: pl.DataFrame) -> privacy.Publication:
    """The day's protected board counts, London-wide (every board's size, groups and roles at once)."""
    return privacy.publish(d, places(wards), breakdown=("role", ROLES))


def node_of(area: Area) -> tuple:
    """An area's node in the boards' family: a borough's board is a leaf ("ward", code), a BCU its parent."""
    return {"borough": ("ward", area.code), "bcu": ("borough", area.code)}.get(area.level, privacy.LONDON)


# --- Panels linked to the board -----------------------------------------------------------------


def panel_links(members: pl.DataFrame, panels: pl.DataFrame, wards: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """Per Met borough: open panels, panels whose chair sits on the board, and the share.

    Worked example: a borough of three wards with panels open in A and B; the board's panel chairs
    on the day represent A and C (C has no open panel) -> open 2, linked 1, share 0.5.
    """
    met = areas.met_wards(wards).select(pl.col("ward_code").cast(pl.String), pl.col("borough_code").cast(pl.String))
    open_ = dv.open_panels(panels, day).select(pl.col("ward_code").cast(pl.String)).join(met, on="ward_code")
    chairs = on_board(members, day).filter(pl.col("role") == v.BOARD_PANEL_CHAIR).select(
        pl.col("ward_represented").cast(pl.String).alias("ward_code")).drop_nulls().unique()
    linked = open_.join(chairs.with_columns(pl.lit(True).alias("linked")), on="ward_code", how="left")
    boroughs = met.select("borough_code").unique()
    return (
        boroughs.join(linked.group_by("borough_code").agg(pl.len().alias("open_panels"), pl.col("linked").fill_null(False).sum().alias("linked")),
                      on="borough_code", how="left")
        .with_columns(pl.col("open_panels").fill_null(0).cast(pl.Int64), pl.col("linked").fill_null(0).cast(pl.Int64))
        .with_columns(pl.when(pl.col("open_panels") > 0).then(pl.col("linked") / pl.col("open_panels")).alias("share"))
        .sort("borough_code")
    )


def safe_linked(linked: int, chairs: str) -> str:
    """Panels linked to the board as they may be shown: a count of 1 to 4 (or one that leaves 1 to 4
    panel chairs on the board whose panel is not open) is "fewer than 5" or "withheld"; none where the
    board's number of panel chairs (``chairs``, as published) is withheld."""
    if not chairs.isdigit():
        return WITHHELD
    if 0 < linked < privacy.THRESHOLD:
        return privacy.FEWER
    return str(linked) if not 0 < int(chairs) - linked < privacy.THRESHOLD else WITHHELD


# --- Meetings and commanders ----------------------------------------------------------------------


def meetings_summary(meetings: pl.DataFrame, boroughs: list[str], period: Period) -> pl.DataFrame:
    """Per borough: board meetings in the period, public ones, those the commander attended and
    those with a commander's update. Example: meetings in March (public, commander there, update)
    and June (private, commander absent, update by a deputy) -> 2 meetings, 1 public, 1 attended, 2 updates."""
    rows = meetings.with_columns(pl.col("borough_code").cast(pl.String)).filter(between("held_on", period))
    agg = rows.group_by("borough_code").agg(
        pl.len().alias("meetings"), pl.col("public").sum().alias("public"),
        pl.col("commander_present").sum().alias("commander_present"), pl.col("commander_update_given").sum().alias("update_given"),
    )
    return (
        pl.DataFrame({"borough_code": boroughs}, schema={"borough_code": pl.String})
        .join(agg, on="borough_code", how="left")
        .with_columns(pl.col(c).fill_null(0).cast(pl.Int64) for c in ("meetings", "public", "commander_present", "update_given"))
    )


def commander_tenures(commanders: pl.DataFrame, meetings: pl.DataFrame, borough: str, as_of: dt.date) -> pl.DataFrame:
    """One borough's commanders up to ``as_of``, latest first: started, ended, months in post (to
    their end or ``as_of``), board meetings held while they were in post, and how many they attended.

    Worked example: commander A from 1 January 2023 to 1 July 2023 (B from then on), meetings on
    14 March (A there), 13 June (A absent) and 12 September (B there), as of 31 December 2023:
    A 6 months in post, 2 meetings, attended 1; B 6 months, 1 meeting, attended 1.
    """
    mine = commanders.filter((pl.col("borough_code").cast(pl.String) == borough) & (pl.col("started_on") <= as_of)).sort("started_on")
    held = meetings.filter((pl.col("borough_code").cast(pl.String) == borough) & (pl.col("held_on") <= as_of))
    rows = []
    for r in mine.iter_rows(named=True):
        until = r["ended_on"] if r["ended_on"] is not None and r["ended_on"] <= as_of else None
        spell = held.filter((pl.col("held_on") >= r["started_on"]) & ((pl.col("held_on") < until) if until else pl.lit(True)))
        end = until or as_of
        months = (end.year - r["started_on"].year) * 12 + end.month - r["started_on"].month - (end.day < r["started_on"].day)
        rows.append((str(r["officer_ref"]), r["started_on"], until, max(months, 0), spell.height, int(spell["commander_present"].sum())))
    schema = {"officer_ref": pl.String, "started_on": pl.Date, "ended_on": pl.Date, "months": pl.Int64, "meetings": pl.Int64, "attended": pl.Int64}
    return pl.DataFrame(rows, schema=schema, orient="row").sort("started_on", descending=True)


def commander_changes(commanders: pl.DataFrame, boroughs: list[str], period: Period) -> pl.DataFrame:
    """Per borough: commanders in post at some time in the period, and changes (commanders who started in it)."""
    rows = commanders.with_columns(pl.col("borough_code").cast(pl.String))
    in_post = rows.filter((pl.col("started_on") <= period.end) & (pl.col("ended_on").is_null() | (pl.col("ended_on") > period.start)))
    agg = in_post.group_by("borough_code").agg(pl.len().alias("commanders"), between("started_on", period).sum().alias("changes"))
    return (
        pl.DataFrame({"borough_code": boroughs}, schema={"borough_code": pl.String})
        .join(agg, on="borough_code", how="left")
        .with_columns(pl.col("commanders").fill_null(0).cast(pl.Int64), pl.col("changes").fill_null(0).cast(pl.Int64))
    )


# --- Money ------------------------------------------------------------------------------------


def funding_years(period: Period) -> list[int]:
    """The financial years (by the April they start) that overlap the period: 1 October to 31
    December 2023 -> [2023]; 1 January 2023 to 31 December 2023 -> [2022, 2023]."""
    first = period.start.year - (period.start.month < 4)
    last = period.end.year - (period.end.month < 4)
    return list(range(first, last + 1))


def funding_summary(funding: pl.DataFrame, boroughs: list[str], period: Period) -> pl.DataFrame:
    """Per borough and financial year in the period: the MOPAC core grant, every source's amount and
    spend, and the share spent. Example: core grant 5,000 and council 1,500, spent 4,620 and 1,500 ->
    amount 6,500, spent 6,120, 94%."""
    rows = funding.with_columns(pl.col("borough_code").cast(pl.String), pl.col("source").cast(pl.String)).filter(
        pl.col("year").is_in(funding_years(period)) & pl.col("borough_code").is_in(boroughs))
    return (
        rows.group_by("borough_code", "year")
        .agg(
            pl.col("amount").filter(pl.col("source") == v.MOPAC_CORE_GRANT).sum().alias("core_grant"),
            pl.col("amount").sum().alias("amount"),
            pl.col("spent").sum().alias("spent"),
        )
        .with_columns(pl.when(pl.col("amount") > 0).then(pl.col("spent") / pl.col("amount")).alias("spent_share"))
        .sort("borough_code", "year")
    )


def _pct_text(share: float | None) -> str:
    return pct(share) if share is not None else "no figure"


# --- The view: what the page and the pack show ------------------------------------------------------


@dataclass(frozen=True)
class BoardInputs:
    """The tables the view reads (as data_access.queries returns them), within the user's boroughs."""

    wards: pl.DataFrame
    members: pl.DataFrame
    meetings: pl.DataFrame
    commanders: pl.DataFrame
    funding: pl.DataFrame
    panels: pl.DataFrame


class BoardView:
    """Everything the Board page (and the pack's board section) shows for one area and period, with
    exact counts; ``safe`` is its twin as it may be shown to anyone and written out.

    ``d``: the boards of London on the period's last day (``build``); ``pub``: their publication.
    For a borough (or one of its wards) the view is of its board; for a BCU or London, of its boroughs' boards.
    """

    def __init__(self, inputs: BoardInputs, d: dv.Diversity, pub: privacy.Publication, area: Area, period: Period):
        wards = inputs.wards
        self.area = areas.borough_of(wards, area)
        self.place, self.period, self.day, self.dims = self.area.name, period, period.end, d.dims
        met = areas.met_wards_in(wards, self.area)
        self.boroughs = sorted(met["borough_code"].cast(pl.String).unique().to_list())
        names = met.select(pl.col("borough_code").cast(pl.String), pl.col("borough_name").cast(pl.String)).unique("borough_code")
        self.names = dict(names.iter_rows())
        self.one = self.area.level == "borough"
        self.node = node_of(self.area)
        self.comparison = d.comparison.filter(pl.col("ward_code").is_in(self.boroughs))
        self.tests = dv.beyond_chance(d.tests.filter(pl.col("ward_code").is_in(self.boroughs)))
        findings = dv.panel_findings(self.tests)
        self.boards = (d.panels.filter(pl.col("ward_code").is_in(self.boroughs)).join(findings, on="ward_code", how="left")
                       .with_columns(pl.col("differs").fill_null(False), pl.col("differs_in").fill_null("")))
        self.members = int(self.boards["panel_size"].sum()) if self.boards.height else 0
        self.links = panel_links(inputs.members, inputs.panels, wards, self.day).filter(pl.col("borough_code").is_in(self.boroughs))
        self.meetings = meetings_summary(inputs.meetings, self.boroughs, period)
        self.changes = commander_changes(inputs.commanders, self.boroughs, period)
        self.funding = funding_summary(inputs.funding, self.boroughs, period)
        mine = inputs.meetings.filter((pl.col("borough_code").cast(pl.String).is_in(self.boroughs)) & between("held_on", period))
        self.meeting_list = meeting_table(mine, self.names)
        self.tenures = commander_tenures(inputs.commanders, inputs.meetings, self.boroughs[0], self.day) if self.one and self.boroughs else None
        self.commanders = None if self.tenures is None else commander_table(self.tenures)
        self.funding_table = funding_table(self.funding, self.names)
        self.differing = int(self.boards["differs"].sum()) if self.boards.height else 0
        self.safe = SafeBoardView(self, d, pub)

    # membership
    @property
    def members_text(self) -> str:
        return count(self.members)

    def role_table(self) -> pl.DataFrame:
        """Members by role (the area's boards together)."""
        totals = [int(self.boards[r].sum()) if self.boards.height else 0 for r in ROLES]
        return pl.DataFrame({"Role": list(ROLES), "Board members": [count(n) for n in totals]})

    def profile(self, dim: dv.Dimension) -> pl.DataFrame:
        return dview.profile_table(self.comparison.filter(pl.col("dimension") == dim.key)).rename(BOARD_WORDS)

    def profile_title(self, dim: dv.Dimension) -> str:
        return dview.profile_finding(self.place, self.comparison, dim, body="board", whole="borough")

    def profile_chart(self, dim: dv.Dimension) -> go.Figure:
        return dview.profile_chart(self.comparison, dim, self.profile_title(dim), body="Board", whole="Borough")

    def chance_sentence(self, dim: dv.Dimension) -> str:
        return chance_words(self.tests, dim)

    def differing_finding(self) -> str:
        return differing_words(self.place, count(self.differing), self.tests["ward_code"].n_unique(), self.tests.height)

    def linked(self) -> tuple[int, int]:
        return int(self.links["linked"].sum()), int(self.links["open_panels"].sum())

    def links_finding(self) -> str:
        linked, open_ = self.linked()
        return links_words(self.place, str(linked), open_)

    def boards_table(self) -> pl.DataFrame:
        """One row per borough's board (London or a BCU): members, gap, tests, panels linked, meetings, commanders, money."""
        rows = []
        for b in self.boroughs:
            board = self.boards.filter(pl.col("ward_code") == b)
            r = board.row(0, named=True) if board.height else None
            rows.append(self._board_row(b, r, None))
        return self._frame(rows)

    def _board_row(self, b: str, r: dict | None, texts: dict | None) -> dict:
        found = self.links.filter(pl.col("borough_code") == b)
        link = found.row(0, named=True) if found.height else {"linked": 0, "open_panels": 0}
        meet = self.meetings.filter(pl.col("borough_code") == b).row(0, named=True)
        chg = self.changes.filter(pl.col("borough_code") == b).row(0, named=True)
        money = self.funding.filter(pl.col("borough_code") == b)
        amount, spent = int(money["amount"].sum()), int(money["spent"].sum())
        texts = texts or {
            "members": count(r["panel_size"]) if r else "0",
            "gap": "no data" if not r or r["gap"] is None else f"{r['gap']:.0f}",
            "chance": "no data" if not r or r["chance_gap"] is None else f"{r['chance_gap']:.0f}",
            "differs": ("Yes: " + r["differs_in"] if r["differs"] else "No") if r else "no board",
            "linked": count(link["linked"]),
        }
        return {
            "Borough": self.names.get(b, b), "Board members": texts["members"], "Diversity gap (0-100)": texts["gap"],
            "Gap of a random board of its size": texts["chance"], "Differs from borough beyond chance": texts["differs"],
            "Panels with their chair on the board": texts["linked"], "Open panels": link["open_panels"],
            "Board meetings": meet["meetings"], "Public meetings": meet["public"], "Commander attended": meet["commander_present"],
            "Commander's update given": meet["update_given"], "Commanders in post": chg["commanders"], "Commander changes": chg["changes"],
            "Funding (£)": amount, "Spent (£)": spent,
        }

    @staticmethod
    def _frame(rows: list[dict]) -> pl.DataFrame:
        schema = {"Borough": pl.String, "Board members": pl.String, "Diversity gap (0-100)": pl.String,
                  "Gap of a random board of its size": pl.String, "Differs from borough beyond chance": pl.String,
                  "Panels with their chair on the board": pl.String, "Open panels": pl.Int64, "Board meetings": pl.Int64,
                  "Public meetings": pl.Int64, "Commander attended": pl.Int64, "Commander's update given": pl.Int64,
                  "Commanders in post": pl.Int64, "Commander changes": pl.Int64, "Funding (£)": pl.Int64, "Spent (£)": pl.Int64}
        return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)

    # meetings, commanders, money (not member-derived: the same in both views)
    def meetings_finding(self) -> str:
        return meetings_words(self.place, self.meetings, self.period)

    def meetings_chart(self) -> go.Figure:
        return meetings_chart(self.meetings, self.names, self.meetings_finding())

    def commanders_finding(self) -> str:
        return commanders_words(self.place, self.changes, self.tenures, self.period)

    def commanders_chart(self) -> go.Figure:
        """One board's commanders (``tenures``: a borough's view only)."""
        return commanders_chart(self.tenures, self.commanders_finding())

    def funding_finding(self) -> str:
        return funding_words(self.place, self.funding)

    def spent_text(self) -> str:
        """Spent over all funding in the period's financial years: '87%' ('no figure' with none)."""
        amount = int(self.funding["amount"].sum()) if self.funding.height else 0
        return _pct_text(int(self.funding["spent"].sum()) / amount if amount else None)

    def funding_chart(self) -> go.Figure:
        return funding_chart(self.funding, self.names, self.funding_finding(), by_year=self.one)


class SafeBoardView:
    """A ``BoardView`` as it may leave the app: member counts as published, and what comes of them
    (shares, indices, tests, panels linked) only where the counts it comes from are shown."""

    def __init__(self, exact: BoardView, d: dv.Diversity, pub: privacy.Publication):
        self.exact, self.pub, self.problem = exact, pub, pub.problem
        codes = exact.boards["ward_code"].to_list()
        self.ranges = dview.gap_ranges(d, pub, codes)
        self.chances = dview.chance_gaps(d, pub, codes)

    @property
    def members_text(self) -> str:
        return self.pub.cell(self.exact.node, "size")

    def role_table(self) -> pl.DataFrame:
        return pl.DataFrame({"Role": list(ROLES), "Board members": [self.pub.cell(self.exact.node, "role", r) for r in ROLES]})

    def _all_shown(self, board: str, dims) -> bool:
        node = ("ward", board)
        return all(self.pub.number(node, dim.key, c) is not None for dim in dims for c in (*dim.categories, v.NOT_STATED))

    def profile(self, dim: dv.Dimension) -> pl.DataFrame:
        return dview.published_profile(self.exact.comparison.filter(pl.col("dimension") == dim.key), self.pub, dim).rename(BOARD_WORDS)

    def _shown(self) -> pl.DataFrame:
        return dview.shown_comparison(self.exact.comparison, self.pub, self.exact.dims)

    def profile_title(self, dim: dv.Dimension) -> str:
        comp = self._shown()
        rows = comp.filter((pl.col("dimension") == dim.key) & (pl.col("category") != v.NOT_STATED))
        if rows.height and rows["panel_share"].null_count() and rows["stated"][0]:
            return f"{self.exact.place}: the board's {dim.noun} mix beside the borough's (some shares are withheld to protect small counts)"
        return dview.profile_finding(self.exact.place, comp, dim, body="board", whole="borough")

    def profile_chart(self, dim: dv.Dimension) -> go.Figure:
        return dview.profile_chart(self._shown(), dim, self.profile_title(dim), body="Board", whole="Borough")

    def chance_sentence(self, dim: dv.Dimension) -> str:
        rows = self.exact.tests.filter(pl.col("dimension") == dim.key)
        if rows.height and not self._all_shown(rows["ward_code"][0], [dim]):
            return "Taken as a whole: the test against chance is withheld, as it would reveal small counts."
        return chance_words(self.exact.tests, dim)

    def _differs(self, board: str, r: dict) -> str:
        return ("Yes: " + r["differs_in"] if r["differs"] else "No") if self._all_shown(board, self.exact.dims) else WITHHELD

    def differing_finding(self) -> str:
        boards = self.exact.boards
        hidden = any(not self._all_shown(b, self.exact.dims) for b in boards["ward_code"])
        shown = WITHHELD if hidden and self.exact.one else count(self.exact.differing)
        return differing_words(self.exact.place, shown, self.exact.tests["ward_code"].n_unique(), self.exact.tests.height)

    def _linked(self, board: str, linked: int) -> str:
        return safe_linked(linked, self.pub.cell(("ward", board), "role", v.BOARD_PANEL_CHAIR))

    def links_finding(self) -> str:
        texts = [self._linked(b, n) for b, n in self.exact.links.select("borough_code", "linked").iter_rows()]
        linked, open_ = self.exact.linked()
        return links_words(self.exact.place, str(linked) if all(t.isdigit() for t in texts) else WITHHELD, open_)

    def boards_table(self) -> pl.DataFrame:
        rows = []
        for b in self.exact.boroughs:
            board = self.exact.boards.filter(pl.col("ward_code") == b)
            r = board.row(0, named=True) if board.height else None
            link = self.exact.links.filter(pl.col("borough_code") == b)
            gap = self.ranges.get(b, (None, None))[1]
            chance = self.chances.get(b)
            texts = {
                "members": self.pub.cell(("ward", b), "size") if r else "0",
                "gap": dview._range(*(gap or (None, None))) if r else "no data",
                "chance": dview._range(*(chance or (None, None))) if r else "no data",
                "differs": self._differs(b, r) if r else "no board",
                "linked": self._linked(b, int(link["linked"].sum()) if link.height else 0),
            }
            rows.append(self.exact._board_row(b, r, texts))
        return self.exact._frame(rows)


# --- Sentences and charts --------------------------------------------------------------------------


def chance_words(tests: pl.DataFrame, dim: dv.Dimension) -> str:
    """One board's test on one dimension in words ('Taken as a whole: index 30; a board of 18 drawn at
    random from the borough's residents scores 12 on average, and 30 or more 0.4% of the time. Beyond chance ...')."""
    rows = tests.filter(pl.col("dimension") == dim.key)
    if rows.is_empty():
        return "Taken as a whole: not tested (no stated data, or no Census figures for this borough)."
    r = rows.row(0, named=True)
    p = "under 0.1%" if r["p_value"] < 0.001 else f"{r['p_value']:.1%}"
    verdict = "Beyond chance" if r["beyond_chance"] else "Could be chance"
    return (f"Taken as a whole: index {r['index']:.0f}; a board of {r['stated']} drawn at random from the borough's residents "
            f"scores {r['chance_index']:.0f} on average, and {r['index']:.0f} or more {p} of the time. "
            f"{verdict} (after correcting for the {tests.height} tests here).")


def differing_words(place: str, differing: str, tested: int, tests: int) -> str:
    """'London: 20 of 32 boards differ from their borough beyond chance, after correcting for 128 tests'."""
    if not tested:
        return f"{place}: no board has enough stated membership and Census data to test against its borough"
    if differing == WITHHELD:
        return f"{place}: whether the board differs from its borough beyond chance is withheld to protect small counts"
    verb = "board differs" if differing == "1" else "boards differ"
    return (f"{place}: {differing} of {tested:,} {verb} from their borough beyond chance, after correcting for {tests:,} tests "
            f"(false-discovery rate {dv.LEVEL:.0%})")


def links_words(place: str, linked: str, open_: int) -> str:
    """'Barking and Dagenham: 7 of 15 open panels (47%) have their chair on the board'."""
    if not open_:
        return f"{place}: no ward panel was open, so none could have its chair on the board"
    if not linked.isdigit():
        return f"{place}: how many of the {open_:,} open panels have their chair on the board is withheld to protect small counts"
    return f"{place}: {linked} of {open_:,} open panels ({pct(int(linked) / open_)}) have their chair on the board"


def meetings_words(place: str, summary: pl.DataFrame, period: Period) -> str:
    """'Barking and Dagenham: 4 board meetings in October to December 2023, 3 in public; the Borough
    Commander attended 2 and an update was given at 3'; for several boards, how many held no public meeting."""
    n, public, present, update = (int(summary[c].sum()) for c in ("meetings", "public", "commander_present", "update_given"))
    if summary.height > 1:
        none = summary.filter(pl.col("public") == 0).height
        return (f"{place}: {none} of {summary.height} boards held no public meeting in {period.label}; commanders attended "
                f"{present:,} of {n:,} board meetings ({_pct_text(present / n if n else None)})")
    if not n:
        return f"{place}: no board meeting is recorded in {period.label}"
    return (f"{place}: {n} board meeting{'s' if n != 1 else ''} in {period.label}, "
            + (f"{public} in public" if public else "none of them in public")
            + f"; the Borough Commander attended {present} and an update was given at {update}")


def commanders_words(place: str, changes: pl.DataFrame, tenures: pl.DataFrame | None, period: Period) -> str:
    """'Barking and Dagenham: 2 Borough Commanders in post in the 12 months to 31 December 2023 (1 change); the latest
    since 1 March 2023'."""
    total, moved = int(changes["commanders"].sum()), int(changes["changes"].sum())
    if changes.height > 1:
        return f"{place}: {moved:,} changes of Borough Commander across {changes.height} boroughs in {period.label}"
    if tenures is None or tenures.is_empty():
        return f"{place}: no Borough Commander is recorded"
    latest = tenures.row(0, named=True)
    now = f"the latest since {uk_date(latest['started_on'])}" if latest["ended_on"] is None else f"none in post since {uk_date(latest['ended_on'])}"
    return (f"{place}: {total} Borough Commander{'s' if total != 1 else ''} in post in {period.label} "
            f"({moved} change{'s' if moved != 1 else ''}); {now}")


def funding_words(place: str, summary: pl.DataFrame) -> str:
    """'Barking and Dagenham: £5,000 received in 2023-24, £3,875 of it spent (78%)'."""
    if summary.is_empty():
        return f"{place}: no board funding is recorded for the financial years of this period"
    years = sorted(set(summary["year"].to_list()))
    amount, spent = int(summary["amount"].sum()), int(summary["spent"].sum())
    span = _year_label(years[0]) if len(years) == 1 else f"{_year_label(years[0])} to {_year_label(years[-1])}"
    return f"{place}: £{amount:,} received in {span}, £{spent:,} of it spent ({_pct_text(spent / amount if amount else None)})"


def _year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def meeting_table(meetings: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    """The meetings of the period, one row each, oldest first."""
    yes = {True: "Yes", False: "No"}
    return meetings.sort("held_on", "borough_code").select(
        pl.col("borough_code").cast(pl.String).replace_strict(names, default=pl.col("borough_code").cast(pl.String)).alias("Borough"),
        pl.col("held_on").alias("Date"),
        pl.col("public").replace_strict(yes, return_dtype=pl.String).alias("In public"),
        pl.col("commander_present").replace_strict(yes, return_dtype=pl.String).alias("Commander attended"),
        pl.col("commander_update_given").replace_strict(yes, return_dtype=pl.String).alias("Commander's update given"),
        pl.col("panel_chairs_present").alias("Panel chairs present"),
    )


def commander_table(tenures: pl.DataFrame) -> pl.DataFrame:
    """``commander_tenures`` as the page shows it."""
    return tenures.select(
        pl.col("officer_ref").alias("Commander"),
        pl.col("started_on").alias("Started"),
        pl.col("ended_on").alias("Ended"),
        pl.col("months").alias("Months in post"),
        pl.col("meetings").alias("Board meetings while in post"),
        pl.col("attended").alias("Meetings attended"),
    )


def funding_table(summary: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    return summary.select(
        pl.col("borough_code").replace_strict(names, default=pl.col("borough_code"), return_dtype=pl.String).alias("Borough"),
        pl.col("year").map_elements(_year_label, return_dtype=pl.String).alias("Financial year"),
        pl.col("core_grant").alias("MOPAC core grant (£)"),
        pl.col("amount").alias("All funding (£)"),
        pl.col("spent").alias("Spent (£)"),
        (pl.col("spent_share") * 100).round(0).alias("Spent (%)"),
    )


def _layout(title: str, height: int, x_title: str) -> dict:
    return {"title": {"text": title}, "height": height, "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
            "xaxis": {"title": {"text": x_title}}, "yaxis": {"autorange": "reversed"}, "barmode": "group",
            "legend": {"orientation": "h", "y": -0.25}}


def meetings_chart(summary: pl.DataFrame, names: dict[str, str], title: str) -> go.Figure:
    """Bars per board: meetings, public meetings and those the commander attended (patterned apart, not only by colour)."""
    labels = [names.get(b, b) for b in summary["borough_code"]]
    bar = {"type": "bar", "orientation": "h", "y": labels}
    series = (("Board meetings", "meetings", MEETING_COLOUR, ""), ("In public", "public", PRESENT_COLOUR, "/"),
              ("Commander attended", "commander_present", SPENT_COLOUR, "x"))
    return go.Figure({"data": [{**bar, "name": name, "x": summary[col].to_list(), "marker": {"color": colour, "pattern": {"shape": shape}}}
                               for name, col, colour, shape in series],
                      "layout": _layout(title, 160 + 60 * len(labels), "Meetings in the period")})


def commanders_chart(tenures: pl.DataFrame, title: str) -> go.Figure:
    """Bars of each commander's months in post (latest first), with the board meetings they attended beside those held."""
    labels = tenures["officer_ref"].to_list()
    bar = {"type": "bar", "orientation": "h", "y": labels}
    return go.Figure({"data": [{**bar, "name": "Months in post", "x": tenures["months"].to_list(), "marker": {"color": MEETING_COLOUR}},
                               {**bar, "name": "Board meetings while in post", "x": tenures["meetings"].to_list(),
                                "marker": {"color": PRESENT_COLOUR, "pattern": {"shape": "/"}}},
                               {**bar, "name": "Meetings attended", "x": tenures["attended"].to_list(),
                                "marker": {"color": SPENT_COLOUR, "pattern": {"shape": "x"}}}],
                      "layout": _layout(title, 160 + 60 * len(labels), "Months, meetings")})


def funding_chart(summary: pl.DataFrame, names: dict[str, str], title: str, *, by_year: bool) -> go.Figure:
    """Bars of funding beside spend: by financial year for one board, by board for several."""
    if by_year:
        labels = [_year_label(y) for y in summary["year"]]
        amount, spent = summary["amount"].to_list(), summary["spent"].to_list()
    else:
        total = summary.group_by("borough_code").agg(pl.col("amount").sum(), pl.col("spent").sum()).sort("borough_code")
        labels = [names.get(b, b) for b in total["borough_code"]]
        amount, spent = total["amount"].to_list(), total["spent"].to_list()
    bar = {"type": "bar", "orientation": "h", "y": labels}
    return go.Figure({"data": [{**bar, "name": "Funding (£)", "x": amount, "marker": {"color": MEETING_COLOUR}},
                               {**bar, "name": "Spent (£)", "x": spent, "marker": {"color": SPENT_COLOUR, "pattern": {"shape": "/"}}}],
                      "layout": _layout(title, 160 + 50 * len(labels), "Pounds")})


def board_view(inputs: BoardInputs, d: dv.Diversity, pub: privacy.Publication, area: Area, period: Period) -> BoardView:
    """The Board page's view of an area and period (the builder ``dashboard.app.views`` caches)."""
    return BoardView(inputs, d, pub, area, period)
