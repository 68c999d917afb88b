"""Definitions of every published figure, read from the functions' own docstrings.

Keeping the definition in the docstring of the function that computes the figure means the
About page cannot drift from the code (ARCHITECTURE.md). Every public function of
``dashboard.figures.metrics`` is a published figure; other modules name theirs in ``FIGURES``.
"""

from __future__ import annotations

import importlib
import inspect
import re
from types import ModuleType

from dashboard.domain.columns import COLUMNS
from dashboard.figures import metrics

TITLES = {
    "wards_with_panel": "Wards with a panel",
    "meetings_held": "Panel meetings held",
    "promise_completion": "Promises achieved",
    "feedback_given": "Residents told within 28 days of closing (\"you said, we did\"; the days are set in the rubric)",
    "engagement_reach": "Engagement activities and people reached",
    "confidence_value": "Public Attitude Survey measures",
}

# module -> {function: title}: the figures other pages publish.
FIGURES = {
    "dashboard.figures.diversity": {
        "active_members": "Active members",
        "dissimilarity": "Diversity gap for one dimension (index of dissimilarity)",
        "combined": "Diversity gap, combined",
        "gap_beyond_chance": "Diversity gap beyond chance (beside a random panel of the same size from the ward)",
        "verdict": "Fewer or more members than expected (a description of one group, not a finding)",
        "chance_tests": "Differs from the ward beyond chance: the test of each panel and dimension",
        "beyond_chance": "Differs from the ward beyond chance: the correction for testing many panels",
        "sector_mix": "Sector mix and panel flags",
        "rollup": "Members of each group across a borough, BCU or London, with a pooled test",
    },
    # The Safer Neighbourhood Board page.
    "dashboard.figures.board": {
        "borough_profiles": "A borough's Census profile (the board is compared with it)",
        "on_board": "Board members on a day",
        "panel_links": "Panels with their chair on the board",
        "meetings_summary": "Board meetings, in public, with the Borough Commander and with an update",
        "commander_tenures": "Borough Commanders: months in post and board meetings attended",
        "funding_years": "Board funding: the financial years of a period",
        "funding_summary": "Board funding and the share spent",
    },
    # When a change on the Overview is called a change.
    "dashboard.figures.overview": {
        "share_change": "Change in a share since the previous period (bases of 30 or more)",
        "survey_change": "Change in a survey measure (beyond the survey's noise)",
    },
    # What others than those allowed exact counts see of them (dashboard.figures.privacy)
    "dashboard.figures.diversity_view": {
        "index_range": "Diversity gap and indices as shown to everyone else: the range the shown counts leave",
    },
    # Do the promises follow what the community said?
    "dashboard.figures.alignment": {
        "accepted": "Concerns that count",
        "concern_window": "Concerns behind a period's promises",
        "top_concerns": "Top concerns",
        "ward_alignment": "Promises cover the top concerns (coverage), ignoring the top concern, promises with no recorded concern",
        "rollup": "Alignment by borough, BCU and London",
        "coverage_12m": "Borough map: promises follow concerns",
    },
    # London's wards changed on 5 May 2022: how records kept on the wards of before count.
    "dashboard.domain.wards_in_time": {
        "counts_as": "Wards before May 2022: the 2022 ward a record counts for",
    },
    # Ward-level practice on the Promises page.
    "dashboard.figures.partners": {
        "by_lead": "Promises by who leads them: partner-led completion beside police-led",
        "barriers": "Barriers named",
    },
    "dashboard.figures.linked": {
        "linked_view": "Share of promises with a contact session linked",
        "by_promise": "Activities linked to each promise",
    },
    "dashboard.figures.crime": {
        "crime_types": "Recorded crime by police.uk crime type (counts shared to wards by residents)",
        "beside_promises": "Recorded crime beside the promise categories",
        "main_type_by_place": "Each ward's main crime type and the promises set in its category",
    },
    "dashboard.figures.wards_in_time": {
        "wards_on": "Wards counted on a date",
        "kept_on_wards_of_then": "Records before May 2022 in the coverage trend",
        "history_note": "A ward's history before May 2022",
    },
}


