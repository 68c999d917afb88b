"""Saved police.uk neighbourhood responses -> rows of our CSV contract. Pure: no network.

Two documented endpoints of the police.uk API (https://data.police.uk/docs/), for the
Metropolitan Police (force id ``metropolitan``):

* ``/api/metropolitan/{id}/priorities``: a list of ``{"issue": html, "issue-date":
  "2023-09-01T00:00:00", "action": html or null, "action-date": ... or null}``. Each becomes an
  open **promise** whose origin is recorded: origin ``panel`` (ward panels set neighbourhood
  priorities) and a description that starts ``police.uk priority:``, so it can always be told
  apart from a promise a board typed in. The action taken, when given, is appended to it.
* ``/api/metropolitan/{id}/events``: a list of ``{"title", "description", "address", "type",
  "start_date", "end_date", "contact_details": {...}}``. Each becomes an **engagement activity**,
  its address the venue.
  An event typed "meeting" is a *public meeting* engagement, never a row of the meeting table:
  police.uk does not say whether it was the ward panel meeting.

Neighbourhood ids: today's Met ids are mostly 2022 ward codes (E05…). Any other id (an older
id, a town-centre or airport team) is reported as "not matched to a ward" for every item, and
nothing is dropped silently. Text is HTML in these responses: it is reduced to plain text with
``html.parser`` (entities decoded, tags dropped, never rendered). Timestamps carry no zone and
are London local time; only their date is kept, so no conversion can shift a day.

The frames returned are all text, in contract columns, so they go through exactly the same
checks as an uploaded CSV (``dashboard.domain.imports.check``).
"""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser

import polars as pl

from dashboard.domain.contract import TABLES
from dashboard.domain.imports import IGNORED, Problem, References

PRIORITY_PREFIX = "police.uk priority: "
KINDS = ("priorities", "events")

# Keyword -> promise category (dashboard.domain.vocabulary.CATEGORIES); first match wins.
CATEGORY_WORDS = (
    (r"women|girls|vawg|domestic", "violence against women and girls"),
    (r"hate", "hate crime"),
    (r"drug|dealing|cannabis|county lines", "drugs"),
    (r"burglar", "burglary"),
    (r"robber|mugging", "robbery"),
    (r"speed|traffic|parking|dangerous driving|road safety", "road safety"),  # not bare "road": street names
    (r"vehicle|car crime|moped|motorcycle|bike theft|cycle theft", "vehicle crime"),
    (r"graffiti|criminal damage|vandal", "criminal damage"),
    (r"shoplift|theft|pickpocket", "theft"),
    (r"knife|violen|weapon|assault|fight", "violence"),
    (r"anti[- ]?social|asb|nuisance|begging|street drinking|noise|rough sleeping", "anti-social behaviour"),
    (r"youth|young people", "youth safety"),
)

# police.uk event type / title keyword -> engagement kind (dashboard.domain.vocabulary.ENGAGEMENT_KINDS).
EVENT_WORDS = (
    (r"meeting|forum|panel", "public meeting"),
    (r"surgery|contact|drop[- ]?in|cuppa|coffee|beat", "contact session"),
    (r"school|college", "school visit"),
    (r"briefing", "street briefing"),
    (r"survey", "survey"),
    (r"newsletter", "newsletter"),
)


class _Text(HTMLParser):
    BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "ul", "ol"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self.BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        elif tag in self.BREAKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def as_text(value) -> str | None:
    """A JSON value where text (a date, a title) is expected, as text the checks can refuse.

    Text stays as it is; a number or true/false is written out (a date of 20230901 is then "not a
    date"); a list or an object is named, never shown (it may be nested thousands deep).
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        try:
            return str(value)
        except ValueError:  # more digits than Python writes out
            return "(a number too long to read)"
    return "(a list)" if isinstance(value, list) else "(an object)"


def plain_text(html) -> str:
    """'<p>Speeding on <b>Abbey Road</b> &amp; nearby</p>' -> 'Speeding on Abbey Road & nearby'."""
    html = as_text(html)
    if not html:
        return ""
    parser = _Text()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; this is belt and braces for odd input
        return re.sub(r"\s+", " ", html).strip()
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()


def local_date(stamp) -> str | None:
    """'2023-09-01T19:30:00' (London local, no zone) -> '2023-09-01'; None if not a timestamp."""
    if not isinstance(stamp, str):
        return None
    m = re.match(r"^\s*(\d{4}-\d{2}-\d{2})", stamp)
    return m.group(1) if m else None


def _first_match(text: str, table: tuple[tuple[str, str], ...]) -> str | None:
    low = text.lower()
    for pattern, value in table:
        if re.search(pattern, low):
            return value
    return None


def ward_for(neighbourhood: str, refs: References) -> tuple[str | None, str | None]:
    """(2022 ward code, None) when the id is one; else (None, the 'not matched' reason)."""
    nid = (neighbourhood or "").strip()
    if nid in set(refs.wards["ward_code"].to_list()):
        return nid, None
    hint = ""
    if refs.lookup is not None and refs.lookup.height:
        old = refs.lookup.filter((pl.col("old_code") == nid) & pl.col("best_fit"))
        if old.height:
            r = old.row(0, named=True)
            hint = (f" It is a ward code from before May 2022; the best-fitting 2022 ward is {r['new_code']} "
                    f"({r['new_name']}): import again with --neighbourhood {r['new_code']} if that is right.")
    return None, (f"not matched to a ward: neighbourhood {nid!r} is not a 2022 ward code (it may be an older id or a "
                  f"town-centre or airport team), so this item was not imported.{hint}")


def _load(data: bytes, file: str) -> tuple[list | None, list[Problem]]:
    try:
        items = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [Problem(file, None, None, None, f"This is not a police.uk JSON response: it is not UTF-8 text (line {line}).")]
    except RecursionError:
        return None, [Problem(file, None, None, None, "This is not a police.uk JSON response: its lists or objects are nested "
                                                      "too deeply to read.")]
    except json.JSONDecodeError as exc:
        return None, [Problem(file, None, None, None, f"This is not a police.uk JSON response ({str(exc)[:120]}).")]
    except ValueError:  # Python reads no number of more than 4,300 digits
        return None, [Problem(file, None, None, None, "This is not a police.uk JSON response: it holds a number too long to read.")]
    if not isinstance(items, list):
        return None, [Problem(file, None, None, None, "A police.uk priorities or events response is a list; this file is not.")]
    return items, []


def _frame(table: str, rows: list[dict] = ()) -> pl.DataFrame:
    """Rows as text in the contract's columns of ``table`` (no rows: an empty frame of them)."""
    return pl.DataFrame(list(rows), schema={c: pl.String for c in TABLES[table].columns})


