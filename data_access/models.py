"""The database schema: SQLAlchemy 2 typed models, one per table.

Every table a user maintains has a *natural key* (a unique constraint on the columns a person
would use to say "this row"): imports upsert on it and the sample generator never repeats it.
One naming convention for constraints keeps SQLite and PostgreSQL migrations identical.

Codes are ONS GSS codes: boroughs E09, wards E05, London region E12000007. ``ward`` holds the
2022 wards, the wards of every figure; ``ward_pre2022`` the wards in force before 5 May 2022, and
``ward_successor`` which 2022 wards each one's area went to. Records are kept on the ward code
valid on their date, so the activity tables point at ``recorded_ward``: every code a record may
carry, with the 2022 ward it counts for (dashboard.domain.wards_in_time).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# The concerns an import wrote (a resident's concern from the public ward page has submitted_at set).
IMPORTED_CONCERNS = "submitted_at IS NULL"


def _ward_fk() -> Mapped[str]:
    """A record's ward, as recorded: a 2022 ward, or a ward before May 2022 for a record dated then."""
    return mapped_column(String(9), ForeignKey("recorded_ward.code"), index=True)


class Borough(Base):
    """A London local authority (32 boroughs and the City of London)."""

    __tablename__ = "borough"
    code: Mapped[str] = mapped_column(String(9), primary_key=True)  # ONS E09 code
    name: Mapped[str] = mapped_column(String(80), unique=True)
    police_force: Mapped[str] = mapped_column(String(80))
    bcu: Mapped[str | None] = mapped_column(String(40))  # Met BCU; NULL for the City of London


class Ward(Base):
    """A 2022 London ward (704: 679 policed by the Met, 25 in the City of London)."""

    __tablename__ = "ward"
    code: Mapped[str] = mapped_column(String(9), primary_key=True)  # ONS E05 code, 2022 wards
    name: Mapped[str] = mapped_column(String(120))
    borough_code: Mapped[str] = mapped_column(String(9), ForeignKey("borough.code"), index=True)
    centroid_lon: Mapped[float | None] = mapped_column(Float)
    centroid_lat: Mapped[float | None] = mapped_column(Float)


class FormerWard(Base):
    """A London ward in force before 5 May 2022 (ONS December 2020 set: 657, 632 of them the Met's).

    174 kept their code in May 2022, so their code is in ``ward`` as well.
    """

    __tablename__ = "ward_pre2022"
    code: Mapped[str] = mapped_column(String(9), primary_key=True)  # ONS E05 code, December 2020 wards
    name: Mapped[str] = mapped_column(String(120))
    borough_code: Mapped[str] = mapped_column(String(9), ForeignKey("borough.code"), index=True)


class WardSuccessor(Base):
    """An old ward and a 2022 ward that overlap, with the shares of each one's area (real ONS
    boundaries, 200 m generalised); ``best_fit`` marks the 2022 ward with most of the old one's area."""

    __tablename__ = "ward_successor"
    old_code: Mapped[str] = mapped_column(String(9), ForeignKey("ward_pre2022.code"), primary_key=True)
    new_code: Mapped[str] = mapped_column(String(9), ForeignKey("ward.code"), primary_key=True, index=True)
    share_of_old_area: Mapped[float] = mapped_column(Float)
    share_of_new_area: Mapped[float] = mapped_column(Float)
    best_fit: Mapped[bool] = mapped_column(Boolean)


class RecordedWard(Base):
    """Every ward code a record may carry (the 2022 wards and those before May 2022), with its
    borough (whose users may see and change the record) and the 2022 ward it counts for in
    figures: itself, or an old ward's best fit."""

    __tablename__ = "recorded_ward"
    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    borough_code: Mapped[str] = mapped_column(String(9), ForeignKey("borough.code"), index=True)
    counts_as: Mapped[str] = mapped_column(String(9), ForeignKey("ward.code"), index=True)


class WardPopulation(Base):
    """Census counts by ward: one row per (ward, dimension, category), e.g. ethnic_group/Asian."""

    __tablename__ = "ward_population"
    ward_code: Mapped[str] = mapped_column(String(9), ForeignKey("ward.code"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str] = mapped_column(String(80), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200))
    __table_args__ = (CheckConstraint("count >= 0", name="count_not_negative"),)


