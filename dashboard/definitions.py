"""Definitions of every published figure, read from the metric functions' own docstrings.

Keeping the definition in the docstring of the function that computes the figure means the
About page cannot drift from the code (STYLE.md habit 11).
"""

from __future__ import annotations

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


def published(module: ModuleType = metrics) -> dict[str, str]:
    """Function name -> docstring for every public function defined in ``module``."""
    return {
        name: inspect.getdoc(fn) or ""
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__ and not name.startswith("_") and name != "overview"
    }


DEFINITIONS = {TITLES.get(name, name): doc for name, doc in published().items()}


# --- issue #6 ---
# The Meetings, Promises and Engagement outcomes figures live in their own modules; their
# docstrings are listed on the About page too, under the page they belong to.
from dashboard import meetings as _meetings  # noqa: E402
from dashboard import outcomes as _outcomes  # noqa: E402
from dashboard import promises as _promises  # noqa: E402

for _page, _module in (("Meetings", _meetings), ("Promises", _promises), ("Engagement outcomes", _outcomes)):
    for _name, _doc in published(_module).items():
        if _doc:
            DEFINITIONS[f"{_page}: {_name.replace('_', ' ')}"] = _doc
