"""Meetings: placeholder until issue #6 lands."""

from dashboard.placeholder import not_built

not_built("Meetings", 6, "how often panels meet, who attends, whether the Dedicated Ward Officer was there, and officer continuity")
