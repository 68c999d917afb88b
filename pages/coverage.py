"""Panel coverage: placeholder until issue #4 lands."""

from dashboard.placeholder import not_built

not_built("Panel coverage", 4, "which wards have no panel or a panel that is not functioning, with the reasons and the remedy plan for each, by borough, BCU and London")
