"""What the public ward page shows a resident. Pure polars, no st.* and no SQL.

Only what a panel makes public: the ward's current promises, what came of past ones where the
outcome was published ("you said, we did"), when the panel last met and next meets, the panel
meetings and engagement events of the next three months, the ward's officers by role (as the
Met publishes its ward teams, without names) and how to get involved. By construction there is
no member-level data here (the members table is never read), no count of people at all (so
nothing below the disclosure threshold), and nothing a board marked as internal (``promise.internal``). ``PUBLIC_COLUMNS`` lists every column a table
on the page may have; a test checks that across every ward of the sample.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from dashboard.domain import areas
from dashboard.domain import vocabulary as v
from dashboard.domain.formatting import uk_date
from dashboard.domain.periods import months_before
from dashboard.figures.expressions import open_on, told_by

PROMISE_COLUMNS = ("About", "Our promise", "Set on")
DONE_COLUMNS = ("About", "We promised", "What happened", "What we did", "Told residents on")
UPCOMING_COLUMNS = ("Date", "What", "Where")
OFFICER_COLUMNS = ("Role", "In post since")
PUBLIC_COLUMNS = frozenset(PROMISE_COLUMNS + DONE_COLUMNS + UPCOMING_COLUMNS + OFFICER_COLUMNS)
UPCOMING_MONTHS = 3
# Engagement a resident can come to (not newsletters, social media or surveys).
EVENT_KINDS = ("contact session", "community event", "public meeting", "school visit", "street briefing")
OFFICER_ROLE = "Dedicated Ward Officer"  # the only officers the data records (dwo_assignments)

STATUS_WORDS = {
    "achieved": "Achieved",
    "partly achieved": "Partly achieved",
    "not achieved": "Not achieved",
    "withdrawn": "Withdrawn",
}


@dataclass(frozen=True)
class PublicWard:
    ward_code: str
    ward_name: str
    borough_name: str
    is_met: bool
    has_panel: bool
    contact: str | None
    last_met: dt.date | None
    next_meeting: dt.date | None
    promises: pl.DataFrame  # PROMISE_COLUMNS, all text
    done: pl.DataFrame  # DONE_COLUMNS, all text
    upcoming: pl.DataFrame  # UPCOMING_COLUMNS, all text: the next three months
    officers: pl.DataFrame  # OFFICER_COLUMNS, all text: in post today

    @property
    def meetings_text(self) -> tuple[str, str]:
        """(last, next) as sentences a resident reads."""
        last = (f"The panel last met on {uk_date(self.last_met)}." if self.last_met
                else "We have no record of the panel meeting yet.")
        following = (f"It next meets on {uk_date(self.next_meeting)}." if self.next_meeting
                     else "The date of the next meeting has not been published yet.")
        return last, following


def _public(promises: pl.DataFrame) -> pl.Expr:
    """Not marked internal by the board (empty counts as public, as before the column existed)."""
    return pl.col("internal").is_null() | ~pl.col("internal") if "internal" in promises.columns else pl.lit(True)


def upcoming(meetings: pl.DataFrame, engagement: pl.DataFrame | None, ward_code: str, today: dt.date, *,
             months: int = UPCOMING_MONTHS) -> pl.DataFrame:
    """The ward's panel meetings and engagement events a resident can come to (contact sessions,
    community events, public meetings, school visits, street briefings) after ``today`` and up to
    ``months`` months on, soonest first, with the venue where entered ("Online" for an online
    meeting). Example: today 1 December 2025 -> a contact session on 10 January 2026 at Barking
    Library is listed; one on 2 March 2026 is not (after 1 March 2026). Columns: Date, What, Where.
    """
    end = months_before(today, -months)
    soon = lambda f: f.filter((pl.col("ward_code") == ward_code) & (pl.col("held_on") > today) & (pl.col("held_on") <= end))  # noqa: E731
    where_met = (pl.when(pl.col("format").cast(pl.String) == "online").then(pl.lit("Online")).otherwise(pl.lit(""))
                 if "format" in meetings.columns else pl.lit(""))
    panel = soon(meetings).select("held_on", pl.lit("Ward panel meeting").alias("What"), where_met.alias("Where"))
    parts = [panel]
    if engagement is not None:
        parts.append(soon(engagement).filter(pl.col("kind").cast(pl.String).is_in(EVENT_KINDS)).select(
            "held_on", _capitalised(pl.col("kind").cast(pl.String)).alias("What"),
            (pl.col("venue").cast(pl.String).fill_null("") if "venue" in engagement.columns else pl.lit("")).alias("Where")))
    both = pl.concat(parts).sort("held_on", "What")
    return both.select(pl.col("held_on").map_elements(uk_date, return_dtype=pl.String).alias("Date"), "What", "Where")


def officers(dwo: pl.DataFrame, ward_code: str, today: dt.date) -> pl.DataFrame:
    """The ward's officers in post on ``today`` by role, longest in post first: one row each, no
    reference, as the Met's ward team pages list them (without names). Columns: Role, In post since."""
    now = dwo.filter((pl.col("ward_code") == ward_code) & open_on(today, start="started_on", end="ended_on"))
    return now.sort("started_on").select(pl.lit(OFFICER_ROLE).alias("Role"),
                                         pl.col("started_on").map_elements(uk_date, return_dtype=pl.String).alias("In post since"))


