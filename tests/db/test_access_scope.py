"""Borough scope enforced in data_access, on SQLite and PostgreSQL.

A Hackney user's reads return no row of another borough, and a Hackney steward's import or
undo that reaches into Camden is refused whole, leaving the database exactly as it was.
"""

from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import func, select

from data_access import access_checks, audit, queries, seed, writes
from data_access import engine as eng
from data_access.models import ImportBatch, PanelMember

HACKNEY, CAMDEN = "E09000012", "E09000007"
BROWNSWOOD, CAZENOVE, BELSIZE = "E05009367", "E05009368", "E05013652"  # Hackney, Hackney, Camden
HEADER = "member_ref,ward_code,sector,is_chair,ethnic_group,age_band,sex,joined_on,left_on\n"


def members_csv(*rows: tuple[str, str]) -> bytes:
    return (HEADER + "".join(f"{ref},{ward},resident,no,Black,25-34,Female,2023-01-0{i + 1},\n"
                             for i, (ref, ward) in enumerate(rows))).encode()


def load(engine, data: bytes, *, boroughs=None, name="members.csv"):
    checked = writes.check_files(engine, [(name, data)], ["members"])
    assert checked[0].ok, checked[0].problems
    return writes.import_checked(engine, checked, [data], kind="upload", boroughs=boroughs)


def counts(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(PanelMember)).scalar_one(),
                conn.execute(select(func.count()).select_from(ImportBatch)).scalar_one())


@pytest.fixture
def engine(any_url):
    e = eng.make_engine(any_url)
    seed.prepare(e)
    # An administrator (no scope) loads members in two Hackney wards and one Camden ward.
    load(e, members_csv(("H1", BROWNSWOOD), ("H2", BROWNSWOOD), ("H3", CAZENOVE), ("C1", BELSIZE), ("C2", BELSIZE)))
    yield e
    e.dispose()


def test_a_hackney_user_reads_only_hackney_rows(engine):
    assert queries.members(engine).height == 5
    mine = queries.members(engine, (HACKNEY,))
    assert sorted(mine["member_ref"]) == ["H1", "H2", "H3"]
    wards = queries.wards(engine, (HACKNEY,))
    assert set(wards["borough_code"]) == {HACKNEY} and wards.height == 21
    assert set(queries.boroughs(engine, (HACKNEY,))["borough_code"]) == {HACKNEY}
    population = queries.ward_population(engine, (HACKNEY,))
    assert population.height > 0 and set(population["ward_code"]) <= set(wards["ward_code"])
    assert BELSIZE not in set(population["ward_code"])
    # The survey: Hackney's own rows and London's, never Camden's.
    survey = "".join(f"{b},2023-12-31,Trust MPS,70,\n" for b in (HACKNEY, CAMDEN, "E12000007"))
    data = ("borough_code,quarter_end,measure,value_pct,base_n\n" + survey).encode()
    checked = writes.check_files(engine, [("confidence.csv", data)], ["confidence"])
    writes.import_checked(engine, checked, [data], kind="upload")
    assert set(queries.confidence(engine, (HACKNEY,))["borough_code"]) == {HACKNEY, "E12000007"}
    assert CAMDEN in set(queries.confidence(engine)["borough_code"])
    # Nobody (an empty scope) reads nothing.
    assert queries.members(engine, ()).height == 0


def test_a_hackney_steward_cannot_import_a_camden_row_and_nothing_is_written(engine):
    before = counts(engine)
    data = members_csv(("H4", BROWNSWOOD), ("C3", BELSIZE))
    with pytest.raises(access_checks.OutOfScope) as refused:
        load(engine, data, boroughs=(HACKNEY,), name="mixed.csv")
    message = str(refused.value)
    assert "mixed.csv: row 3 (E05013652, Camden)" in message and "nothing in this file was imported" in message
    assert counts(engine) == before
    assert "H4" not in set(queries.members(engine)["member_ref"])


def test_a_viewer_cannot_import_even_their_own_borough(engine):
    before = counts(engine)
    with pytest.raises(access_checks.OutOfScope, match="may not import"):
        load(engine, members_csv(("H4", BROWNSWOOD)), boroughs=())
    assert counts(engine) == before


def test_a_steward_imports_their_own_borough(engine):
    (result,) = load(engine, members_csv(("H4", BROWNSWOOD)), boroughs=(HACKNEY,))
    assert (result.new, result.unchanged) == (1, 0)
    assert sorted(queries.members(engine, (HACKNEY,))["member_ref"]) == ["H1", "H2", "H3", "H4"]


def test_a_steward_cannot_undo_an_import_that_touched_another_borough(engine):
    before = counts(engine)
    with pytest.raises(access_checks.OutOfScope, match="Camden"):
        writes.undo_last(engine, "members", boroughs=(HACKNEY,))
    assert counts(engine) == before
    deleted, restored, _ = writes.undo_last(engine, "members", boroughs=None)  # an administrator may
    assert (deleted, restored) == (5, 0)


def test_a_steward_cannot_load_london_survey_rows(engine):
    rows = pl.DataFrame({"borough_code": [HACKNEY, "E12000007"]})
    outside = access_checks.rows_outside(rows, (HACKNEY,), engine)
    assert outside.rows() == [(3, "E12000007", "E12000007", "London as a whole")]


def test_an_area_check_refuses_other_boroughs():
    access_checks.require_area([HACKNEY], (HACKNEY,))
    access_checks.require_area([CAMDEN], None)
    with pytest.raises(access_checks.OutOfScope):
        access_checks.require_area([HACKNEY, CAMDEN], (HACKNEY,))
    with pytest.raises(access_checks.OutOfScope):
        access_checks.require_area([], (HACKNEY,))


def test_the_audit_trail_keeps_who_what_and_how_many(engine):
    audit.record(engine, "ann@example.org", audit.DOWNLOAD, "diversity_panels_E09000012.csv", 21)
    audit.record(engine, "bob@example.org", audit.IMPORT, "members.csv into members", 5)
    log = audit.events(engine)
    assert log.select("who", "action", "what", "rows").rows() == [
        ("bob@example.org", "import", "members.csv into members", 5),
        ("ann@example.org", "download", "diversity_panels_E09000012.csv", 21),
    ]
    assert log["at"].dtype == pl.Datetime("us") and log["at"].null_count() == 0


def test_the_command_line_audits_its_imports_and_undos(sqlite_url, tmp_path, capsys):
    from data_access.__main__ import main

    path = tmp_path / "members.csv"
    path.write_bytes(members_csv(("H9", BROWNSWOOD), ("C9", BELSIZE)))
    assert main(["--url", sqlite_url, "import", str(path)]) == 0
    assert main(["--url", sqlite_url, "undo", "members"]) == 0
    e = eng.make_engine(sqlite_url)
    log = audit.events(e).select("who", "action", "rows").rows()
    e.dispose()
    assert [(action, rows) for _, action, rows in log] == [("undo", 2), ("import", 2)]
    assert all(who.startswith("command line") for who, _, _ in log)
