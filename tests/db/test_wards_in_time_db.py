"""Records on the wards before May 2022, on SQLite and PostgreSQL: they import on the codes valid on
their date, are kept as recorded, are read for figures as the 2022 ward they count for, and a code
on the wrong side of 5 May 2022 is refused with the ward(s) to use, nothing written."""

from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from data_access import access_checks, queries, seed, writes
from data_access import engine as eng

HEADER = b"ward_code,held_on,attendees,public_attendees,dwo_present,promises_reviewed,minutes_published,format\n"
# Old Abbey (Barking and Dagenham), whose best fit is Northbury (E05014066); Bethnal Green kept its code.
MEETINGS_2019 = HEADER + (b"E05000026,2019-02-11,10,4,yes,yes,yes,in person\n"
                          b"E05000026,2019-05-13,9,3,yes,yes,no,in person\n"
                          b"E05009317,2019-03-04,12,5,yes,yes,yes,in person\n")


@pytest.fixture
def engine(any_url):
    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    yield engine
    engine.dispose()


def stored(engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_the_wards_before_may_2022_are_loaded_with_their_successors(engine):
    assert stored(engine, "SELECT COUNT(*) FROM ward_pre2022") == [(657,)]
    assert stored(engine, "SELECT COUNT(*) FROM ward_successor") == [(1547,)]
    # Every code a record may carry: 704 wards of 2022 and the 483 older ones whose code did not continue.
    assert stored(engine, "SELECT COUNT(*) FROM recorded_ward") == [(1187,)]
    assert stored(engine, "SELECT counts_as FROM recorded_ward WHERE code = 'E05000026'") == [("E05014066",)]
    assert queries.former_wards(engine).filter(pl.col("police_force") == "Metropolitan Police Service").height == 632
    assert not seed.load_reference(engine)  # loaded once
    from data_access.__main__ import check

    assert check(engine) == []
    with engine.begin() as conn:  # no record uses it yet, so the row can go
        conn.execute(text("DELETE FROM recorded_ward WHERE code = 'E05000026'"))
    assert check(engine) == ["ward codes a record cannot be kept on: 1, e.g. E05000026"]
    with pytest.raises(DBAPIError), engine.begin() as conn:  # the database holds records to known codes
        conn.execute(text("INSERT INTO meeting (ward_code, held_on, attendees, public_attendees, dwo_present, promises_reviewed, "
                          "minutes_published, format) VALUES ('E05999999', '2019-01-01', 1, 0, true, true, true, 'online')"))
    # The Census counts are of 2022 wards only.
    census = b"ward_code,dimension,category,count,source\nE05000026,sex,Female,10,test\n"
    (checked,) = writes.check_files(engine, [("ward_population.csv", census)])
    assert [p.problem for p in checked.errors] == [
        "is a ward code from before May 2022, and this table takes 2022 wards only; use E05014066 (Northbury), which has "
        "most of its area (83%), or E05014053 (Abbey, 16%)"]


def test_2019_meetings_on_old_codes_import_kept_as_recorded_and_count_for_the_best_fit(engine):
    (checked,) = writes.check_files(engine, [("meetings_2019.csv", MEETINGS_2019)])
    assert checked.ok, checked.problems
    # A Barking and Dagenham steward may write old Abbey's rows, not Tower Hamlets' Bethnal Green's.
    outside = access_checks.rows_outside(checked.frame, ["E09000002"], engine)
    assert outside.select("row", "code", "borough_name").rows() == [(4, "E05009317", "Tower Hamlets")]
    (result,) = writes.import_checked(engine, [checked], [MEETINGS_2019], kind="upload")
    assert (result.new, result.changed) == (3, 0)
    assert stored(engine, "SELECT ward_code, COUNT(*) FROM meeting GROUP BY ward_code ORDER BY ward_code") == [
        ("E05000026", 2), ("E05009317", 1)]  # kept on the codes as recorded
    read = queries.meetings(engine).sort("held_on")
    assert read.select("ward_code", "recorded_ward_code").rows() == [
        ("E05014066", "E05000026"), ("E05009317", None), ("E05014066", "E05000026")]
    assert queries.meetings(engine, ward_code="E05014066").height == 2  # Northbury's history holds old Abbey's
    assert queries.meetings(engine, ["E09000002"]).height == 2  # Barking and Dagenham's users see old Abbey's rows
    # Imported again: unchanged, matched on the code as recorded.
    (again,) = writes.check_files(engine, [("meetings_2019.csv", MEETINGS_2019)])
    assert writes.preview(engine, "meetings", again.frame)["change"].to_list() == ["unchanged"] * 3


WRONG_SIDE = [
    (b"E05000026,2023-03-03,10,4,yes,yes,yes,online\n",
     "is the code of Abbey, a ward from before 5 May 2022, but held_on (3 March 2023) is on or after that day, when the "
     "2022 wards came in: use the 2022 ward the place is in now: E05014066 (Northbury), which has most of its area (83%), "
     "or E05014053 (Abbey, 16%)"),
    (b"E05014053,2022-05-04,10,4,yes,yes,yes,online\n",
     "is the code of Abbey, a 2022 ward, but held_on (4 May 2022) is before 5 May 2022, when the 2022 wards came in: use "
     "the ward of that date: E05000032 (Gascoigne), which covered most of it (58%), or E05000026 (Abbey, 42%)"),
]


def test_a_code_on_the_wrong_side_of_may_2022_is_refused_naming_the_wards_to_use(engine):
    for row, says in WRONG_SIDE:
        data = HEADER + b"E05009317,2019-03-04,12,5,yes,yes,yes,in person\n" + row
        (checked,) = writes.check_files(engine, [("meetings.csv", data)])
        assert [(p.row, p.column, p.problem) for p in checked.errors] == [(3, "ward_code", says)]
        assert checked.frame.is_empty()  # all or nothing: the good row is not imported either
    assert stored(engine, "SELECT COUNT(*) FROM meeting") == [(0,)]


def test_the_command_line_imports_2019_meetings_on_old_codes(any_url, tmp_path, capsys):
    from data_access.__main__ import main

    path = tmp_path / "meetings_2019.csv"
    path.write_bytes(MEETINGS_2019)
    assert main(["--url", any_url, "import", str(path)]) == 0
    wrong = tmp_path / "meetings_2023.csv"
    wrong.write_bytes(HEADER + b"E05000026,2023-03-03,10,4,yes,yes,yes,online\n")
    assert main(["--url", any_url, "import", str(wrong)]) != 0
    said = capsys.readouterr()
    assert "E05014066 (Northbury), which has most of its area (83%)" in said.out + said.err
    engine = eng.make_engine(any_url)
    assert stored(engine, "SELECT COUNT(*) FROM meeting WHERE ward_code = 'E05000026'") == [(2,)]
    engine.dispose()


def test_a_database_made_before_may_2022_wards_were_known_upgrades_and_keeps_its_rows(any_url):
    """A database at 0009 (the revision before) with the reference data of then and a meeting on a 2022 ward: the upgrade
    keeps the meeting, the next start loads the older wards, and an old-coded meeting can then be stored."""
    from alembic import command

    from data_access import reference

    engine = eng.make_engine(any_url)
    with engine.begin() as conn:
        command.upgrade(eng._alembic_config(conn), "0011")
        seed.insert_frame(conn, "borough", reference.boroughs())
        seed.insert_frame(conn, "ward", reference.wards())
        conn.execute(text("INSERT INTO meeting (ward_code, held_on, attendees, public_attendees, dwo_present, promises_reviewed, "
                          "minutes_published, format) VALUES ('E05014066', '2023-01-09', 8, 2, true, true, true, 'online')"))
    seed.prepare(engine)
    assert stored(engine, "SELECT COUNT(*) FROM recorded_ward") == [(1187,)]
    assert stored(engine, "SELECT COUNT(*) FROM ward_pre2022") == [(657,)]
    (checked,) = writes.check_files(engine, [("meetings_2019.csv", MEETINGS_2019)])
    writes.import_checked(engine, [checked], [MEETINGS_2019], kind="upload")
    assert queries.meetings(engine, ward_code="E05014066").select("recorded_ward_code").to_series().to_list() == [
        None, "E05000026", "E05000026"]
    engine.dispose()