class Panel(Base):
    """A ward panel's life: a ward may have had several (closed and re-formed)."""

    __tablename__ = "panel"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ward_code: Mapped[str] = _ward_fk()
    established_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    chair_type: Mapped[str] = mapped_column(String(40))
    meetings_open_to_public: Mapped[bool] = mapped_column(Boolean)
    terms_of_reference_agreed: Mapped[bool] = mapped_column(Boolean)
    last_membership_review_on: Mapped[dt.date | None] = mapped_column(Date)
    # How residents get involved, as the board enters it; shown on the public ward page.
    public_contact: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("ward_code", "established_on"),)


class PanelMember(Base):
    """A panel member, by pseudonymous reference only: never a name."""

    __tablename__ = "panel_member"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_ref: Mapped[str] = mapped_column(String(40))
    ward_code: Mapped[str] = _ward_fk()
    sector: Mapped[str] = mapped_column(String(40))
    is_chair: Mapped[bool] = mapped_column(Boolean)
    ethnic_group: Mapped[str] = mapped_column(String(60))
    age_band: Mapped[str] = mapped_column(String(20))
    sex: Mapped[str] = mapped_column(String(20))
    joined_on: Mapped[dt.date] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    __table_args__ = (UniqueConstraint("ward_code", "member_ref"),)


class Meeting(Base):
    __tablename__ = "meeting"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ward_code: Mapped[str] = _ward_fk()
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    attendees: Mapped[int] = mapped_column(Integer)
    public_attendees: Mapped[int] = mapped_column(Integer)
    dwo_present: Mapped[bool] = mapped_column(Boolean)
    promises_reviewed: Mapped[bool] = mapped_column(Boolean)
    minutes_published: Mapped[bool] = mapped_column(Boolean)
    format: Mapped[str] = mapped_column(String(20))  # in person | online | hybrid
    open_to_public: Mapped[bool | None] = mapped_column(Boolean)  # added column; optional in CSV
    __table_args__ = (
        UniqueConstraint("ward_code", "held_on"),
        CheckConstraint("attendees >= 0 AND public_attendees >= 0", name="counts_not_negative"),
    )


class Promise(Base):
    """A ward promise (local policing priority) and what came of it."""

    __tablename__ = "promise"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    promise_ref: Mapped[str] = mapped_column(String(40), unique=True)
    ward_code: Mapped[str] = _ward_fk()
    set_on: Mapped[dt.date] = mapped_column(Date, index=True)
    category: Mapped[str] = mapped_column(String(60))
    origin: Mapped[str] = mapped_column(String(20))  # panel | borough | central
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30))
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(Text)
    feedback_published_on: Mapped[dt.date | None] = mapped_column(Date)  # "you said, we did"
    internal: Mapped[bool | None] = mapped_column(Boolean)  # A board keeps it off the public page
    lead_agency: Mapped[str | None] = mapped_column(String(30))  # empty: the police lead it
    action: Mapped[str | None] = mapped_column(Text)  # what the panel agreed to do
    barrier: Mapped[str | None] = mapped_column(Text)  # what stood in the way


class EngagementActivity(Base):
    __tablename__ = "engagement_activity"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ward_code: Mapped[str] = _ward_fk()
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    people_reached: Mapped[int] = mapped_column(Integer)
    young_people_reached: Mapped[int] = mapped_column(Integer)
    promise_ref: Mapped[str | None] = mapped_column(String(40))
    venue: Mapped[str | None] = mapped_column(String(200))  # where it is held, as residents would look for it
    __table_args__ = (
        UniqueConstraint("ward_code", "held_on", "kind"),
        CheckConstraint(
            "people_reached >= 0 AND young_people_reached >= 0", name="counts_not_negative"
        ),
    )


class Concern(Base):
    """What the community said: a concern heard, by source and category.

    Imported rows are ``accepted`` at once. A resident's concern from the public ward page is
    stored with source ``online``, ``submitted_at`` set and status ``pending``; it counts in no
    figure until a board member accepts it. The CSV's natural key (ward, day, source, category)
    is unique among imported rows only (``submitted_at`` is NULL): two residents may raise the
    same category on the same day. A partial unique index holds it so (the same on SQLite and
    PostgreSQL), so two imports of one file at once cannot store its rows twice.
    """

    __tablename__ = "concern"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ward_code: Mapped[str] = _ward_fk()
    raised_on: Mapped[dt.date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(60))
    count: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), server_default="accepted")  # accepted | pending | rejected
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=False))  # the public form only
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=False))
    # The public form only: a keyed hash of the sender's address, for the per-client limit.
    client_key: Mapped[str | None] = mapped_column(String(64), index=True)
    __table_args__ = (
        CheckConstraint("count >= 1", name="count_positive"),
        CheckConstraint("status IN ('accepted', 'pending', 'rejected')", name="status_known"),
        Index("uq_concern_imported_key", "ward_code", "raised_on", "source", "category", unique=True,
              sqlite_where=text(IMPORTED_CONCERNS), postgresql_where=text(IMPORTED_CONCERNS)),
    )


