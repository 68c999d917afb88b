"""The sample's boards: every Met borough has all four tables, with the field's faults."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dashboard.domain import vocabulary as v
from sample_data import board
from tests.unit.test_generator import BOROUGHS, make_population, make_wards


@pytest.fixture(scope="module")
def frames() -> dict[str, pl.DataFrame]:
    wards = make_wards(12)
    # Eight boroughs, so one in eight holds no public meeting in a year.
    wards = pl.concat([wards.with_columns(pl.col("ward_code").str.replace("E059", f"E05{k}"),
                                          pl.col("borough_code").str.replace("E099", f"E09{k}")) for k in range(1, 4)])
    wards = wards.unique("ward_code")
    return board.generate(wards, make_population(wards), seed=2014, start=dt.date(2014, 10, 1), end=dt.date(2023, 12, 31))


def test_every_met_borough_has_every_board_table_and_the_city_none(frames):
    boroughs = {f"E09{k}{b[4:]}" for k in range(1, 4) for b in BOROUGHS}
    for name, frame in frames.items():
        assert set(frame["borough_code"]) == boroughs, name
        assert dict(frame.schema) == board.SCHEMAS[name]


def test_the_field_s_faults_are_in_the_sample(frames):
    meetings = frames["board_meeting"].with_columns(pl.col("held_on").dt.year().alias("year"))
    assert meetings["year"].min() == 2015 and meetings["year"].max() == 2023
    public = meetings.group_by("borough_code", "year").agg(pl.col("public").any())
    assert public.filter(~pl.col("public")).height >= 1  # a board with no public meeting in a year
    tenure = frames["borough_commander"].drop_nulls("ended_on").select((pl.col("ended_on") - pl.col("started_on")).dt.total_days())
    assert 300 <= tenure.to_series().median() <= 500  # commanders change about yearly
    members = frames["board_member"]
    older = members.filter(pl.col("age_band").is_in(["50-64", "65+"])).height / members.filter(pl.col("age_band") != v.NOT_STATED).height
    assert older > 0.6  # the test wards' adults are 39% over 50
    assert (members.filter(pl.col("role") == v.BOARD_PANEL_CHAIR)["ward_represented"].is_not_null()).all()
    assert not members.select("borough_code", "member_ref").is_duplicated().any()
