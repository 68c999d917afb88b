"""Imports against real databases: nothing half-done, exact undo, the command line.

Each bad-input test runs the real command (``python -m data_access import``) on a real SQLite
file and compares the content of every table before and after: it must not change at all.
Upsert and undo run on SQLite and PostgreSQL (``any_url``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from dashboard.domain import imports as im
from data_access import engine as eng
from data_access import queries, seed, writes
from data_access.__main__ import main
from data_access.models import Base, ImportBatch

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "sample_data" / "templates"
POLICEUK = ROOT / "sample_data" / "policeuk"
MEETINGS = (TEMPLATES / "meetings.csv").read_bytes()
HEADER = MEETINGS.split(b"\n", 1)[0].decode()


ACTIVITY = ("meeting", "promise", "engagement_activity")
WRITABLE = (*ACTIVITY, "panel", "panel_member", "remedy_plan", "dwo_assignment", "confidence_measure",
            "import_batch", "import_change")  # all but the reference tables, for the quick property test


def snapshot(url: str, tables=None) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: the database's content."""
    engine = eng.make_engine(url)
    out = {}
    with engine.connect() as conn:
        for name, table in Base.metadata.tables.items():
            if tables is None or name in tables:
                rows = conn.execute(select(table)).all()
                out[name] = sorted((tuple(r) for r in rows), key=repr)
    engine.dispose()
    return out


@pytest.fixture(scope="module")
def ready_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('imports') / 'db.sqlite'}"
    engine = eng.make_engine(url)
    seed.prepare(engine)
    engine.dispose()
    return url


def run(url: str, tmp_path: Path, name: str, data: bytes, *extra: str, capsys=None) -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(data)
    rc = main(["--url", url, "import", str(path), *extra])
    captured = capsys.readouterr() if capsys else None
    return rc, (captured.out + captured.err) if captured else ""


