"""The CSV contract: one file per table users maintain, each described once here.

These column names are what boards and MOPAC build spreadsheets on: columns may be added,
never renamed. A column that is not ``optional`` must be present in an upload; the others may
be left out.

Everything else that names a table's columns is worked out from this registry: the import
checks (``dashboard.domain.imports``: kinds, allowed values, cross-field rules), the readers
(``data_access.queries.table``), the sample's write order (``data_access.seed``), what the
dashboard's cache leaves in the database or holds as categories (``dashboard.app.state``) and
the templates (``sample_data.make_templates``). tests/unit/test_tables_registry.py checks the
registry against the models, the templates and the README.

Adding a table: a block below, its model in ``data_access/models.py``, a migration, its
template in ``sample_data/templates/`` and its row in the README's CSV contract.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboard.domain import vocabulary as v

# --- Column kinds: how each column is parsed from text and checked (dashboard.domain.imports) ---

DATE, BOOL, COUNT, INT, PCT, TEXT, CODE, CHOICE, WARD, BOROUGH, PROMISE_REF = (
    "date", "bool", "count", "int", "pct", "text", "code", "choice", "ward", "borough", "promise_ref"
)
DATETIME = "datetime"  # only for columns the database keeps and no CSV carries
NUMBER = "number"  # a number that may have decimals and is never negative (a crime count shared between wards)

# --- What the database can hold, the same on SQLite and PostgreSQL (checked before any write) ---
GSS_CODE_CHARS = 9  # an ONS code: E05014053, E09000002, E12000007
CODE_CHARS = 40  # a reference: member_ref, promise_ref, officer_ref
COUNT_MAX = 2**31 - 1  # a 32-bit INTEGER column, the largest count either database stores
INT_MIN = -(2**31)

# What the dashboard's cache does with a column (the server's memory at --scale 10).
KEEP = "keep"
LEAVE_OUT = "leave out"  # left in the database: no figure uses it (free text is the largest part)
CATEGORY = "category"  # words repeated down the column, held as a polars category (4 bytes a row, not 16)

# How a table's rows are cut to a user's boroughs (sign-in).
BY_WARD = "ward_code"  # the row's ward lies in one of the boroughs
BY_BOROUGH = "borough_code"  # the row's borough is one of them; London-wide rows (E12000007) are everyone's


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    allowed: tuple[str, ...] = ()  # a choice column's values, from dashboard.domain.vocabulary
    optional: bool = False  # may be missing from a file and empty in a row
    cache: str = KEEP
    max_chars: int | None = None  # a text column's longest value, when not its kind's (models: VARCHAR(n))

    @property
    def limit(self) -> int | None:
        """The most characters a value may have: the model's VARCHAR length; None for unbounded text.

        A choice column is held to its allowed values instead (each fits its column).
        """
        if self.max_chars is not None:
            return self.max_chars
        return {WARD: GSS_CODE_CHARS, BOROUGH: GSS_CODE_CHARS, CODE: CODE_CHARS, PROMISE_REF: CODE_CHARS}.get(self.kind)


@dataclass(frozen=True)
class Rule:
    """A cross-field rule: the condition every row meets, else ``reason`` against ``columns``."""

    name: str
    columns: tuple[str, ...]
    condition: pl.Expr
    reason: str


@dataclass(frozen=True)
class CsvTable:
    name: str  # the file's name, e.g. "meetings" for meetings.csv
    db_table: str
    fields: tuple[Column, ...]  # in the file's (and the template's) order
    natural_key: tuple[str, ...]  # what makes a row "the same row" for an upsert
    rules: tuple[Rule, ...] = ()
    db_only: tuple[Column, ...] = ()  # columns the database adds that no file carries
    scope: str = BY_WARD
    sample: bool = False  # the sample generator fills it, in the order of this registry (foreign keys first)
    # The date a row's ward code must be valid on (dashboard.domain.wards_in_time): a ward from
    # before May 2022 for a date before 5 May 2022, a 2022 ward from then on. None: 2022 wards only.
    dated_by: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.fields)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.fields if c.optional)

    @property
    def left_out(self) -> tuple[str, ...]:
        """Columns the dashboard's cache leaves in the database."""
        return tuple(c.name for c in (*self.fields, *self.db_only) if c.cache == LEAVE_OUT)

    @property
    def categories(self) -> tuple[str, ...]:
        """Columns the dashboard's cache holds as polars categories."""
        return tuple(c.name for c in (*self.fields, *self.db_only) if c.cache == CATEGORY)