# The fields of each kind of item that police.uk gives as text (dates included), or leaves out.
TEXT_FIELDS = {
    "priority": ("issue", "issue-date", "action", "action-date"),
    "event": ("title", "description", "address", "type", "start_date", "end_date"),
}


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "a list" if isinstance(value, list) else "an object"


def _importable(items: list, problems: list[Problem], *, file: str, what: str, neighbourhood: str, unmatched: str | None):
    """(item number, item) for each item that can become a row; every other item gets its problem
    (not an object; a field police.uk gives as text that is a number, list or object; or a
    neighbourhood not matched to a ward, reported for every item)."""
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(file, n, None, None, f"is not {'an' if what[0] in 'aeiou' else 'a'} {what} object; "
                                    "this item was not imported."))
        elif wrong := next((f for f in TEXT_FIELDS[what] if item.get(f) is not None and not isinstance(item[f], str)), None):
            problems.append(Problem(file, n, wrong, as_text(item[wrong]),
                                    f"is {_json_type(item[wrong])} where police.uk gives text; this item was not imported."))
        elif unmatched:
            problems.append(Problem(file, n, "neighbourhood", neighbourhood, unmatched, IGNORED))
        else:
            yield n, item


def parse_priorities(data: bytes, *, neighbourhood: str, refs: References, file: str) -> tuple[pl.DataFrame, list[Problem]]:
    """Priorities response -> promises rows (text) and problems; row numbers are item numbers."""
    items, problems = _load(data, file)
    if items is None:
        return _frame("promises"), problems
    ward, unmatched = ward_for(neighbourhood, refs)
    rows = []
    for n, item in _importable(items, problems, file=file, what="priority", neighbourhood=neighbourhood, unmatched=unmatched):
        issue = plain_text(item.get("issue"))
        set_on = local_date(item.get("issue-date"))
        category = _first_match(issue, CATEGORY_WORDS)
        if category is None:
            problems.append(Problem(file, n, "issue", issue[:200],
                                    "matches no promise category, so this item was not imported; add it as a promise by hand "
                                    "with its category", IGNORED))
            continue
        action = plain_text(item.get("action"))
        action_on = local_date(item.get("action-date"))
        description = PRIORITY_PREFIX + issue
        if action:
            description += f" Action{f' ({action_on})' if action_on else ''}: {action}"
        digest = hashlib.sha1(issue.encode()).hexdigest()[:6]
        ref = f"PUK-{ward}-{set_on or 'undated'}-{digest}"[:40]
        rows.append({"promise_ref": ref, "ward_code": ward, "set_on": set_on or as_text(item.get("issue-date")), "category": category,
                     "origin": "panel", "description": description, "status": "open", "closed_on": None, "outcome": None,
                     "feedback_published_on": None})
    return _frame("promises", rows), problems


def parse_events(data: bytes, *, neighbourhood: str, refs: References, file: str) -> tuple[pl.DataFrame, list[Problem]]:
    """Events response -> engagement rows (text) and problems; row numbers are item numbers."""
    items, problems = _load(data, file)
    if items is None:
        return _frame("engagement"), problems
    ward, unmatched = ward_for(neighbourhood, refs)
    rows = []
    for _, item in _importable(items, problems, file=file, what="event", neighbourhood=neighbourhood, unmatched=unmatched):
        title = plain_text(item.get("title"))
        kind = _first_match(f"{plain_text(item.get('type'))} {title}", EVENT_WORDS) or "community event"
        held_on = local_date(item.get("start_date"))
        rows.append({"ward_code": ward, "held_on": held_on or as_text(item.get("start_date")), "kind": kind,
                     "people_reached": "0", "young_people_reached": "0", "promise_ref": None,
                     "venue": plain_text(item.get("address"))[:200] or None})
    if rows:
        problems.append(Problem(file, None, "people_reached", None,
                                "police.uk events do not say how many people came, so people_reached and "
                                "young_people_reached are recorded as 0; upload a corrected engagement CSV if you know.",
                                IGNORED))
    return _frame("engagement", rows), problems


def parse(data: bytes, *, kind: str, neighbourhood: str, refs: References, file: str) -> tuple[str, pl.DataFrame, list[Problem]]:
    """(contract table, text rows, problems) for a saved response of ``kind`` priorities | events. Never raises."""
    table = "promises" if kind == "priorities" else "engagement"
    reader = parse_priorities if kind == "priorities" else parse_events
    try:
        return (table, *reader(data, neighbourhood=neighbourhood, refs=refs, file=file))
    except Exception as exc:  # like imports.check: a problem, never a traceback
        return table, _frame(table), [Problem(file, None, None, None,
                                              f"The file could not be read as a police.uk response ({type(exc).__name__}: {str(exc)[:200]}).")]