class ConfidenceMeasure(Base):
    """Public Attitude Survey measure by borough (or London, E12000007) and quarter end."""

    __tablename__ = "confidence_measure"
    borough_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    quarter_end: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    measure: Mapped[str] = mapped_column(String(60), primary_key=True)
    value_pct: Mapped[float] = mapped_column(Float)
    base_n: Mapped[int | None] = mapped_column(Integer)  # survey base; not in MOPAC's release
    __table_args__ = (CheckConstraint("value_pct >= 0 AND value_pct <= 100", name="pct_range"),)


class RemedyPlan(Base):
    __tablename__ = "remedy_plan"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ward_code: Mapped[str] = _ward_fk()
    problem: Mapped[str] = mapped_column(String(30))  # no panel | not functioning
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(120))
    agreed_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    __table_args__ = (UniqueConstraint("ward_code", "problem", "agreed_on"),)


class DwoAssignment(Base):
    """A Dedicated Ward Officer's time on a ward, by pseudonymous officer reference."""

    __tablename__ = "dwo_assignment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ward_code: Mapped[str] = _ward_fk()
    officer_ref: Mapped[str] = mapped_column(String(40))
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    __table_args__ = (UniqueConstraint("ward_code", "officer_ref", "started_on"),)


class BoardMember(Base):
    """A member of a borough's Safer Neighbourhood Board, by pseudonymous reference only: never a name."""

    __tablename__ = "board_member"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_ref: Mapped[str] = mapped_column(String(40))
    borough_code: Mapped[str] = mapped_column(String(9), ForeignKey("borough.code"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    ward_represented: Mapped[str | None] = mapped_column(String(9), ForeignKey("ward.code"))  # a panel chair's ward
    group_represented: Mapped[str | None] = mapped_column(String(120))
    ethnic_group: Mapped[str] = mapped_column(String(60))
    age_band: Mapped[str] = mapped_column(String(20))
    sex: Mapped[str] = mapped_column(String(20))
    joined_on: Mapped[dt.date] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    __table_args__ = (UniqueConstraint("borough_code", "member_ref"),)


class BoardMeeting(Base):
    """A meeting of a borough's board, and whether the Borough Commander came and gave an update."""

    __tablename__ = "board_meeting"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    borough_code: Mapped[str] = mapped_column(String(9), ForeignKey("borough.code"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    public: Mapped[bool] = mapped_column(Boolean)
    commander_present: Mapped[bool] = mapped_column(Boolean)
    commander_update_given: Mapped[bool] = mapped_column(Boolean)
    panel_chairs_present: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        UniqueConstraint("borough_code", "held_on"),
        CheckConstraint("panel_chairs_present >= 0", name="count_not_negative"),
    )


class BoroughCommander(Base):
    """A Borough Commander's time in post for a borough, by pseudonymous officer reference."""

    __tablename__ = "borough_commander"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    officer_ref: Mapped[str] = mapped_column(String(40))
    borough_code: Mapped[str] = mapped_column(String(9), ForeignKey("borough.code"), index=True)
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    __table_args__ = (UniqueConstraint("borough_code", "officer_ref", "started_on"),)


class BoardFunding(Base):
    """A board's money for a financial year from one source, in whole pounds, and what it was spent on."""

    __tablename__ = "board_funding"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    borough_code: Mapped[str] = mapped_column(String(9), ForeignKey("borough.code"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(Integer)
    spent: Mapped[int] = mapped_column(Integer)
    spent_on: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("borough_code", "year", "source"),
        CheckConstraint("amount >= 0 AND spent >= 0", name="money_not_negative"),
    )
class WardGroup(Base):
    """A significant local group a board expects on a 2022 ward's panel (an estate, a college, a hospital ...)."""

    __tablename__ = "ward_group"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ward_code: Mapped[str] = mapped_column(String(9), ForeignKey("ward.code"), index=True)
    organisation: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    __table_args__ = (UniqueConstraint("ward_code", "organisation"),)


class CrimeCount(Base):
    """Recorded crime by 2022 ward, month (its first day) and police.uk crime type.

    Made from police.uk street-level files: each record's LSOA (2021) is shared between the wards
    it overlaps by their share of its residents, so a count may have decimals. No record is kept.
    """

    __tablename__ = "crime_count"
    ward_code: Mapped[str] = mapped_column(String(9), ForeignKey("ward.code"), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    crime_type: Mapped[str] = mapped_column(String(80), primary_key=True)
    count: Mapped[float] = mapped_column(Float)
    __table_args__ = (CheckConstraint("count >= 0", name="count_not_negative"),)


class ImportBatch(Base):
    """One load of data: an upload, a command-line import, the reference data or the sample."""

    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_name: Mapped[str] = mapped_column(String(255))
    checksum: Mapped[str] = mapped_column(String(64))  # sha256 of the file's bytes
    table_name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))  # reference | sample | upload | cli
    rows_new: Mapped[int] = mapped_column(Integer, default=0)
    rows_changed: Mapped[int] = mapped_column(Integer, default=0)
    rows_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=False))
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=False))
    # Borough codes the import wrote or overwrote, comma separated (None: London-wide loads and
    # batches from before this column): the history a scoped user sees is cut by it.
    boroughs: Mapped[str | None] = mapped_column(Text)
    # Who imported it, as the audit trail says it (None: the sample and reference loads).
    imported_by: Mapped[str | None] = mapped_column(String(255))