def rows(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


GOOD = "E05014053,2023-05-05,8,3,yes,yes,yes,online,yes"
BAD_INPUTS = [
    pytest.param(rows(GOOD, "E05014053,2023-02-29,8,3,yes,yes,yes,online,yes"), "3", "held_on", "not a real date", id="impossible-date"),
    pytest.param(rows("E05014053,2023-05-05,eight,3,yes,yes,yes,online,yes"), "2", "attendees", "number written in words", id="number-in-words"),
    pytest.param(rows("E05014053,2023-05-05,8,-3,yes,yes,yes,online,yes"), "2", "public_attendees", "cannot be negative", id="negative-count"),
    pytest.param(rows(GOOD, GOOD), "2", "ward_code, held_on", "another row in this file", id="duplicates"),
    pytest.param(rows("E05999999,2023-05-05,8,3,yes,yes,yes,online,yes"), "2", "ward_code", "not a 2022 ward code", id="unknown-ward"),
    pytest.param(rows("E05014053,2023-05-05", header="ward_code,held_on"), "1", "attendees", "nothing was imported", id="missing-columns"),
    pytest.param(b"", "", "", "empty", id="empty-file"),
    pytest.param(rows(), "", "", "no data rows", id="header-only"),
    pytest.param(b"PK\x03\x04" + bytes(range(256)) * 8, "", "", "Excel workbook", id="binary-renamed-csv"),
]


@pytest.mark.parametrize(("data", "row", "column", "words"), BAD_INPUTS)
def test_bad_input_is_named_and_database_untouched(ready_url, tmp_path, capsys, data, row, column, words):
    before = snapshot(ready_url)
    rc, output = run(ready_url, tmp_path, "bad.csv", data, capsys=capsys)
    assert rc == 1
    line = next(text for text in output.splitlines() if words in text)
    assert line.startswith("bad.csv")
    cells = line.split()
    if row:
        assert cells[1] == row and column.split(",")[0] in line
    assert "nothing was imported" in output
    assert snapshot(ready_url) == before


def test_the_count_is_every_problem_though_the_report_lists_the_first(ready_url, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(im, "MAX_REPORTED", 5)
    before = snapshot(ready_url)
    lines = [f"E05014053,2023-01-{day:02d},ten,x,yes,yes,yes,online,yes" for day in range(1, 21)]  # 40 problems
    rc, output = run(ready_url, tmp_path, "bad.csv", rows(*lines), capsys=capsys)
    assert rc == 1
    assert "40 problems found (the report lists the first 5 of each file); nothing was imported" in output
    assert sum(line.startswith("bad.csv") for line in output.splitlines()) == 5
    assert snapshot(ready_url) == before


def test_file_above_the_size_limit_is_refused_unread(ready_url, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(im.MAX_MB_ENV, "0.0005")
    before = snapshot(ready_url)
    rc, output = run(ready_url, tmp_path, "big.csv", rows(*[GOOD] * 30), capsys=capsys)
    assert rc == 1 and "big.csv" in output and "limit for one file, so it was not read" in output
    assert snapshot(ready_url) == before


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xef\xbb\xbf" + rows(GOOD).replace(b"\n", b"\r\n"), id="utf8-bom-crlf"),
        pytest.param(rows(GOOD).replace(b",", b";") + b";;;;;;;;\r\n\r\n", id="semicolons-blank-rows"),
        pytest.param(rows("E05014053,05/05/2023,8,3,Y,TRUE,1,Online,yes", header=HEADER.upper().replace("_", " ")),
                     id="uk-date-header-case"),
    ],
)
def test_excel_shapes_import(tmp_path, capsys, data):
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    rc, output = run(url, tmp_path, "m.csv", data, capsys=capsys)
    assert rc == 0, output
    engine = eng.make_engine(url)
    with engine.connect() as conn:
        got = conn.execute(text("SELECT ward_code, held_on, attendees, format, dwo_present FROM meeting")).all()
    engine.dispose()
    assert [tuple(r) for r in got] == [("E05014053", "2023-05-05", 8, "online", 1)]


def test_windows_1252_is_refused_unless_chosen(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    header = (TEMPLATES / "promises.csv").read_text(encoding="utf-8").splitlines()[0]
    data = f"{header}\r\nP-9,E05014053,2023-03-02,burglary,panel,Caf\u00e9 patrols,open,,,,\r\n".encode("cp1252")
    rc, output = run(url, tmp_path, "p.csv", data, capsys=capsys)
    assert rc == 1 and "not UTF-8 text: line 2" in output and "--encoding cp1252" in output and "nothing was imported" in output
    rc, output = run(url, tmp_path, "p.csv", data, "--encoding", "cp1252", capsys=capsys)
    assert rc == 0, output
    engine = eng.make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT description FROM promise")).scalar_one() == "Caf\u00e9 patrols"
    engine.dispose()


def test_dry_run_changes_nothing(ready_url, tmp_path, capsys):
    before = snapshot(ready_url)
    rc, output = run(ready_url, tmp_path, "meetings.csv", MEETINGS, "--dry-run", capsys=capsys)
    assert rc == 0 and "4 new, 0 changed, 0 unchanged" in output and "Dry run" in output
    assert snapshot(ready_url) == before


def test_preview_upsert_and_undo_restore_exactly(any_url, monkeypatch):
    # Small thresholds so these few rows take the bulk paths: change records in chunks of two,
    # and (PostgreSQL) foreign keys checked once after the insert.
    monkeypatch.setattr(writes, "CHANGE_CHUNK", 2)
    monkeypatch.setattr(writes, "BULK_FK_ROWS", 2)
    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    empty = snapshot(any_url, ACTIVITY)
    first = writes.check_files(engine, [("meetings.csv", MEETINGS)])
    assert im.diff_counts(writes.preview(engine, "meetings", first[0].frame)) == {"new": 4, "changed": 0, "unchanged": 0}
    (r1,) = writes.import_checked(engine, first, [MEETINGS], kind="upload")
    assert (r1.new, r1.changed, r1.unchanged) == (4, 0, 0)
    after_first = snapshot(any_url, ACTIVITY)
    edited = MEETINGS.replace(b"2023-05-05,8,3,", b"2023-05-05,9,3,") + b"E05014053,2023-12-01,4,1,no,no,no,online,\n"
    second = writes.check_files(engine, [("edited.csv", edited)])
    (r2,) = writes.import_checked(engine, second, [edited], kind="upload")
    assert (r2.new, r2.changed, r2.unchanged) == (1, 1, 3)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT attendees FROM meeting WHERE held_on = '2023-05-05'")).scalar() == 9
        batch = conn.execute(select(ImportBatch.__table__).where(ImportBatch.id == r2.batch_id)).one()
        assert (batch.file_name, batch.kind, batch.rows_new, batch.rows_changed, batch.rows_unchanged) == ("edited.csv", "upload", 1, 1, 3)
        assert batch.checksum == seed.checksum(edited)
    assert writes.undo_last(engine, "meetings") == (1, 1, "edited.csv")
    assert snapshot(any_url, ACTIVITY) == after_first
    assert writes.undo_last(engine, "meetings") == (4, 0, "meetings.csv")
    assert snapshot(any_url, ACTIVITY) == empty
    with pytest.raises(writes.ImportRefused, match="no import of meetings to undo"):
        writes.undo_last(engine, "meetings")
    with engine.connect() as conn:
        assert conn.execute(select(ImportBatch.undone_at).where(ImportBatch.id == r1.batch_id)).scalar() is not None
    engine.dispose()


def test_a_file_of_unchanged_rows_records_no_batch(any_url):
    """Importing the same file twice records one batch: the second changes nothing, so it never
    becomes "the last import" that undo would take back."""
    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    (first,) = writes.import_checked(engine, writes.check_files(engine, [("meetings.csv", MEETINGS)]), [MEETINGS], kind="upload",
                                     who="steward@example.org")
    before = snapshot(any_url)
    (again,) = writes.import_checked(engine, writes.check_files(engine, [("again.csv", MEETINGS)]), [MEETINGS], kind="upload",
                                     who="steward@example.org")
    assert (again.batch_id, again.new, again.changed, again.unchanged) == (None, 0, 0, 4)
    assert "all 4 rows are already there, unchanged" in again.describe()
    assert snapshot(any_url) == before  # no batch, no change record, no audit event
    assert writes.undo_last(engine, "meetings") == (4, 0, "meetings.csv")
    with engine.connect() as conn:
        assert conn.execute(select(ImportBatch.id).where(ImportBatch.table_name == "meeting")).scalars().all() == [first.batch_id]
    engine.dispose()


def test_the_command_line_says_an_unchanged_file_was_not_recorded(ready_url, tmp_path, capsys):
    rc, _ = run(ready_url, tmp_path, "meetings.csv", MEETINGS, capsys=capsys)
    before = snapshot(ready_url)
    rc, output = run(ready_url, tmp_path, "meetings.csv", MEETINGS, capsys=capsys)
    assert rc == 0 and "Nothing imported into meetings from meetings.csv: all 4 rows are already there, unchanged" in output
    assert snapshot(ready_url) == before
    assert main(["--url", ready_url, "undo", "meetings"]) == 0


def test_the_last_import_says_who_and_undo_takes_back_only_the_one_confirmed(any_url):
    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    (first,) = writes.import_checked(engine, writes.check_files(engine, [("meetings.csv", MEETINGS)]), [MEETINGS], kind="upload",
                                     who="steward@example.org")
    last = writes.last_import(engine, "meetings")
    assert (last.batch_id, last.file_name, last.imported_by, last.new, last.changed, last.undoable) == (
        first.batch_id, "meetings.csv", "steward@example.org", 4, 0, True)
    edited = MEETINGS.replace(b"2023-05-05,8,3,", b"2023-05-05,9,3,")
    (second,) = writes.import_checked(engine, writes.check_files(engine, [("edited.csv", edited)]), [edited], kind="cli", who="cli")
    before = snapshot(any_url)
    # The user confirmed the first; another import has come since: nothing is undone.
    with pytest.raises(writes.ImportRefused, match="changed while you were deciding .* edited.csv"):
        writes.undo_last(engine, "meetings", batch_id=first.batch_id)
    assert snapshot(any_url) == before
    assert writes.undo_last(engine, "meetings", batch_id=second.batch_id) == (0, 1, "edited.csv")
    assert writes.last_import(engine, "meetings").batch_id == first.batch_id
    engine.dispose()


def test_batches_from_before_the_who_column_get_it_from_their_audit_event(sqlite_url):
    from alembic import command

    engine = eng.make_engine(sqlite_url)
    with engine.begin() as conn:
        command.upgrade(eng._alembic_config(conn), "0009")
        conn.execute(text("INSERT INTO import_batch (id, file_name, checksum, table_name, kind, rows_new, rows_changed, "
                          "rows_unchanged, imported_at) VALUES (7, 'm.csv', 'x', 'meeting', 'upload', 1, 0, 0, '2025-11-03 14:05:00'), "
                          "(8, 'sample', 'y', 'meeting', 'sample', 1, 0, 0, '2025-11-03 14:06:00')"))
        conn.execute(text("INSERT INTO audit_event (at, who, action, what, rows) VALUES "
                          "('2025-11-03 14:05:00', 'steward@example.org', 'import', 'm.csv into meetings (batch 7): 1 new, 0 changed, 0 unchanged', 1), "
                          "('2025-11-03 14:05:30', 'someone@example.org', 'undo', 'the last import of meetings (batch 8)', 1)"))
    eng.upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, imported_by FROM import_batch ORDER BY id")).all() == [
            (7, "steward@example.org"), (8, None)]
    engine.dispose()


@pytest.mark.parametrize("bulk", [False, True], ids=["row-checks", "bulk-checks"])
def test_a_refused_row_rolls_back_the_whole_file(any_url, monkeypatch, bulk):
    """The database refuses one row (its ward is unknown there): no row and no batch is written."""
    if bulk:
        monkeypatch.setattr(writes, "BULK_FK_ROWS", 1)
    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    before = snapshot(any_url)
    fake = pl.DataFrame({"ward_code": ["E05014053", "E05999999"], "ward_name": ["Abbey", "Nowhere"], "borough_code": ["E09000002"] * 2})
    data = rows(GOOD, "E05999999,2023-05-05,8,3,yes,yes,yes,online,yes")
    checked = im.check(data, file="m.csv", refs=im.References(wards=fake))
    assert checked.ok
    with pytest.raises(writes.ImportRefused, match="nothing was imported"):
        writes.upsert(engine, "meetings", checked.frame, file_name="m.csv", data=data, kind="upload")
    assert snapshot(any_url) == before
    with pytest.raises(DBAPIError):  # the foreign key is still there afterwards
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO meeting (ward_code, held_on, attendees, public_attendees, dwo_present, "
                              "promises_reviewed, minutes_published, format) VALUES ('E05999999', '2023-01-01', 1, 0, "
                              "true, true, true, 'online')"))
    engine.dispose()