# A member is held by a reference that identifies nobody: never a name or an e-mail address.
PSEUDONYM_REASON = (
    "looks like a name or an e-mail address: a member reference must be a code that identifies nobody outside "
    "your records, of letters and digits with at least one digit, and no spaces or @ (for example M-0042 or HCK-2023-017)"
)


BOARD_BOROUGH_REASON = "a board is a borough's: use the borough's code (E09...), not London's (E12000007)"


def pseudonymous(column: str) -> pl.Expr:
    """A reference, not a name or an e-mail address: letters, digits and - _ . / only (no space, no @),
    starting with a letter or digit, with at least one digit. "M-0042" passes; "Jane Smith",
    "jane.smith@example.org" and "JSmith" do not."""
    value = pl.col(column)
    return value.str.contains(r"^[A-Za-z0-9][A-Za-z0-9_./-]*$") & value.str.contains(r"[0-9]")


def _not_before(later: str, earlier: str, *, optional: bool = True) -> pl.Expr:
    """``later`` is on or after ``earlier`` (or empty, when it is optional)."""
    after = pl.col(later) >= pl.col(earlier)
    return pl.col(later).is_null() | after if optional else after


# Every board table's rows are a borough's board's, never London's.
BOARD_OF_A_BOROUGH = Rule("board_of_a_borough", ("borough_code",), pl.col("borough_code") != v.LONDON_CODE, BOARD_BOROUGH_REASON)