def published(module: ModuleType = metrics) -> dict[str, str]:
    """Function name -> docstring for every public function defined in ``module``."""
    return {
        name: inspect.getdoc(fn) or ""
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__ and not name.startswith("_") and name != "overview"
    }


# page -> module whose every public function is a figure of that page.
PAGE_MODULES = {
    "Meetings": "dashboard.figures.meetings",
    "Promises": "dashboard.figures.promises",
    "Engagement outcomes": "dashboard.figures.outcomes",
}


def all_definitions() -> dict[str, str]:
    """Title -> definition, for the About page: metrics first, then each page's own figures."""
    out = {TITLES.get(name, name): doc for name, doc in published().items()}
    for module_name, figures in FIGURES.items():
        docs = published(importlib.import_module(module_name))
        out.update({title: docs[name] for name, title in figures.items()})
    for page, module_name in PAGE_MODULES.items():
        for name, doc in published(importlib.import_module(module_name)).items():
            if doc:
                out[f"{page}: {name.replace('_', ' ').replace('dwo', 'DWO')}"] = doc
    return out


# Names a docstring uses for a function's inputs, in the words the About page uses instead.
PLAIN_WORDS = {
    "day": "the day", "as_of": "the day", "days": "28 days", "minimum": "the minimum",
    "level": "the level", "min_base": "the smallest base (30)", "start": "the start", "end": "the end",
    "first": "the first quarter", "last": "the last quarter", "n": "n", "count": "count",
    "concern_window": "the concern window", "window_days": "the window", "chance_tests": "the test against chance",
    "combined": "the combined gap", "survey_noise": "the survey's noise", "ignores_top_concern": "ignores its top concern",
    "gap_excess": "gap beyond chance", "chance_gap": "the gap of a random panel", "chance_index": "the index of a random panel",
    "no_dwo": "no DWO", "q_value": "the corrected chance", "p_value": "the chance (p)", "beyond_chance": "beyond chance",
    "top_concerns": "top concerns", "panel_size": "the panel's size", "high_churn": "frequent changes",
}
CODE = re.compile(r"``([^`]+)``")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
DOTTED = re.compile(r"\b[a-z]{2,}\.[a-z_]{2,}")  # dv.dissimilarity, scipy.stats
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")


def _word(name: str) -> str:
    if name in PLAIN_WORDS:
        return PLAIN_WORDS[name]
    return COLUMNS[name].heading.lower() if name in COLUMNS else name