def test_sample_data_cannot_be_undone(seeded_sqlite_url):
    engine = eng.make_engine(seeded_sqlite_url)
    with pytest.raises(writes.ImportRefused, match="sample data"):
        writes.undo_last(engine, "meetings")
    engine.dispose()


def test_engagement_may_cite_promises_in_the_same_upload(ready_url, tmp_path, capsys):
    for name in ("promises.csv", "engagement.csv"):
        (tmp_path / name).write_bytes((TEMPLATES / name).read_bytes())
    rc = main(["--url", ready_url, "import", str(tmp_path / "engagement.csv"), str(tmp_path / "promises.csv")])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert out.index("into promises") < out.index("into engagement")
    assert main(["--url", ready_url, "undo", "engagement"]) == 0
    assert main(["--url", ready_url, "undo", "promises"]) == 0


def test_policeuk_examples_import_as_promises_and_engagement(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    pri = POLICEUK / "example_E05014053_priorities.json"
    ev = POLICEUK / "example_E05014053_events.json"
    assert main(["--url", url, "import-policeuk", str(pri), "--neighbourhood", "E05014053", "--kind", "priorities"]) == 0
    assert main(["--url", url, "import-policeuk", str(ev), "--neighbourhood", "E05014053", "--kind", "events"]) == 0
    out = capsys.readouterr().out
    assert "matches no promise category" in out  # the fourth priority is reported, not dropped
    engine = eng.make_engine(url)
    with engine.connect() as conn:
        promises = conn.execute(text("SELECT category, origin, status, description FROM promise ORDER BY set_on, category")).all()
        events = conn.execute(text("SELECT held_on, kind FROM engagement_activity ORDER BY held_on")).all()
        meetings = conn.execute(text("SELECT count(*) FROM meeting")).scalar()
    engine.dispose()
    assert [p.category for p in promises] == ["theft", "anti-social behaviour", "road safety"]
    assert all(p.origin == "panel" and p.status == "open" and p.description.startswith("police.uk priority: ") for p in promises)
    assert "Abbey Road & the station" in promises[1].description and "<" not in promises[1].description
    assert [tuple(e) for e in events] == [("2023-07-22", "community event"), ("2023-10-05", "public meeting"),
                                         ("2023-11-18", "contact session")]
    assert meetings == 0  # a police.uk "meeting" event is never a ward panel meeting


def test_policeuk_unmatched_neighbourhood_is_reported_not_dropped(ready_url, capsys):
    kept = {"policeuk_unmatched", "data_version"}
    before = snapshot(ready_url, set(Base.metadata.tables) - kept)
    ev = POLICEUK / "example_E05014053_events.json"
    assert main(["--url", ready_url, "import-policeuk", str(ev), "--neighbourhood", "HEATHROW", "--kind", "events"]) == 0
    out = capsys.readouterr().out
    assert out.count("not matched to a ward") == 3
    assert "Nothing imported: neighbourhood 'HEATHROW' is no 2022 ward, so its 3 events were left out. It is kept" in out
    assert snapshot(ready_url, set(Base.metadata.tables) - kept) == before  # no row, no batch
    engine = eng.make_engine(ready_url)
    kept_rows = queries.policeuk_unmatched(engine)
    engine.dispose()
    assert kept_rows.select("neighbourhood", "kind", "file_name", "items").rows()[0] == (
        "HEATHROW", "events", "example_E05014053_events.json", 3)


def test_an_unmatched_policeuk_neighbourhood_is_kept_for_its_boroughs_users(any_url):
    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    data = (POLICEUK / "example_E05014053_priorities.json").read_bytes()
    hackney, camden = "E09000012", "E09000007"
    for neighbourhood, boroughs in (("E05014053", None), ("TOWNCENTRE", (hackney,)), ("AIRPORT", None)):
        checked = writes.check_policeuk(engine, data, file=f"{neighbourhood}.json", kind="priorities", neighbourhood=neighbourhood)
        results, unmatched = writes.import_policeuk(engine, checked, data, neighbourhood=neighbourhood, kind="priorities",
                                                    load="upload", who="steward@example.org",
                                                    boroughs=boroughs if neighbourhood != "E05014053" else None)
        assert (unmatched == 0) == (neighbourhood == "E05014053")
        assert [r.new for r in results] == ([3] if neighbourhood == "E05014053" else [])
    everything = queries.policeuk_unmatched(engine)
    assert everything.select("neighbourhood", "items", "boroughs").rows() == [("AIRPORT", 4, None), ("TOWNCENTRE", 4, hackney)]
    assert queries.policeuk_unmatched(engine, (hackney,))["neighbourhood"].to_list() == ["TOWNCENTRE"]
    assert queries.policeuk_unmatched(engine, (camden,)).height == 0
    engine.dispose()


# --- Property: random mutations of a valid file never raise, and import fully or change nothing --

MUTATIONS = st.lists(
    st.tuples(st.sampled_from(["replace", "delete", "insert", "duplicate_line", "truncate"]),
              st.integers(min_value=0, max_value=10_000), st.text(max_size=6)),
    min_size=1, max_size=4,
)


def mutate(data: str, ops) -> str:
    for op, pos, chunk in ops:
        i = pos % (len(data) + 1)
        if op == "replace":
            data = data[:i] + chunk + data[i + len(chunk):]
        elif op == "delete":
            data = data[:i] + data[i + 1 + len(chunk):]
        elif op == "insert":
            data = data[:i] + chunk + data[i:]
        elif op == "duplicate_line":
            lines = data.split("\n")
            k = pos % len(lines)
            lines.insert(k, lines[k])
            data = "\n".join(lines)
        else:
            data = data[:i]
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=MUTATIONS, encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_mutated_files_import_fully_or_change_nothing(ready_url, tmp_path, capsys, ops, encoding):
    text_data = mutate(MEETINGS.decode(), ops)
    data = text_data.encode(encoding, errors="replace")
    chosen = im.CP1252 if encoding == "cp1252" else im.UTF8  # Windows-1252 is read only when the user says so
    before = snapshot(ready_url, WRITABLE)
    rc, output = run(ready_url, tmp_path, "m.csv", data, "--encoding", chosen, capsys=capsys)
    if rc != 0:
        assert snapshot(ready_url, WRITABLE) == before, output
        return
    engine = eng.make_engine(ready_url)
    checked = writes.check_files(engine, [("m.csv", data)], encoding=chosen)[0]
    stored = writes.existing(engine, "meetings")
    # Every checked row is in the database exactly as read.
    assert checked.frame.join(stored, on=list(checked.frame.columns), how="anti", nulls_equal=True).height == 0
    if "0 new, 0 changed" not in output:
        assert main(["--url", ready_url, "undo", "meetings"]) == 0
    capsys.readouterr()
    engine.dispose()
    after = snapshot(ready_url, WRITABLE)
    after.pop("import_batch"), before.pop("import_batch"), after.pop("import_change"), before.pop("import_change")
    assert after == before


MEMBERS = (TEMPLATES / "members.csv").read_bytes()


def test_the_import_history_keeps_what_undo_needs_and_only_while_it_may(any_url, monkeypatch):
    """A changed member keeps in the history the old value of what changed only (not their ethnic
    group or age); an undone import's records go with the undo; and after WARD_PANEL_UNDO_DAYS an
    import can no longer be undone and its records (member references among them) are gone."""
    import datetime as dt
    import json

    from sqlalchemy import func, update

    from data_access.models import ImportChange

    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    (first,) = writes.import_checked(engine, writes.check_files(engine, [("members.csv", MEMBERS)]), [MEMBERS], kind="upload")
    after_first = snapshot(any_url, ("panel_member",))
    lines = MEMBERS.decode().splitlines()
    assert lines[1].endswith(",")  # no leaving date yet: the member leaves at the end of January 2024
    edited = "\n".join([lines[0], lines[1] + "2024-01-31", *lines[2:]]) + "\n"
    (second,) = writes.import_checked(engine, writes.check_files(engine, [("left.csv", edited.encode())]), [edited.encode()], kind="upload")
    assert second.changed == 1
    with engine.connect() as conn:
        (previous,) = conn.execute(select(ImportChange.previous).where(ImportChange.batch_id == second.batch_id,
                                                                       ImportChange.previous.is_not(None))).one()
    (old,) = json.loads(previous)
    assert old["_changed"] == ["left_on"] and old["left_on"] is None
    assert all(value is None for column, value in old.items() if column not in ("_changed", "left_on"))  # no ethnic group, age, sex...

    assert writes.undo_last(engine, "members") == (0, 1, "left.csv")
    assert snapshot(any_url, ("panel_member",)) == after_first  # restored exactly from what was kept
    count = select(func.count()).select_from(ImportChange)
    with engine.connect() as conn:
        assert conn.execute(count.where(ImportChange.batch_id == second.batch_id)).scalar() == 0
        assert conn.execute(count.where(ImportChange.batch_id == first.batch_id)).scalar() > 0  # still undoable

    monkeypatch.setenv(writes.UNDO_DAYS_ENV, "30")
    with engine.begin() as conn:  # the first import was 31 days ago
        conn.execute(update(ImportBatch).where(ImportBatch.id == first.batch_id)
                     .values(imported_at=dt.datetime.now().replace(microsecond=0) - dt.timedelta(days=31)))
    with pytest.raises(writes.ImportRefused, match="more than 30 days ago, so it can no longer be undone"):
        writes.undo_last(engine, "members")
    with engine.connect() as conn:
        assert conn.execute(count).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM panel_member")).scalar() > 0  # the data stays; only its history goes
    engine.dispose()


def _without(data: bytes, column: str, *, empty: bool = False) -> bytes:
    """A template with one column left out (or, ``empty``, kept with every cell empty)."""
    frame = pl.read_csv(data, infer_schema=False)
    frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column)) if empty else frame.drop(column)
    return frame.write_csv().encode()


