"""Promises: placeholder until issue #6 lands."""

from dashboard.placeholder import not_built

not_built("Promises", 6, "the promises panels set, where they came from (panel, borough or central), how many were achieved and whether residents were told")
