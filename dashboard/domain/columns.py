"""Every column a page table or a CSV download shows: its heading and its format, in one place.

A builder names its columns for code (``pct_with_panel``); a reader sees a heading ("With a
panel (%)") and a value formatted for people ("67%", "1,234", "3 November 2025", "Yes", "—").
``screen`` gives a table's headings, order and per-column format for the screen (dashboard.app.ui
draws it); ``download`` gives the same table for a CSV: the same headings and order, values kept
machine-friendly (numbers, ISO dates) but rounded to sensible precision, shares as percentages.

Columns not named here are shown under their own name: builders that already name their columns
for people (the diversity tables, a summary's "Hackney, 12 months to 31 December 2023") need no
entry. tests/unit/test_columns.py checks the registry, and tests/app/test_pages.py that no table
on any page shows a raw name.

Kinds: TEXT as it is; COUNT a whole number with thousands separators; SHARE a fraction (0.667)
shown as a percentage ("67%"; 66.7 in a CSV); PERCENT a number already in percent (66.7 -> "67%");
NUMBER a measure with ``digits`` decimals; DATE, DATETIME; YES_NO a true/false.
``explains``: a column that says why or what is being done (reasons, the Met's action, the
verdict): it comes right after the ward's (or group's) name and wraps, so it is seen first.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

TEXT, COUNT, SHARE, PERCENT, NUMBER, DATE, DATETIME, YES_NO = (
    "text", "count", "share", "percent", "number", "date", "datetime", "yes_no")
MISSING = "—"  # shown where a table has no value
CSV_PERCENT_DIGITS = 1
CSV_FLOAT_DIGITS = 2  # a number column the registry does not name (a summary's period columns)


@dataclass(frozen=True)
class Column:
    heading: str
    kind: str = TEXT
    explains: bool = False
    digits: int = 1  # NUMBER only: decimals shown (and kept in a CSV)


def _c(heading: str, kind: str = TEXT, **options) -> Column:
    return Column(heading, kind, **options)


# The columns that name the row: a table's explanatory columns come right after them.
LEADING = ("ward_name", "ward", "Ward", "name", "area", "Dimension", "Group", "Sector", "About", "We promised")

COLUMNS: dict[str, Column] = {
    # Where
    "ward_name": _c("Ward"), "ward": _c("Ward"), "ward_code": _c("Ward code"), "borough_name": _c("Borough"),
    "borough": _c("Borough"), "bcu": _c("Police area (BCU)"), "area": _c("Area"), "name": _c("Area"),
    "row_code": _c("Code"), "row_name": _c("Area"), "neighbourhood": _c("Neighbourhood (police.uk)"),
    "kept_on": _c("Recorded on ward"),
    # Why and what is being done about it
    "reasons": _c("Why", explains=True), "action": _c("Action agreed with the Met", explains=True),
    "owner": _c("Owner", explains=True), "due_on": _c("Due by", DATE, explains=True),
    "due": _c("Due by", DATE, explains=True), "Verdict": _c("Verdict", explains=True),
    "Differs from ward beyond chance": _c("Differs from ward beyond chance", explains=True),
    "What happened": _c("What happened", explains=True), "What we did": _c("What we did", explains=True),
    "Told residents on": _c("Told residents on", explains=True), "note": _c("Note", explains=True),
    "problem": _c("Problem"), "if not met": _c("If not met"),
    "what the resident wrote": _c("What the resident wrote", explains=True),
    # Status and plans
    "status": _c("Status"), "plan_state": _c("Plan"), "plan": _c("Plan"), "agreed_on": _c("Agreed on", DATE),
    "map key": _c("Map key"), "rule": _c("Rule"), "severity": _c("Severity"),
    # Coverage
    "wards": _c("Wards", COUNT), "with_panel": _c("With a panel", COUNT), "functioning": _c("Functioning", COUNT),
    "at_risk": _c("At risk", COUNT), "not_functioning": _c("Not functioning", COUNT), "no_panel": _c("No panel", COUNT),
    "pct_with_panel": _c("With a panel (%)", PERCENT), "pct_functioning": _c("Functioning (%)", PERCENT),
    "quarter_end": _c("Quarter ending", DATE), "quarter_start": _c("Quarter starting", DATE),
    # Panels and members
    "established_on": _c("Set up on", DATE), "closed_on": _c("Closed on", DATE), "chair_type": _c("Chair"),
    "meetings_open_to_public": _c("Meetings open to the public", YES_NO),
    "terms_of_reference_agreed": _c("Terms of reference agreed", YES_NO),
    "last_membership_review_on": _c("Membership last reviewed", DATE), "sector": _c("Sector"),
    "Share of all members (%)": _c("Share of all members (%)", PERCENT),
    "Share of members who stated (%)": _c("Share of members who stated (%)", PERCENT),
    "Ward share (%)": _c("Ward share (%)", PERCENT), "Share of members (%)": _c("Share of members (%)", PERCENT),
    "members": _c("Members", COUNT),
    # Dedicated Ward Officers
    "officer_ref": _c("Officer"), "started_on": _c("Started on", DATE), "ended_on": _c("Ended on", DATE),
    "months_in_post": _c("Months in post", COUNT), "in_post_since": _c("In post since", DATE),
    "tenure_days": _c("Days in post", COUNT), "changes": _c("Changes of DWO", COUNT),
    "changes_per_year": _c("Changes of DWO a year", NUMBER), "high_churn": _c("Frequent changes", YES_NO),
    # Meetings
    "meetings": _c("Meetings", COUNT), "dwo_present": _c("Meetings with the DWO", COUNT),
    "promises_reviewed": _c("Meetings reviewing promises", COUNT),
    "quarters_below": _c("Quarters below the minimum", COUNT), "quarters below minimum": _c("Quarters below the minimum", COUNT),
    "fewest_in_a_quarter": _c("Fewest in a quarter", COUNT), "fewest in a quarter": _c("Fewest in a quarter", COUNT),
    "meetings in period": _c("Meetings in the period", COUNT), "group": _c("Group"),
    "meetings_per_ward": _c("Meetings per ward", NUMBER, digits=2),
    "share_meeting_every_quarter": _c("Meeting every quarter (%)", SHARE),
    "share_meetings_with_dwo": _c("Meetings with the DWO (%)", SHARE),
    "longest_gap_days": _c("Longest gap (days)", COUNT), "last_meeting_on": _c("Last meeting", DATE),
    "never_met": _c("Never met", YES_NO), "value": _c("Value", NUMBER, digits=2),
    "attendees": _c("Attendees per meeting", NUMBER), "public": _c("Public attendees per meeting", NUMBER),
    "dwo": _c("With the DWO (%)", SHARE), "reviewed": _c("Reviewing promises (%)", SHARE),
    "minutes": _c("Minutes published (%)", SHARE), "open": _c("Open to the public (%)", SHARE),
    "in person": _c("In person (%)", SHARE), "online": _c("Online (%)", SHARE), "hybrid": _c("Hybrid (%)", SHARE),
    # Promises
    "promises": _c("Promises", COUNT), "promise_ref": _c("Promise reference"), "category": _c("Category"),
    "origin": _c("Chosen by"), "chosen by": _c("Chosen by"), "description": _c("Promise"),
    "set_on": _c("Set on", DATE), "set": _c("Set on", DATE), "days_open": _c("Days open", COUNT),
    "days open": _c("Days open", COUNT), "promises past review": _c("Promises past review", COUNT),
    "band": _c("Residents told"), "run": _c("Rounds in a row", COUNT), "since": _c("Since", DATE),
    "latest_round": _c("Latest round", DATE), "by_panel": _c("Chosen by the panel", COUNT),
    "by_borough": _c("Set by the borough", COUNT), "by_central": _c("Set centrally", COUNT),
    "total": _c("Total", COUNT), "panel_share": _c("Chosen by the panel (%)", SHARE),
    # Promises and concerns
    "scored": _c("Wards scored", COUNT), "wards scored": _c("Wards scored", COUNT),
    "coverage": _c("Coverage (%)", SHARE), "coverage %": _c("Coverage (%)", PERCENT),
    "ignoring": _c("Wards ignoring their top concern", COUNT),
    "wards ignoring their top concern": _c("Wards ignoring their top concern", COUNT),
    "promises_set": _c("Promises set", COUNT), "promises set": _c("Promises set", COUNT),
    "unbacked_promises": _c("Promises with no recorded concern", COUNT),
    "promises with no recorded concern": _c("Promises with no recorded concern", COUNT),
    "unbacked_share": _c("Promises with no recorded concern (%)", SHARE),
    "promises with no concern %": _c("Promises with no recorded concern (%)", PERCENT),
    "no_concerns": _c("Wards with no concern recorded", COUNT),
    "wards with no concern recorded": _c("Wards with no concern recorded", COUNT),
    "top concerns (weight)": _c("Top concerns (weight)"), "promises set (categories)": _c("Promises set (categories)"),
    "ignores top concern": _c("Ignores its top concern"), "concern weight": _c("Concern weight", COUNT),
    "number": _c("Number", COUNT), "sent": _c("Sent on", DATE),
    # Who leads a promise, activities linked to promises, recorded crime beside the promises
    "lead": _c("Led by"), "achieved": _c("Achieved", COUNT), "completion_pct": _c("Achieved (%)", PERCENT),
    "barrier": _c("What stood in the way", explains=True),
    "with_contact_session": _c("With a contact session linked", COUNT), "share_pct": _c("Share of recorded crime (%)", PERCENT),
    "contact_share_pct": _c("With a contact session (%)", PERCENT),
    "activities_linked": _c("Activities linked", COUNT), "contact_sessions": _c("Contact sessions", COUNT),
    "other_activities": _c("Other activities", COUNT), "crime_type": _c("Crime type (police.uk)"),
    "promise_category": _c("Promise category"), "recorded": _c("Recorded crimes", NUMBER),
    "promises_open": _c("Promises open", COUNT), "main_crime_type": _c("Most recorded crime type"),
    "main_share_pct": _c("Its share of recorded crime (%)", PERCENT),
    "promises_set_in_it": _c("Promises set in its category", COUNT),
    # Engagement and outcomes
    "kind": _c("Kind"), "activities": _c("Activities", COUNT), "people_reached": _c("People reached", COUNT),
    "young_people_reached": _c("Young people reached", COUNT), "quadrant": _c("Quadrant"),
    "activity": _c("Activities per ward", NUMBER), "completion": _c("Promises achieved (%)", SHARE),
    "closed": _c("Promises closed", COUNT), "survey_quarter": _c("Survey quarter", DATE), "survey_base": _c("Survey base"),
    "measure": _c("Measure"), "label": _c("Question"), "value_pct": _c("Value (%)", PERCENT),
    "base_n": _c("People asked", COUNT), "base": _c("Base"), "figure": _c("Figure"), "unit": _c("Unit"),
    # Imports, the audit log, concerns
    "imported_at": _c("Imported at", DATETIME), "table_name": _c("Table"), "table": _c("Table"),
    "file_name": _c("File"), "file": _c("File"), "rows_new": _c("New rows", COUNT), "new": _c("New rows", COUNT),
    "rows_changed": _c("Changed rows", COUNT), "changed": _c("Changed rows", COUNT),
    "rows_unchanged": _c("Unchanged rows", COUNT), "unchanged": _c("Unchanged rows", COUNT),
    "undone_at": _c("Undone at", DATETIME), "checksum": _c("Checksum"), "id": _c("Import number"),
    "tried_at": _c("Tried at", DATETIME), "holds": _c("Holds"), "items_not_imported": _c("Items not imported", COUNT),
    "line": _c("Line"), "row": _c("Row"), "column": _c("Column"), "as UTF-8": _c("As UTF-8"),
    "as Windows-1252": _c("As Windows-1252"),
    "at": _c("When", DATETIME), "who": _c("Who"), "event": _c("Event"), "what": _c("What"), "rows": _c("Rows", COUNT),
}


@dataclass(frozen=True)
class Shown:
    """A column as the screen shows it: ``kind`` says how (dashboard.app.ui turns it into Streamlit's column settings)."""

    heading: str
    kind: str
    digits: int = 1
    wraps: bool = False


def column(name: str) -> Column:
    """The registry's entry for a column, or its own name as a text heading."""
    return COLUMNS.get(name) or Column(name)


def ordered(names: list[str]) -> list[str]:
    """Explanatory columns right after the row's name; the rest in their order.

    >>> ordered(["plan_state", "ward_name", "status", "reasons", "action"])
    ['ward_name', 'reasons', 'action', 'plan_state', 'status']
    """
    explaining = [n for n in names if column(n).explains]
    if not explaining:
        return list(names)
    leading = [n for n in names if n in LEADING]
    return leading + explaining + [n for n in names if n not in leading and n not in explaining]


def _kind(name: str, dtype: pl.DataType) -> str:
    """The registry's kind where the values fit it (a column named the same may hold text in another table)."""
    kind = column(name).kind
    if dtype == pl.Boolean:
        return YES_NO
    if kind in (COUNT, SHARE, PERCENT, NUMBER) and not dtype.is_numeric():
        return TEXT
    if kind in (DATE, DATETIME) and not dtype.is_temporal():
        return TEXT
    if kind == TEXT and dtype.is_float():
        return NUMBER
    if kind == TEXT and dtype.is_integer():
        return COUNT
    if kind == TEXT and dtype == pl.Date:
        return DATE
    if kind == TEXT and dtype == pl.Datetime:
        return DATETIME
    if kind == DATE and dtype == pl.Datetime:
        return DATETIME
    return kind


def _common(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str], dict[str, str]]:
    names = ordered(frame.columns)
    kinds = {n: _kind(n, frame.schema[n]) for n in names}
    frame = frame.select(names).with_columns(
        *[pl.col(n).cast(pl.String) for n in names if frame.schema[n] == pl.Categorical],
        *[pl.when(pl.col(n)).then(pl.lit("Yes")).when(pl.col(n).not_()).then(pl.lit("No")).alias(n)
          for n in names if kinds[n] == YES_NO],
    )
    return frame, names, kinds


