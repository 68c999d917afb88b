"""The dashboard's cache leaves unused columns in the database and reads a ward's free text on
demand (issue #9: the server's memory at --scale 10), on SQLite and PostgreSQL."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard import state
from data_access import engine as eng
from data_access import queries, writes

HACKNEY = "E09000012"
BROWNSWOOD, BELSIZE = "E05009367", "E05013652"  # Hackney, Camden
HEADER = "promise_ref,ward_code,set_on,category,origin,description,status,closed_on,outcome,feedback_published_on,internal\n"
ROWS = (
    f"P1,{BROWNSWOOD},2023-01-10,drugs,panel,Close the crack house on Green Lanes,achieved,2023-05-01,Premises closure order granted,2023-05-20,no\n"
    f"P2,{BROWNSWOOD},2023-07-10,burglary,borough,Target hardening on the estate,open,,,,no\n"
    f"P3,{BELSIZE},2023-02-01,road safety,panel,Speed checks on Haverstock Hill,open,,,,no\n"
)


@pytest.fixture
def engine(any_url):
    from data_access import seed

    e = eng.make_engine(any_url)
    seed.prepare(e, sample=False)
    data = (HEADER + ROWS).encode()
    checked = writes.check_files(e, [("promises.csv", data)], ["promises"])
    assert checked[0].ok, checked[0].problems
    writes.import_checked(e, checked, [data], kind="upload")
    yield e
    e.dispose()


def test_omitted_columns_stay_in_the_database_and_the_rest_arrive(engine):
    full = queries.promises(engine)
    lean = queries.promises(engine, omit=state.LEFT_OUT["promises"])
    assert {"description", "outcome"} <= set(full.columns)
    assert set(lean.columns) == set(full.columns) - {"description", "outcome"}
    assert lean.sort("promise_ref").equals(full.drop("description", "outcome").sort("promise_ref"))


def test_one_wards_promises_carry_their_text_and_respect_the_scope(engine):
    mine = queries.promises(engine, ward_code=BROWNSWOOD).sort("promise_ref")
    assert mine["promise_ref"].to_list() == ["P1", "P2"]
    assert mine["description"].to_list() == ["Close the crack house on Green Lanes", "Target hardening on the estate"]
    assert mine["outcome"].to_list() == ["Premises closure order granted", None]
    # A Hackney user asking for a Camden ward gets nothing, not Camden's text.
    assert queries.promises(engine, (HACKNEY,), ward_code=BELSIZE).height == 0
    assert queries.promises(engine, (HACKNEY,), ward_code=BROWNSWOOD).height == 2


def test_every_left_out_column_is_a_real_column_and_a_typo_is_refused(engine):
    for name, columns in state.LEFT_OUT.items():
        frame = state.READERS[name](engine, None, omit=columns)
        assert not set(columns) & set(frame.columns), name
    with pytest.raises(ValueError, match="promise has no column descripton"):
        queries.promises(engine, omit=("descripton",))
