"""Briefing pack: placeholder until issue #8 lands."""

from dashboard.placeholder import not_built

not_built("Briefing pack", 8, "a PDF and Excel briefing pack for a borough and period, for Safer Neighbourhood Board meetings")
