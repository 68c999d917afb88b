"""Two hand-made Met wards in one borough, and the quarter the ward-practice tests look at."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.domain.areas import Area
from dashboard.domain.periods import period_ending

Q4 = period_ending(dt.date(2023, 12, 31), "quarter")
MET = "Metropolitan Police Service"
WARDS = pl.DataFrame({"ward_code": ["W1", "W2"], "ward_name": ["Abbey", "Beam"], "borough_code": ["B1", "B1"],
                      "borough_name": ["Barking", "Barking"], "bcu": ["East", "East"], "police_force": [MET, MET]})
BARKING = Area("borough", "Barking", "B1")