def _capitalised(text: pl.Expr) -> pl.Expr:
    return text.str.to_uppercase().str.slice(0, 1).add(text.str.slice(1))


def ward_page(wards: pl.DataFrame, panels: pl.DataFrame, meetings: pl.DataFrame, promises: pl.DataFrame,
              ward_code: str, today: dt.date, *, engagement: pl.DataFrame | None = None,
              dwo: pl.DataFrame | None = None) -> PublicWard | None:
    """Everything the public page shows for one ward on ``today``; None for an unknown code.

    - Current promises: the ward's promises still open (status "open"), set on or before today,
      newest first.
    - You said, we did: closed promises whose outcome was published to residents on or before
      today (feedback_published_on), newest first.
    - Last met: the latest meeting on or before today of the ward's panel; next meeting: the
      earliest after today, if one has been entered.
    - Contact: the public contact of the ward's panel open today, as the board entered it.
    Example: a ward whose panel met on 5 May 2023 and has a meeting entered for 3 November 2026,
    seen on 1 December 2025 -> last met 5 May 2023, next meets 3 November 2026.
    """
    row = wards.filter(pl.col("ward_code") == ward_code)
    if row.height == 0:
        return None
    r = row.row(0, named=True)
    mine = lambda f: f.filter(pl.col("ward_code") == ward_code)  # noqa: E731
    open_panels = mine(panels).filter((pl.col("established_on") <= today) & (pl.col("closed_on").is_null() | (pl.col("closed_on") > today)))
    panel = open_panels.sort("established_on").tail(1)
    contact = panel["public_contact"][0] if panel.height and "public_contact" in panel.columns else None
    contact = contact.strip() if isinstance(contact, str) and contact.strip() else None
    held = mine(meetings)["held_on"]
    past, future = held.filter(held <= today), held.filter(held > today)
    shown = mine(promises).filter(_public(promises) & (pl.col("set_on") <= today))
    current = (
        shown.filter(pl.col("status") == v.PROMISE_OPEN)
        .sort("set_on", "promise_ref", descending=True)
        .select(
            pl.col("category").str.to_uppercase().str.slice(0, 1).add(pl.col("category").str.slice(1)).alias("About"),
            pl.col("description").alias("Our promise"),
            pl.col("set_on").map_elements(uk_date, return_dtype=pl.String).alias("Set on"),
        )
    )
    done = (
        shown.filter((pl.col("status") != v.PROMISE_OPEN) & told_by(today))
        .sort("feedback_published_on", "promise_ref", descending=True)
        .select(
            pl.col("category").str.to_uppercase().str.slice(0, 1).add(pl.col("category").str.slice(1)).alias("About"),
            pl.col("description").alias("We promised"),
            pl.col("status").replace_strict(STATUS_WORDS, default=pl.col("status")).alias("What happened"),
            pl.col("outcome").fill_null("").alias("What we did"),
            pl.col("feedback_published_on").map_elements(uk_date, return_dtype=pl.String).alias("Told residents on"),
        )
    )
    return PublicWard(
        ward_code=ward_code,
        ward_name=r["ward_name"],
        borough_name=r["borough_name"],
        is_met=r["police_force"] == areas.MET,
        has_panel=panel.height > 0,
        contact=contact,
        last_met=past.max() if past.len() else None,
        next_meeting=future.min() if future.len() else None,
        promises=current,
        done=done,
        upcoming=upcoming(meetings, engagement, ward_code, today),
        officers=(officers(dwo, ward_code, today) if dwo is not None
                  else pl.DataFrame(schema=dict.fromkeys(OFFICER_COLUMNS, pl.String))),
    )


def ward_choices(wards: pl.DataFrame) -> dict[str, str]:
    """Met ward code -> "Ward name (Borough)", in name order, for a searchable list."""
    met = areas.met_wards(wards).sort("ward_name", "borough_name")
    return {code: f"{name} ({borough})" for code, name, borough in met.select("ward_code", "ward_name", "borough_name").iter_rows()}