# One block per table. The order is the import order (promises before the engagement that cites
# them) and the sample's write order.
TABLES: dict[str, CsvTable] = {
    t.name: t
    for t in (
        CsvTable(
            "panels", "panel",
            (
                Column("ward_code", WARD),
                Column("established_on", DATE),
                Column("closed_on", DATE, optional=True),
                Column("chair_type", CHOICE, v.CHAIR_TYPES),
                Column("meetings_open_to_public", BOOL),
                Column("terms_of_reference_agreed", BOOL),
                Column("last_membership_review_on", DATE, optional=True),
                Column("public_contact", TEXT, optional=True),
            ),
            natural_key=("ward_code", "established_on"),
            dated_by="established_on",
            rules=(Rule("closed_after_established", ("closed_on",), _not_before("closed_on", "established_on"),
                        "closed_on is before established_on"),),
            sample=True,
        ),
        CsvTable(
            "members", "panel_member",
            (
                Column("member_ref", CODE, cache=LEAVE_OUT),
                Column("ward_code", WARD),
                Column("sector", CHOICE, v.SECTORS, cache=CATEGORY),
                Column("is_chair", BOOL),
                Column("ethnic_group", CHOICE, v.ETHNIC_VALUES, cache=CATEGORY),
                Column("age_band", CHOICE, v.AGE_VALUES, cache=CATEGORY),
                Column("sex", CHOICE, v.SEX_VALUES, cache=CATEGORY),
                Column("joined_on", DATE),
                Column("left_on", DATE, optional=True),
            ),
            natural_key=("ward_code", "member_ref"),
            dated_by="joined_on",
            rules=(
                Rule("left_after_joined", ("left_on",), _not_before("left_on", "joined_on"), "left_on is before joined_on"),
                Rule("member_ref_pseudonymous", ("member_ref",), pseudonymous("member_ref"), PSEUDONYM_REASON),
            ),
            sample=True,
        ),
        CsvTable(
            "meetings", "meeting",
            (
                Column("ward_code", WARD),
                Column("held_on", DATE),
                Column("attendees", COUNT),
                Column("public_attendees", COUNT),
                Column("dwo_present", BOOL),
                Column("promises_reviewed", BOOL),
                Column("minutes_published", BOOL),
                Column("format", CHOICE, v.MEETING_FORMATS, cache=CATEGORY),
                Column("open_to_public", BOOL, optional=True),
            ),
            natural_key=("ward_code", "held_on"),
            dated_by="held_on",
            rules=(Rule("public_within_attendees", ("public_attendees",), pl.col("public_attendees") <= pl.col("attendees"),
                        "public_attendees is more than attendees (the public are counted within attendees)"),),
            sample=True,
        ),
        CsvTable(
            "promises", "promise",
            (
                Column("promise_ref", CODE),
                Column("ward_code", WARD),
                Column("set_on", DATE),
                Column("category", CHOICE, v.CATEGORIES, cache=CATEGORY),
                Column("origin", CHOICE, v.PROMISE_ORIGINS, cache=CATEGORY),
                # A ward's promises are read with their text when one ward is shown (state.ward_promises).
                Column("description", TEXT, cache=LEAVE_OUT),
                Column("status", CHOICE, v.PROMISE_STATUSES, cache=CATEGORY),
                Column("closed_on", DATE, optional=True),
                Column("outcome", TEXT, optional=True, cache=LEAVE_OUT),
                Column("feedback_published_on", DATE, optional=True),
                Column("internal", BOOL, optional=True),  # a board keeps it off the public page
                # Who leads the work (empty: the police), what the panel agreed to do, and what stood in the way.
                Column("lead_agency", CHOICE, v.LEAD_AGENCIES, optional=True, cache=CATEGORY),
                Column("action", TEXT, optional=True, cache=LEAVE_OUT),
                Column("barrier", TEXT, optional=True),
            ),
            natural_key=("promise_ref",),
            dated_by="set_on",
            rules=(
                Rule("closed_after_set", ("closed_on",), _not_before("closed_on", "set_on"), "closed_on is before set_on"),
                Rule("closed_has_date", ("closed_on",), (pl.col("status") == v.PROMISE_OPEN) | pl.col("closed_on").is_not_null(),
                     "a promise with this status needs a closed_on date"),
                Rule("open_has_no_date", ("closed_on",), (pl.col("status") != v.PROMISE_OPEN) | pl.col("closed_on").is_null(),
                     "an open promise cannot have a closed_on date (set the status too)"),
                Rule("feedback_after_set", ("feedback_published_on",), _not_before("feedback_published_on", "set_on"),
                     "feedback_published_on is before set_on"),
            ),
            sample=True,
        ),
        CsvTable(
            "engagement", "engagement_activity",
            (
                Column("ward_code", WARD),
                Column("held_on", DATE),
                Column("kind", CHOICE, v.ENGAGEMENT_KINDS, cache=CATEGORY),
                Column("people_reached", COUNT),
                Column("young_people_reached", COUNT),
                Column("promise_ref", PROMISE_REF, optional=True, cache=CATEGORY),  # the promise it served
                Column("venue", TEXT, optional=True, cache=CATEGORY, max_chars=200),  # where, for residents
            ),
            natural_key=("ward_code", "held_on", "kind"),
            dated_by="held_on",
            rules=(Rule("young_within_people", ("young_people_reached",), pl.col("young_people_reached") <= pl.col("people_reached"),
                        "young_people_reached is more than people_reached (young people are counted within it)"),),
            sample=True,
        ),
        # What the community said. Rows imported here count at once (status accepted);
        # concerns residents send from the public ward page wait for a board member.
        CsvTable(
            "concerns", "concern",
            (
                Column("ward_code", WARD),
                Column("raised_on", DATE),
                Column("source", CHOICE, v.CONCERN_SOURCES, cache=LEAVE_OUT),
                Column("category", CHOICE, v.CATEGORIES, cache=CATEGORY),  # one vocabulary with promises
                Column("count", COUNT),
                Column("note", TEXT, optional=True, cache=LEAVE_OUT),
            ),
            natural_key=("ward_code", "raised_on", "source", "category"),
            dated_by="raised_on",
            rules=(
                Rule("count_at_least_one", ("count",), pl.col("count") >= 1,
                     "count must be at least 1 (how many people or responses raised the concern)"),
                Rule("note_not_too_long", ("note",), pl.col("note").is_null() | (pl.col("note").str.len_chars() <= 2000),
                     "note is longer than 2,000 characters"),
            ),
            db_only=(
                Column("status", CHOICE, v.CONCERN_STATUSES, cache=CATEGORY),  # accepted unless sent from the public page
                Column("submitted_at", DATETIME, optional=True, cache=LEAVE_OUT),  # the public form only
                Column("reviewed_at", DATETIME, optional=True, cache=LEAVE_OUT),
                Column("client_key", CODE, optional=True, cache=LEAVE_OUT, max_chars=64),  # the public form's per-client limit
            ),
            sample=True,
        ),
        CsvTable(
            "confidence", "confidence_measure",
            (
                Column("borough_code", BOROUGH),
                Column("quarter_end", DATE),
                Column("measure", CHOICE, v.PAS_MEASURES),
                Column("value_pct", PCT),
                Column("base_n", COUNT, optional=True),
            ),
            natural_key=("borough_code", "quarter_end", "measure"),
            scope=BY_BOROUGH,  # the sample loads MOPAC's real figures instead (data_access.seed)
        ),
        CsvTable(
            "remedy_plans", "remedy_plan",
            (
                Column("ward_code", WARD),
                Column("problem", CHOICE, v.REMEDY_PROBLEMS),
                Column("action", TEXT),
                Column("owner", TEXT, max_chars=120),
                Column("agreed_on", DATE),
                Column("due_on", DATE),
                Column("completed_on", DATE, optional=True),
            ),
            natural_key=("ward_code", "problem", "agreed_on"),
            dated_by="agreed_on",
            rules=(
                Rule("due_after_agreed", ("due_on",), _not_before("due_on", "agreed_on", optional=False), "due_on is before agreed_on"),
                Rule("completed_after_agreed", ("completed_on",), _not_before("completed_on", "agreed_on"), "completed_on is before agreed_on"),
            ),
            sample=True,
        ),
        CsvTable(
            "dwo_assignments", "dwo_assignment",
            (
                Column("ward_code", WARD),
                Column("officer_ref", CODE),
                Column("started_on", DATE),
                Column("ended_on", DATE, optional=True),
            ),
            natural_key=("ward_code", "officer_ref", "started_on"),
            dated_by="started_on",
            rules=(Rule("ended_after_started", ("ended_on",), _not_before("ended_on", "started_on"), "ended_on is before started_on"),),
            sample=True,
        ),
        # The Safer Neighbourhood Board of each borough: who sits on it, its meetings with the
        # Borough Commander, the commanders in post, and its money.
        CsvTable(
            "board_members", "board_member",
            (
                Column("member_ref", CODE, cache=LEAVE_OUT),
                Column("borough_code", BOROUGH),
                Column("role", CHOICE, v.BOARD_ROLES, cache=CATEGORY),
                Column("ward_represented", WARD, optional=True),  # a panel chair's ward (a 2022 ward)
                Column("group_represented", TEXT, optional=True, cache=LEAVE_OUT, max_chars=120),
                Column("ethnic_group", CHOICE, v.ETHNIC_VALUES, cache=CATEGORY),
                Column("age_band", CHOICE, v.AGE_VALUES, cache=CATEGORY),
                Column("sex", CHOICE, v.SEX_VALUES, cache=CATEGORY),
                Column("joined_on", DATE),
                Column("left_on", DATE, optional=True),
            ),
            natural_key=("borough_code", "member_ref"),
            rules=(
                BOARD_OF_A_BOROUGH,
                Rule("panel_chair_names_ward", ("ward_represented",),
                     (pl.col("role") != v.BOARD_PANEL_CHAIR) | pl.col("ward_represented").is_not_null(),
                     "a panel chair needs the ward whose panel they chair (ward_represented, a 2022 ward code)"),
                Rule("left_after_joined", ("left_on",), _not_before("left_on", "joined_on"), "left_on is before joined_on"),
                Rule("member_ref_pseudonymous", ("member_ref",), pseudonymous("member_ref"), PSEUDONYM_REASON),
            ),
            scope=BY_BOROUGH,
            sample=True,
        ),
        CsvTable(
            "board_meetings", "board_meeting",
            (
                Column("borough_code", BOROUGH),
                Column("held_on", DATE),
                Column("public", BOOL),
                Column("commander_present", BOOL),
                Column("commander_update_given", BOOL),
                Column("panel_chairs_present", COUNT),
            ),
            natural_key=("borough_code", "held_on"),
            rules=(BOARD_OF_A_BOROUGH,),
            scope=BY_BOROUGH,
            sample=True,
        ),
        CsvTable(
            "borough_commanders", "borough_commander",
            (
                Column("officer_ref", CODE),
                Column("borough_code", BOROUGH),
                Column("started_on", DATE),
                Column("ended_on", DATE, optional=True),
            ),
            natural_key=("borough_code", "officer_ref", "started_on"),
            rules=(
                BOARD_OF_A_BOROUGH,
                Rule("ended_after_started", ("ended_on",), _not_before("ended_on", "started_on"), "ended_on is before started_on"),
            ),
            scope=BY_BOROUGH,
            sample=True,
        ),
        CsvTable(
            "board_funding", "board_funding",
            (
                Column("borough_code", BOROUGH),
                Column("year", COUNT),  # the financial year that starts in April of this year
                Column("source", CHOICE, v.FUNDING_SOURCES),
                Column("amount", COUNT),  # whole pounds
                Column("spent", COUNT),  # whole pounds
                Column("spent_on", TEXT, optional=True, cache=LEAVE_OUT),
            ),
            natural_key=("borough_code", "year", "source"),
            rules=(
                BOARD_OF_A_BOROUGH,
                Rule("year_plausible", ("year",), pl.col("year").is_between(2000, 2100),
                     "year is not a year from 2000 to 2100 (the year the financial year starts, e.g. 2023 for 2023-24)"),
            ),
            scope=BY_BOROUGH,
            sample=True,
        ),
        CsvTable(
            "ward_population", "ward_population",  # the Census counts come with the reference data
            (
                Column("ward_code", WARD),
                Column("dimension", CODE, cache=CATEGORY),
                Column("category", TEXT, cache=CATEGORY, max_chars=80),
                Column("count", COUNT),
                Column("source", TEXT, cache=LEAVE_OUT, max_chars=200),
            ),
            natural_key=("ward_code", "dimension", "category"),
        ),
        # The significant local groups a board expects on a ward's panel (an industrial estate, a
        # college, a hospital, a large housing association): each panel is checked for a member
        # from the sector of each (vocabulary.GROUP_SECTORS).
        CsvTable(
            "ward_groups", "ward_group",
            (
                Column("ward_code", WARD),
                Column("organisation", TEXT, max_chars=200),
                Column("kind", CHOICE, v.GROUP_KINDS, cache=CATEGORY),
            ),
            natural_key=("ward_code", "organisation"),
            sample=True,
        ),
        # Recorded crime by 2022 ward, month and police.uk crime type: made from police.uk
        # street-level files (dashboard.domain.street_crime), whose LSOA counts are shared between
        # wards by residents, so a count may have decimals. No crime record is kept, only counts.
        CsvTable(
            "crime", "crime_count",
            (
                Column("ward_code", WARD),
                Column("month", DATE),
                Column("crime_type", TEXT, cache=CATEGORY, max_chars=80),
                Column("count", NUMBER),
            ),
            natural_key=("ward_code", "month", "crime_type"),
            rules=(Rule("month_first_day", ("month",), pl.col("month").dt.day() == 1,
                        "month must be the first day of its month (police.uk gives months, e.g. 2023-12-01)"),),
            sample=True,
        ),
    )
}
