"""Membership and diversity: placeholder until issue #5 lands."""

from dashboard.placeholder import not_built

not_built("Membership and diversity", 5, "how far each panel's membership is from its ward's Census 2021 profile by ethnic group and age, and its sector mix")
