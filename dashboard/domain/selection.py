"""What a user is looking at: an area, a period, and the boroughs they may see.

Made once per run by the page frame (``dashboard.app.ui.page``) from the sidebar, and passed whole
to the app's state, whose caches take it as their key. It is a frozen dataclass of strings, dates
and a tuple, so Streamlit hashes it in microseconds on every rerun.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from dashboard.domain.areas import Area
from dashboard.domain.periods import Period


@dataclass(frozen=True)
class Selection:
    area: Area
    period: Period
    scope: tuple[str, ...] | None  # the user's boroughs (sorted E09 codes); None: all of London

    @property
    def as_of(self) -> dt.date:
        """The day statuses and memberships are taken on: the period's last day."""
        return self.period.end

    def previous(self) -> Selection:
        """The same area over the period before (same length, just before)."""
        return replace(self, period=self.period.previous())

    def at(self, area: Area) -> Selection:
        """The same period and user, for another area."""
        return replace(self, area=area)