def test_an_optional_column_left_out_keeps_what_is_stored_and_an_empty_cell_clears_it(any_url):
    """For every table: a file without an optional column changes nothing in it (a promise marked
    internal stays internal); the same column sent with empty cells clears it."""
    from dashboard.domain.contract import TABLES

    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    checked_columns = 0
    for name, spec in TABLES.items():
        if not spec.optional or not (TEMPLATES / f"{name}.csv").exists():
            continue
        data = (TEMPLATES / f"{name}.csv").read_bytes()
        if name == "promises":  # every promise of the template marked internal, to see that it stays so
            data = pl.read_csv(data, infer_schema=False).with_columns(pl.lit("yes").alias("internal")).write_csv().encode()
        writes.import_checked(engine, writes.check_files(engine, [(f"{name}.csv", data)]), [data], kind="upload")
        stored = snapshot(any_url, (spec.db_table,))
        for column in spec.optional:
            left_out = _without(data, column)
            checked = writes.check_files(engine, [(f"{name}.csv", left_out)], [name])
            if not checked[0].ok:  # a rule of the file's own rows needs it (closed promises need closed_on): refused whole
                assert all(column in (p.column or "") or column in p.problem for p in checked[0].errors), checked[0].errors
                continue
            assert checked[0].absent == (column,)
            (result,) = writes.import_checked(engine, checked, [left_out], kind="upload")
            assert result.changed == 0, (name, column)
            assert snapshot(any_url, (spec.db_table,)) == stored, (name, column)
            checked_columns += 1
        held = pl.read_csv(data, infer_schema=False)
        for column in [c for c in spec.optional if held[c].drop_nulls().len()]:
            emptied = _without(data, column, empty=True)
            checked = writes.check_files(engine, [(f"{name}.csv", emptied)], [name])
            if checked[0].ok:
                writes.import_checked(engine, checked, [emptied], kind="upload")
                with engine.connect() as conn:
                    assert conn.execute(text(f"SELECT count(*) FROM {spec.db_table} WHERE {column} IS NOT NULL")).scalar() == 0, (name, column)
                writes.import_checked(engine, writes.check_files(engine, [(f"{name}.csv", data)]), [data], kind="upload")  # back again
                stored = snapshot(any_url, (spec.db_table,))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM promise WHERE internal")).scalar() > 0  # still hidden from the public page
    assert checked_columns >= 12
    engine.dispose()


