"""The CSV contract: one file per table users maintain (issue #3).

These column names are what boards and MOPAC build spreadsheets on: columns may be added,
never renamed. ``required`` columns must be present in an upload; the others may be left out.
"""

from __future__ import annotations

from typing import NamedTuple


class CsvTable(NamedTuple):
    name: str  # the file's name, e.g. "meetings" for meetings.csv
    db_table: str
    columns: tuple[str, ...]
    natural_key: tuple[str, ...]  # what makes a row "the same row" for an upsert
    optional: tuple[str, ...] = ()


TABLES = {
    t.name: t
    for t in (
        CsvTable(
            "panels",
            "panel",
            ("ward_code", "established_on", "closed_on", "chair_type", "meetings_open_to_public",
             "terms_of_reference_agreed", "last_membership_review_on", "public_contact"),
            ("ward_code", "established_on"),
            ("closed_on", "last_membership_review_on", "public_contact"),
        ),
        CsvTable(
            "members",
            "panel_member",
            ("member_ref", "ward_code", "sector", "is_chair", "ethnic_group", "age_band", "sex", "joined_on", "left_on"),
            ("ward_code", "member_ref"),
            ("left_on",),
        ),
        CsvTable(
            "meetings",
            "meeting",
            ("ward_code", "held_on", "attendees", "public_attendees", "dwo_present", "promises_reviewed",
             "minutes_published", "format", "open_to_public"),
            ("ward_code", "held_on"),
            ("open_to_public",),
        ),
        CsvTable(
            "promises",
            "promise",
            ("promise_ref", "ward_code", "set_on", "category", "origin", "description", "status", "closed_on",
             "outcome", "feedback_published_on", "internal"),
            ("promise_ref",),
            ("closed_on", "outcome", "feedback_published_on", "internal"),
        ),
        CsvTable(
            "engagement",
            "engagement_activity",
            ("ward_code", "held_on", "kind", "people_reached", "young_people_reached", "promise_ref"),
            ("ward_code", "held_on", "kind"),
            ("promise_ref",),
        ),
        # issue #11: what the community said. Rows imported here count at once (status accepted);
        # concerns residents send from the public ward page wait for a board member.
        CsvTable(
            "concerns",
            "concern",
            ("ward_code", "raised_on", "source", "category", "count", "note"),
            ("ward_code", "raised_on", "source", "category"),
            ("note",),
        ),
        CsvTable(
            "confidence",
            "confidence_measure",
            ("borough_code", "quarter_end", "measure", "value_pct", "base_n"),
            ("borough_code", "quarter_end", "measure"),
            ("base_n",),
        ),
        CsvTable(
            "remedy_plans",
            "remedy_plan",
            ("ward_code", "problem", "action", "owner", "agreed_on", "due_on", "completed_on"),
            ("ward_code", "problem", "agreed_on"),
            ("completed_on",),
        ),
        CsvTable(
            "dwo_assignments",
            "dwo_assignment",
            ("ward_code", "officer_ref", "started_on", "ended_on"),
            ("ward_code", "officer_ref", "started_on"),
            ("ended_on",),
        ),
        CsvTable(
            "ward_population",
            "ward_population",
            ("ward_code", "dimension", "category", "count", "source"),
            ("ward_code", "dimension", "category"),
        ),
    )
}
