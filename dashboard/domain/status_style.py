"""How each panel status looks, in one place: word, letter, icon and colour.

The map, the tables and the briefing pack all read this, so a status looks the same
everywhere. Colours come from the Okabe-Ito palette, chosen to stay distinct for the common
kinds of colour blindness; a status is never shown by colour alone, always with its word or
letter too.
"""

from __future__ import annotations

from typing import NamedTuple

NO_PANEL = "No panel"
NOT_FUNCTIONING = "Not functioning"
AT_RISK = "At risk"
FUNCTIONING = "Functioning"
CITY = "Not Met (City of London Police)"

STATUSES = (NO_PANEL, NOT_FUNCTIONING, AT_RISK, FUNCTIONING)  # worst first; the Met's statuses
ALL_STATUSES = (*STATUSES, CITY)


class Style(NamedTuple):
    letter: str  # one or two letters, for tables, print and anywhere colour is lost
    icon: str  # a plain Unicode symbol (no icon font: nothing is fetched from outside)
    hex: str  # Okabe-Ito colour
    meaning: str  # one line for legends


STYLES: dict[str, Style] = {
    NO_PANEL: Style("NP", "○", "#CC79A7", "No ward panel open on the date"),  # reddish purple
    NOT_FUNCTIONING: Style("NF", "✗", "#D55E00", "A panel exists but is not working"),  # vermillion
    AT_RISK: Style("AR", "!", "#F0E442", "A panel works, but some rules are not met"),  # yellow
    FUNCTIONING: Style("F", "✓", "#0072B2", "A panel meets every rule"),  # blue
    CITY: Style("CL", "–", "#BBBBBB", "Policed by City of London Police, outside the Met's scheme"),  # grey
}


def rgb(status: str, alpha: int = 200) -> list[int]:
    """[r, g, b, a] for deck.gl: '#0072B2' -> [0, 114, 178, 200]."""
    h = STYLES[status].hex.lstrip("#")
    return [int(h[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def label(status: str) -> str:
    """The status as a user reads it beside its symbol: '✗ Not functioning'."""
    return f"{STYLES[status].icon} {status}"
