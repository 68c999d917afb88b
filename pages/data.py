"""Data: placeholder until issue #7 lands."""

from dashboard.placeholder import not_built

not_built("Data", 7, "templates, CSV upload with validation, a preview of changes and the import history")
