"""Borough map: placeholder until issue #4 lands."""

from dashboard.placeholder import not_built

not_built("Borough map", 4, "every ward on a map of London, coloured by panel status or another chosen measure")