def headings(names: list[str]) -> dict[str, str]:
    """Each name's heading; two columns that would share a heading keep their own name apart."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for n in names:
        heading = column(n).heading
        out[n] = heading if heading not in taken else f"{heading} ({n.replace('_', ' ')})"
        taken.add(out[n])
    return out


def screen(frame: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, Shown]]:
    """The table for the screen, under its headings, and how to show each column (by heading).

    Shares are multiplied by 100 so they read as percentages; everything else keeps its value
    (the screen formats it), so columns still sort as numbers and dates.
    """
    frame, names, kinds = _common(frame)
    frame = frame.with_columns(pl.col(n) * 100 for n in names if kinds[n] == SHARE)
    heads = headings(names)
    shown = {heads[n]: Shown(heads[n], PERCENT if kinds[n] == SHARE else kinds[n], column(n).digits, column(n).explains)
             for n in names}
    return frame.rename(heads), shown


def download(frame: pl.DataFrame) -> pl.DataFrame:
    """The table for a CSV: the screen's headings and order, values machine-friendly and rounded.

    Shares become percentages to one decimal (0.6666 -> 66.7), other measures keep their digits,
    date-times lose their microseconds, true/false read Yes/No.
    """
    frame, names, kinds = _common(frame)
    exprs = []
    for n in names:
        kind = kinds[n]
        if kind == SHARE:
            exprs.append((pl.col(n) * 100).round(CSV_PERCENT_DIGITS))
        elif kind == PERCENT:
            exprs.append(pl.col(n).round(CSV_PERCENT_DIGITS))
        elif kind == NUMBER and frame.schema[n].is_float():
            exprs.append(pl.col(n).round(column(n).digits if n in COLUMNS else CSV_FLOAT_DIGITS))
        elif kind == DATETIME:
            exprs.append(pl.col(n).dt.strftime("%Y-%m-%d %H:%M:%S"))
    return frame.with_columns(exprs).rename(headings(names))


def is_raw(heading: str) -> bool:
    """A heading a reader should not see: a code name (``plan_state``, ``wards``) rather than words."""
    return "_" in heading or heading[:1].islower()
