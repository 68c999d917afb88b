"""Definitions of every published figure, read from the functions' own docstrings.

Keeping the definition in the docstring of the function that computes the figure means the
About page cannot drift from the code (STYLE.md habit 11). Every public function of
``dashboard.metrics`` is a published figure; other modules name theirs in ``FIGURES``.
"""

from __future__ import annotations

import importlib
import inspect
from types import ModuleType

from dashboard import metrics

TITLES = {
    "wards_with_panel": "Wards with a panel",
    "meetings_held": "Panel meetings held",
    "promise_completion": "Promises achieved",
    "feedback_given": "Residents told the outcome (\"you said, we did\")",
    "engagement_reach": "Engagement activities and people reached",
    "confidence_value": "Public Attitude Survey measures",
}

# module -> {function: title}: the figures other pages publish.
FIGURES = {
    "dashboard.diversity": {
        "active_members": "Active members",
        "dissimilarity": "Diversity gap for one dimension (index of dissimilarity)",
        "combined": "Diversity gap, combined",
        "verdict": "Under-represented, or too few members to say",
        "sector_mix": "Sector mix and panel flags",
    },
}


def published(module: ModuleType = metrics) -> dict[str, str]:
    """Function name -> docstring for every public function defined in ``module``."""
    return {
        name: inspect.getdoc(fn) or ""
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__ and not name.startswith("_") and name != "overview"
    }


# page -> module whose every public function is a figure of that page (issue #6).
PAGE_MODULES = {
    "Meetings": "dashboard.meetings",
    "Promises": "dashboard.promises",
    "Engagement outcomes": "dashboard.outcomes",
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
                out[f"{page}: {name.replace('_', ' ')}"] = doc
    return out


DEFINITIONS = all_definitions()