class ImportChange(Base):
    """What one import did to one row, so the import can be undone exactly.

    ``natural_key`` is the rows' natural keys as JSON; ``previous`` the old values of the columns an
    import changed, with their names (JSON), or NULL when it inserted the rows (undo deletes them).
    Kept only while the import can be undone (``data_access.writes.purge_history``).
    """

    __tablename__ = "import_change"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(Integer, ForeignKey("import_batch.id"), index=True)
    natural_key: Mapped[str] = mapped_column(Text)
    previous: Mapped[str | None] = mapped_column(Text)


class PoliceukUnmatched(Base):
    """A police.uk file whose neighbourhood id is no 2022 ward code: nothing of it was imported
    (so no import batch), and it is kept here, shown with the import history, so the id can be
    matched to a ward later."""

    __tablename__ = "policeuk_unmatched"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    neighbourhood: Mapped[str] = mapped_column(String(100))  # the police.uk id as given
    kind: Mapped[str] = mapped_column(String(20))  # priorities | events
    file_name: Mapped[str] = mapped_column(String(255))
    checksum: Mapped[str] = mapped_column(String(64))  # sha256 of the file's bytes
    items: Mapped[int] = mapped_column(Integer)  # the items not imported
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=False))
    seen_by: Mapped[str | None] = mapped_column(String(255))  # as the audit trail says it
    # The boroughs of the user who tried it (comma separated; None: London-wide): a user scoped to
    # boroughs sees only what users of their boroughs tried, as with the import history.
    boroughs: Mapped[str | None] = mapped_column(Text)


class AuditEvent(Base):
    """Who did what, when, to how many rows: imports, undos and downloads of member-level data."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=False), index=True)
    who: Mapped[str] = mapped_column(String(255))  # the signed-in email, "open mode" or "command line (user)"
    action: Mapped[str] = mapped_column(String(40))  # import | import refused | undo | download
    what: Mapped[str] = mapped_column(Text)  # the file, table or download, in words
    rows: Mapped[int | None] = mapped_column(Integer)


class DataSetting(Base):
    """A setting about the data that every user shares, kept with who set it and when.

    ``figures_complete_to``: the last day for which the data is complete (an ISO date); pages
    open on the quarter ending then, whatever rows arrive after it.
    """

    __tablename__ = "data_setting"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    set_by: Mapped[str] = mapped_column(String(255))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=False))


class DataVersion(Base):
    """One row: a number every change to the data moves on, in the change's own transaction.

    Each app process looks at it every few seconds and forgets its cached figures when it has
    moved, so an import made by another process or the command line shows everywhere within seconds.
    """

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=False))
