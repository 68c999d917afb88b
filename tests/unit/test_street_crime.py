"""police.uk street-level crime files -> counts by 2022 ward: the real Met file and hand-made ones.
Pure: no database (the reference lists are read from sample_data/reference)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from dashboard.domain import imports as im
from dashboard.domain import street_crime
from data_access import reference, writes

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "sample_data" / "policeuk" / "policeuk_2023-12_metropolitan_street_burglary.csv"
HEADER = ",".join(street_crime.LAYOUT)


@pytest.fixture(scope="module")
def refs() -> im.References:
    wards = reference.wards().select(pl.col("code").alias("ward_code"), pl.col("name").alias("ward_name"), "borough_code")
    return im.References(wards=wards)


@pytest.fixture(scope="module")
def real(refs) -> im.Checked:
    return writes.check_street_crime(REAL.read_bytes(), file=REAL.name, refs=refs)


def count(checked: im.Checked, ward: str) -> float:
    return checked.frame.filter(pl.col("ward_code") == ward)["count"].sum()


def notes_on(checked: im.Checked, column: str, value: str | None) -> list[im.Problem]:
    return [p for p in checked.problems if p.column == column and p.value == value and p.severity == im.IGNORED]


def test_the_real_met_file_imports_with_its_unlocated_and_out_of_london_rows_reported(real):
    assert real.ok and real.table == "crime"
    # 4,990 records: 4,958 in London LSOAs (2021), 27 with no location, 5 outside London.
    summary = [p for p in real.problems if p.row is None]
    assert "4,958 of 4,990 records were counted" in summary[0].problem and "LSOA 2021" in summary[0].problem
    (unlocated,) = notes_on(real, "LSOA code", None)[1:]
    assert unlocated.row == 4965 and unlocated.problem.startswith("27 records have no location")
    outside = {p.value: p.row for p in real.problems if p.value and p.value.startswith("E01")}
    assert outside == {"E01024144": 1098, "E01015720": 3454, "E01021920": 3934, "E01024483": 3935, "E01035576": 4701}
    assert all("matches no London LSOA" in p.problem for p in real.problems if p.value in outside)
    # Every record counted is shared out whole: London's total is the 4,958 (less rounding to 3 places per ward).
    assert real.frame["count"].sum() == pytest.approx(4958, abs=0.05)
    assert set(real.frame["month"]) == {dt.date(2023, 12, 1)}
    assert set(real.frame["crime_type"]) == {"Burglary"}


def test_ward_counts_equal_a_hand_count(real):
    """Counted by hand from the file (grep of each LSOA code) and the weights file:
    Abbey (E05014053): E01034473 1 record x 1.0 = 1.0 (its other LSOAs have none).
    Bethnal Green (E05009317): E01004201 1 x 0.61885 + E01004206 1 x 0.250512 + E01004208 3 x 0.658919
      + E01004260 2 + E01004266 1 + E01032785 1 + E01032786 1 + E01035670 1 x 0.610047 = 8.456166.
    West End (E05013808): 6 x 0.154351 + 4 x 0.182295 + 3 x 0.104387 + 12 x 0.15704 + 3 + 1 x 0.237729
      + 4 + 2 + 9 + 9 x 0.890909 + 13 = 43.108837."""
    assert count(real, "E05014053") == pytest.approx(1.0, abs=0.001)
    assert count(real, "E05009317") == pytest.approx(8.456, abs=0.001)
    assert count(real, "E05013808") == pytest.approx(43.109, abs=0.001)


def file_of(*rows: tuple[str, str, str]) -> bytes:
    """A police.uk file from (month, LSOA code, crime type) rows; the other columns as police.uk fills them."""
    lines = [HEADER] + [f"id{i},{m},Metropolitan Police Service,Metropolitan Police Service,0.1,51.5,On or near X,{lsoa},"
                        f"Somewhere 001A,{t},Under investigation," for i, (m, lsoa, t) in enumerate(rows)]
    return ("\n".join(lines) + "\n").encode()


def test_a_bad_lsoa_code_and_a_crime_type_outside_the_mapping_are_both_reported(refs):
    data = file_of(("2023-11", "E01034473", "Burglary"),      # row 2: Abbey, whole
                   ("2023-11", "E0103447", "Burglary"),       # row 3: not an LSOA code
                   ("2023-11", "E01034473", "Fraud"),         # row 4: a crime type the mapping does not name
                   ("2023-11", "", "Robbery"),                # row 5: no location
                   ("2023-11", "W01000001", "Drugs"))         # row 6: an LSOA, but in Wales
    checked = writes.check_street_crime(data, file="hand.csv", refs=refs)
    assert checked.ok
    (bad,) = notes_on(checked, "LSOA code", "E0103447")
    assert bad.row == 3 and "is not an LSOA code" in bad.problem
    (fraud,) = notes_on(checked, "Crime type", "Fraud")
    assert fraud.row == 4 and "crime_categories.toml" in fraud.problem and "counted" in fraud.problem
    (wales,) = notes_on(checked, "LSOA code", "W01000001")
    assert wales.row == 6 and "matches no London LSOA" in wales.problem
    assert notes_on(checked, "LSOA code", None)[1].row == 5
    # Counted: Abbey's burglary and its fraud (kept under its own type); nothing else.
    assert sorted(checked.frame.select("ward_code", "crime_type", "count").rows()) == [
        ("E05014053", "Burglary", 1.0), ("E05014053", "Fraud", 1.0)]


def test_a_split_lsoa_is_shared_between_its_wards_by_residents(refs):
    # E01000003: 1,218 residents in Cripplegate, 391 in Aldersgate (shares 0.756992 and 0.243008).
    checked = writes.check_street_crime(file_of(("2023-10", "E01000003", "Robbery"), ("2023-10", "E01000003", "Robbery")),
                                        file="split.csv", refs=refs)
    assert dict(checked.frame.select("ward_code", "count").rows()) == {"E05009302": 1.514, "E05009288": 0.486}


def test_a_month_not_written_as_police_uk_writes_it_refuses_the_file(refs):
    checked = writes.check_street_crime(file_of(("2023-11", "E01034473", "Burglary"), ("Nov 2023", "E01034473", "Burglary")),
                                        file="bad.csv", refs=refs)
    assert not checked.ok and checked.frame.height == 0
    (error,) = checked.errors
    assert (error.row, error.column, error.value) == (3, "Month", "Nov 2023")


def test_only_the_police_uk_layout_is_read_as_street_crime():
    assert street_crime.is_street_crime(REAL.read_bytes()[:2000])
    assert not street_crime.is_street_crime((ROOT / "sample_data" / "templates" / "meetings.csv").read_bytes())
