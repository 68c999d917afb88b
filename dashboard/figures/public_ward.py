"""What the public ward page shows a resident. Pure polars, no st.* and no SQL.

Only what a panel makes public: the ward's current promises, what came of past ones where the
outcome was published ("you said, we did"), when the panel last met and next meets, and how to
get involved. By construction there is no member-level data here (the members table is never
read), no count of people at all (so nothing below the disclosure threshold), and nothing a
board marked as internal (``promise.internal``). ``PUBLIC_COLUMNS`` lists every column a table
on the page may have; a test checks that across every ward of the sample.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from dashboard.domain import areas
from dashboard.domain import vocabulary as v
from dashboard.domain.formatting import uk_date
from dashboard.figures.expressions import told_by

PROMISE_COLUMNS = ("About", "Our promise", "Set on")
DONE_COLUMNS = ("About", "We promised", "What happened", "What we did", "Told residents on")
PUBLIC_COLUMNS = frozenset(PROMISE_COLUMNS + DONE_COLUMNS)

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


def ward_page(wards: pl.DataFrame, panels: pl.DataFrame, meetings: pl.DataFrame, promises: pl.DataFrame,
              ward_code: str, today: dt.date) -> PublicWard | None:
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
    )


def ward_choices(wards: pl.DataFrame) -> dict[str, str]:
    """Met ward code -> "Ward name (Borough)", in name order, for a searchable list."""
    met = areas.met_wards(wards).sort("ward_name", "borough_name")
    return {code: f"{name} ({borough})" for code, name, borough in met.select("ward_code", "ward_name", "borough_name").iter_rows()}