def test_the_real_policeuk_crime_file_imports_from_the_command_line_and_undoes(ready_url, capsys):
    """The real Met street-level file: counted by ward, its unlocated and out-of-London records
    reported, and the import taken back whole by undo."""
    before = snapshot(ready_url, {"crime_count"})
    crime = POLICEUK / "policeuk_2023-12_metropolitan_street_burglary.csv"
    assert main(["--url", ready_url, "import", str(crime)]) == 0
    out = capsys.readouterr().out
    assert "4,958 of 4,990 records were counted in 2022 wards" in out and "27 records have no location" in out
    assert out.count("matches no London LSOA") == 5
    assert "-> crime: 676 new, 0 changed, 0 unchanged rows" in out
    engine = eng.make_engine(ready_url)
    abbey = queries.table("crime", engine, ward_code="E05014053")
    engine.dispose()
    assert abbey.select("month", "crime_type", "count").rows() == [(dt.date(2023, 12, 1), "Burglary", 1.0)]
    assert main(["--url", ready_url, "undo", "crime"]) == 0
    assert snapshot(ready_url, {"crime_count"}) == before


@pytest.mark.parametrize(("table", "key", "columns"), [
    ("promises", "promise_ref", ("lead_agency", "action", "barrier")),
    ("engagement", "held_on", ("promise_ref", "venue")),
    ("ward_groups", "organisation", ("ward_code", "kind")),
    ("crime", "crime_type", ("ward_code", "month", "count")),
])
def test_the_new_columns_and_tables_round_trip_through_the_template_import_and_undo(ready_url, table, key, columns):
    data = (TEMPLATES / f"{table}.csv").read_bytes()
    engine = eng.make_engine(ready_url)
    checked = writes.check_files(engine, [(f"{table}.csv", data)])
    if table == "engagement":  # it cites the template's promises: imported with them
        promises = (TEMPLATES / "promises.csv").read_bytes()
        checked = writes.check_files(engine, [("promises.csv", promises), (f"{table}.csv", data)])[1:]
        writes.import_checked(engine, writes.check_files(engine, [("promises.csv", promises)]), [promises], kind="cli")
    template = checked[0].frame.select(key, *columns).sort(key, *columns)
    assert all(template[c].drop_nulls().len() for c in columns)  # the template shows every new column
    writes.import_checked(engine, checked, [data], kind="cli")
    in_template = pl.col(key).is_in(template[key].to_list())
    stored = queries.table(table, engine).filter(in_template).select(key, *columns).sort(key, *columns)
    assert stored.rows() == template.rows()
    writes.undo_last(engine, table)
    assert queries.table(table, engine).filter(in_template).height == 0
    if table == "engagement":
        writes.undo_last(engine, "promises")
    engine.dispose()
