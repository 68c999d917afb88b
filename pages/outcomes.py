"""Engagement outcomes: placeholder until issue #6 lands."""

from dashboard.placeholder import not_built

not_built("Engagement outcomes", 6, "engagement outputs beside outcomes: promises achieved, feedback given and the Public Attitude Survey measures")
