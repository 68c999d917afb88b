"""The board's four tables go through the generic path: template -> check -> import -> undo, and a
bad row is named by file, row and column with nothing written. On SQLite only (the schema's
PostgreSQL side is tests/db/test_migrations.py's, the generic path's tests/db/test_imports_db.py's):
a fresh PostgreSQL database with the reference data costs seven seconds."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from data_access import engine as eng
from data_access import queries, seed, writes
from data_access.models import Base

TEMPLATES = Path(__file__).resolve().parents[2] / "sample_data" / "templates"
BOARD = {"board_members": "board_member", "board_meetings": "board_meeting",
         "borough_commanders": "borough_commander", "board_funding": "board_funding"}


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(select(func.count()).select_from(Base.metadata.tables[t])).scalar() for t in BOARD.values()}


def test_each_board_template_imports_reads_back_and_undoes(sqlite_url):
    engine = eng.make_engine(sqlite_url)
    seed.prepare(engine)
    files = [(f"{name}.csv", (TEMPLATES / f"{name}.csv").read_bytes()) for name in BOARD]
    checked = writes.check_files(engine, files)
    assert [c.table for c in checked] == list(BOARD) and all(c.ok for c in checked), [c.problems for c in checked]
    results = writes.import_checked(engine, checked, [d for _, d in files], kind="upload")
    assert [r.new for r in results] == [4, 4, 3, 3]
    members = queries.table("board_members", engine, ["E09000002"])
    panel_chair = members.filter(members["role"] == "panel chair").row(0, named=True)
    assert (panel_chair["ward_represented"], panel_chair["age_band"]) == ("E05014053", "50-64")
    funding = queries.table("board_funding", engine, ["E09000002"]).sort("year", "source")
    assert funding["spent"].to_list() == [4620, 1500, 3875]  # 2022: the core grant, the council's; 2023
    assert queries.table("board_meetings", engine, ["E09000003"]).is_empty()  # another borough's user sees none
    for name in reversed(list(BOARD)):
        writes.undo_last(engine, name)
    assert counts(engine) == dict.fromkeys(BOARD.values(), 0)
    engine.dispose()


def test_a_panel_chair_without_a_ward_and_a_london_board_are_refused_by_row_and_column(seeded_sqlite_url):
    engine = eng.make_engine(seeded_sqlite_url)
    header = (TEMPLATES / "board_members.csv").read_text().splitlines()[0]
    data = "\n".join([header,
                      "B-1,E09000002,panel chair,,,White,65+,Male,2020-01-01,",
                      "B-2,E12000007,chair,,,White,65+,Male,2020-01-01,"]).encode()
    (checked,) = writes.check_files(engine, [("board.csv", data)])
    found = {(p.row, p.column) for p in checked.errors}
    assert found == {(2, "ward_represented"), (3, "borough_code")}
    assert not checked.ok
    engine.dispose()
