"""Allowed values of every coded column, kept in one place.

The README's CSV contract, the import validation, the sample generator and the pages all read
these lists, so a value is added here once and everywhere agrees.
"""

from __future__ import annotations

LONDON_CODE = "E12000007"  # ONS code of the London region, used for London-wide survey rows
CITY_OF_LONDON_CODE = "E09000001"  # policed by City of London Police, not the Met

CHAIR_TYPES = ("resident", "councillor", "business", "community group", "police officer", "other")

SECTORS = (
    "resident",
    "councillor",
    "business",
    "school",
    "faith",
    "youth",
    "housing",
    "neighbourhood watch",
    "agency",
    "other",
)

# ONS 2021 ethnic group classification: 19 detailed categories rolled up to 5 high-level groups.
ETHNIC_DETAILED = {
    "Bangladeshi": "Asian",
    "Chinese": "Asian",
    "Indian": "Asian",
    "Pakistani": "Asian",
    "Other Asian": "Asian",
    "African": "Black",
    "Caribbean": "Black",
    "Other Black": "Black",
    "White and Asian": "Mixed",
    "White and Black African": "Mixed",
    "White and Black Caribbean": "Mixed",
    "Other Mixed": "Mixed",
    "White British": "White",
    "White Irish": "White",
    "Gypsy or Irish Traveller": "White",
    "Roma": "White",
    "Other White": "White",
    "Arab": "Other",
    "Any other ethnic group": "Other",
}
ETHNIC_GROUPS = ("Asian", "Black", "Mixed", "White", "Other")
NOT_STATED = "Not stated"
ETHNIC_VALUES = (*ETHNIC_GROUPS, NOT_STATED, *ETHNIC_DETAILED)

# Census 2021 bands for adults (16 and over); panels are adult bodies.
AGE_BANDS = ("16-24", "25-34", "35-49", "50-64", "65+")
AGE_VALUES = (*AGE_BANDS, NOT_STATED)
SEXES = ("Female", "Male")
SEX_VALUES = (*SEXES, NOT_STATED)

MEETING_FORMATS = ("in person", "online", "hybrid")

PROMISE_ORIGINS = ("panel", "borough", "central")
PROMISE_OPEN = "open"
PROMISE_ACHIEVED = "achieved"
PROMISE_CLOSED_STATUSES = (PROMISE_ACHIEVED, "partly achieved", "not achieved", "withdrawn")
PROMISE_STATUSES = (PROMISE_OPEN, *PROMISE_CLOSED_STATUSES)

# Who leads the work on a promise. Left empty, the police lead it; any other value is a partner.
POLICE_LEAD = "police"
LEAD_AGENCIES = (POLICE_LEAD, "council", "housing provider", "transport", "school or college", "health", "other partner")

# One vocabulary for promise categories and community concerns.
CATEGORIES = (
    "anti-social behaviour",
    "drugs",
    "burglary",
    "vehicle crime",
    "violence",
    "robbery",
    "theft",
    "road safety",
    "criminal damage",
    "violence against women and girls",
    "youth safety",
    "hate crime",
)

# Community concerns: where a concern was heard. "online" is also the source of
# concerns residents raise on the public ward page, which wait for a board member to accept them.
CONCERN_SOURCES = ("survey", "public meeting", "contact session", "online", "councillor", "partner agency", "other")
CONCERN_ONLINE = "online"
CONCERN_ACCEPTED, CONCERN_PENDING, CONCERN_REJECTED = "accepted", "pending", "rejected"
CONCERN_STATUSES = (CONCERN_ACCEPTED, CONCERN_PENDING, CONCERN_REJECTED)

ENGAGEMENT_KINDS = (
    "contact session",
    "newsletter",
    "social media",
    "community event",
    "public meeting",
    "school visit",
    "street briefing",
    "survey",
)

REMEDY_PROBLEMS = ("no panel", "not functioning")

# The Safer Neighbourhood Board: its members' roles and where its money comes from.
BOARD_CHAIR, BOARD_PANEL_CHAIR = "chair", "panel chair"
BOARD_ROLES = (BOARD_CHAIR, "vice chair", BOARD_PANEL_CHAIR, "councillor", "co-opted", "youth", "statutory partner", "other")
FUNDING_SOURCES = ("MOPAC core grant", "MOPAC project grant", "local authority", "other")
MOPAC_CORE_GRANT = FUNDING_SOURCES[0]

# Significant local groups a board expects on a ward's panel, and the member sector that shows one
# is represented (a hospital by a member from a partner agency: the health service is one).
GROUP_SECTORS = {
    "business estate": "business",
    "school or college": "school",
    "hospital": "agency",
    "housing provider": "housing",
    "faith": "faith",
    "other": "other",
}
GROUP_KINDS = tuple(GROUP_SECTORS)

# MOPAC Public Attitude Survey measures, named exactly as MOPAC's release names them.
PAS_MEASURES = (
    '"Good Job" local',
    "Contact ward officer",
    "Informed local",
    "Listen to concerns",
    "Relied on to be there",
    "Treat everyone fairly",
    "Trust MPS",
    "Understand issues",
)
PAS_MEASURE_LABELS = {
    '"Good Job" local': "Police do a good job in the local area",
    "Contact ward officer": "Know how to contact their ward officer",
    "Informed local": "Police keep them informed about local policing",
    "Listen to concerns": "Police listen to the concerns of local people",
    "Relied on to be there": "Police can be relied on to be there when needed",
    "Treat everyone fairly": "Police treat everyone fairly",
    "Trust MPS": "Trust the Metropolitan Police",
    "Understand issues": "Police understand issues that affect this community",
}

TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0"})


def ethnic_high_level(value: str) -> str:
    """Roll a detailed ONS category up to its high-level group: 'Indian' -> 'Asian'."""
    return ETHNIC_DETAILED.get(value, value)