def _sentences(block: str) -> str:
    kept = [s for s in SENTENCE_END.split(" ".join(block.split()))
            if not ("`" in s or SNAKE.search(s) or DOTTED.search(s) or re.search(r"\bNone\b|\(by=|tests/|\.py\b", s))]
    return re.sub(r"(^|[.!?] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), " ".join(kept))  # each sentence's capital


def plain(doc: str) -> str:
    """A docstring as a board member reads it: no list of columns, no names from the code.

    Inputs named in code (````day````) and column names (``unbacked_share``) become words; " -> "
    reads "gives"; a sentence that still needs the code to be understood (what an argument of
    None means, which library function is called) is left out: the definition stays in the code.
    """
    doc = re.sub(r"Columns:.*?(?=\n\n|\Z)", "", doc, flags=re.DOTALL)
    doc = re.sub(r"[;,]?\s*``[a-z_]+\.[a-z_.]+``", "", doc)  # which library function does it: "; ``scipy.stats.norm``"
    doc = re.sub(r"\s*\(\s*\)", "", doc)
    doc = CODE.sub(lambda m: _word(m.group(1)), doc)
    doc = SNAKE.sub(lambda m: _word(m.group(0)), doc)
    doc = re.sub(r"^\([^)]*\):\s*", "", doc)  # "(ward_code, gap): the mean" -> "the mean"
    doc = re.sub(r"^\(([^,)]*), ([^)]*)\)", r"\1 and \2", doc)  # "(activities, people reached) in" -> "activities and ..."
    doc = doc.replace(" -> ", " gives ").replace("->", "gives").replace(" (bool)", "")
    doc = re.sub(r"\bnulls?\b", "empty", doc)
    paragraphs = []
    for paragraph in doc.split("\n\n"):
        if paragraph.lstrip().startswith("- "):
            items = [_sentences(item) for item in paragraph.lstrip()[2:].split("\n- ")]
            text = "\n".join(f"- {item}" for item in items if item)
        else:
            text = _sentences(paragraph)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


DEFINITIONS = {title: text for title, doc in all_definitions().items() if (text := plain(doc))}
# Panel status and remedy plans are defined by the functioning rubric rather than metrics.py;
# their definitions are added here so the About page lists them too.
DEFINITIONS["Panel status"] = (
    "Each ward gets one status on the last day of the chosen period. **No panel**: no ward panel open "
    "on that day. **Not functioning**: a panel exists but fails a rule marked \"not functioning\" (too "
    "few meetings in the last 12 months, no meeting for too long, or a police officer in the chair), "
    "or fails three or more \"at risk\" rules at once. **At risk**: it fails at least one \"at risk\" rule "
    "(no current promises, promises not reviewed at the last meeting, the Dedicated Ward Officer at too "
    "few of the last meetings, membership not reviewed within 12 months, minutes published for too few "
    "meetings). **Functioning**: it meets every rule. Only the current panel's own meetings count. The "
    "thresholds are shown on the Panel coverage page, under \"How a panel's status is decided\". City of London "
    "wards are marked \"Not Met (City of London Police)\" and left out of every count."
)
DEFINITIONS["Member counts as published (disclosure control)"] = plain(inspect.getdoc(importlib.import_module("dashboard.figures.privacy")) or "")
DEFINITIONS["Remedy plan state"] = (
    "For a ward with no panel or a panel not functioning: **No plan** if no remedy plan was agreed by the "
    "date and is still open; **Past due** if the open plan's due date has passed; otherwise **Not yet due**. "
    "Example: a plan due on 30 November and not completed is past due on 31 December."
)
DEFINITIONS["Tests against chance, and their corrections, in plain words"] = (
    "Panels are small, so some difference from a ward is expected by luck alone. The app calls a difference "
    "real only when chance would seldom produce it, and allows for looking at many things at once. "
    "**A panel against its ward**: for each panel and each of ethnic group, White British and White other, age and sex, "
    "imagine every panel of the same size that could be drawn at random from the ward's residents; the chance that "
    "one is at least as far from the ward as this panel is worked out exactly (or from 20,000 random panels for a "
    "very large panel). Testing every panel in an area turns up some small chances by luck, so all the area's tests "
    "are corrected together (the Benjamini-Hochberg method): a panel is reported as differing from its ward only where, "
    "of all the panels reported, no more than 5% are expected to be luck. A borough's panels are corrected among "
    "themselves, London's among all of London's. **Each group on one panel** (fewer or more than expected) is a "
    "description, never a finding. **A group across an area**: the group's members on all the area's panels against "
    "those expected, tested the same way (how often would random panels from each ward give a total this far off?), "
    "and the area's groups are corrected together. **Gap beyond chance**: a random panel's diversity gap is not 0, "
    "so each panel's gap is set beside the average gap of a random panel of its size from its ward. **Changes on the "
    "Overview**: a change in a share is called only when both periods count at least 30 (otherwise \"too few to "
    "compare\"), and a change in a survey measure only when it is larger than two survey results would differ by "
    "chance at the survey's design size (otherwise \"no real change\"). **You said, we did**: a promise counts once "
    "28 days (the rubric's setting) have passed since it closed, so a recent period is not made to look worse than an "
    "older one."
)
