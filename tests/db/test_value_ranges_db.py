"""Every value the checker accepts is stored alike by SQLite and PostgreSQL and read back equal.

SQLite stores nearly anything (year -1, 41 characters in a VARCHAR(40), 2^63, a NUL) that
PostgreSQL refuses, and then it cannot read its own table back. So the checker holds every column
to the range both databases keep: a property test draws cells of every column kind, extreme and
hostile, into a valid row of each table; a file the checker passes is imported, read back equal and
undone, and a file it refuses is refused with file, spreadsheet row and column, the database unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dashboard.domain import contract as c
from dashboard.domain import imports as im
from data_access import engine as eng
from data_access import seed, writes

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "sample_data" / "templates"


def template_row(table: str) -> dict[str, str]:
    """The template's first data row: valid, so one changed cell decides the outcome."""
    with (TEMPLATES / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return next(csv.DictReader(f))


TABLES = [name for name in c.TABLES]
CONTROLS = [chr(i) for i in (*range(0, 32), *range(0x7F, 0xA0))]
NOT_CONTROL = st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"])


def text_cells(limit: int | None) -> st.SearchStrategy[str]:
    most = limit or 120
    plain = st.text(NOT_CONTROL, max_size=most + 3)
    at_the_limit = st.integers(max(most - 2, 0), most + 2).flatmap(lambda n: st.text(NOT_CONTROL, min_size=n, max_size=n))
    with_a_control = st.tuples(plain, st.sampled_from(CONTROLS), plain).map("".join)
    return st.one_of(plain, at_the_limit, with_a_control)


def cells(col: c.Column) -> st.SearchStrategy[str]:
    """Text a user might put in a cell of this column: good, extreme and hostile."""
    early, late = im.date_window()
    if col.kind == c.DATE:
        any_day = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
        in_window = st.dates(early, late)
        return st.one_of(
            in_window.map(dt.date.isoformat), in_window.map(lambda d: d.strftime("%d/%m/%Y")),
            st.sampled_from([early, late, early - dt.timedelta(days=1), late + dt.timedelta(days=1)]).map(dt.date.isoformat),
            any_day.map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}"),
            any_day.map(lambda d: f"{d.day}/{d.month}/{d.year % 100:02d}"),
            st.sampled_from(["-001-01-01", "0000-01-01", "10000-01-01", "2023-02-29", "1" * 5000]),
            st.text(max_size=12),
        )
    if col.kind in (c.COUNT, c.INT):
        edges = [0, 1, -1, c.COUNT_MAX, c.COUNT_MAX + 1, c.INT_MIN, c.INT_MIN - 1, 2**63 - 1, 2**63, -(2**63), 2**64]
        return st.one_of(st.integers(0, c.COUNT_MAX).map(str), st.sampled_from(edges).map(str),
                         st.integers(-(2**80), 2**80).map(str), st.text(max_size=8))
    if col.kind == c.PCT:
        return st.one_of(st.floats(0, 100).map(repr), st.floats().map(repr), st.text(max_size=8))
    if col.kind == c.NUMBER:
        return st.one_of(st.floats(0, 1e6).map(repr), st.floats().map(repr), st.text(max_size=8))
    if col.kind == c.BOOL:
        return st.one_of(st.sampled_from(["yes", "No", "TRUE", "0", "y", ""]), st.text(max_size=4))
    if col.kind in (c.WARD, c.BOROUGH):
        return st.one_of(st.sampled_from(["E05014053", " e05014053 ", "E09000002", "E12000007"]), text_cells(col.limit))
    if col.kind == c.CHOICE:
        return st.one_of(st.sampled_from(col.allowed).map(str.upper), st.sampled_from(col.allowed), text_cells(None))
    return text_cells(col.limit)


def csv_bytes(header: list[str], row: dict[str, str]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(header)
    w.writerow([row[h] for h in header])
    return buf.getvalue().encode("utf-8")


@pytest.fixture
def engine(any_url):
    e = eng.make_engine(any_url)
    seed.prepare(e)
    # The template's promises, so an engagement row may cite one.
    data = (TEMPLATES / "promises.csv").read_bytes()
    (done,) = writes.check_files(e, [("promises.csv", data)])
    writes.import_checked(e, [done], [data], kind="upload")
    yield e
    e.dispose()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_value_the_checker_accepts_is_stored_and_read_back_equal(engine, data):
    table = data.draw(st.sampled_from(TABLES), label="table")
    spec = c.TABLES[table]
    row = template_row(table)
    for col in data.draw(st.lists(st.sampled_from(spec.fields), min_size=1, max_size=2, unique=True), label="columns"):
        row[col.name] = data.draw(cells(col), label=col.name)
    file = f"{table}.csv"
    payload = csv_bytes(list(spec.columns), row)
    (checked,) = writes.check_files(engine, [(file, payload)], [table])
    event("accepted" if checked.ok else "refused")
    if not checked.ok:
        for p in checked.errors:  # every refusal names the file, the spreadsheet row and the column
            assert (p.file, p.row) == (file, 2) and p.column in spec.columns, p
        return
    before = writes.existing(engine, table)
    result = writes.upsert(engine, table, checked.frame, file_name=file, data=payload, kind="upload")
    key = list(spec.natural_key)
    stored = writes.existing(engine, table).join(checked.frame.select(key), on=key, how="semi")
    assert stored.select(spec.columns).to_dicts() == checked.frame.to_dicts()
    if result.new or result.changed:
        writes.undo_last(engine, table)
    assert writes.existing(engine, table).sort(key).equals(before.sort(key))


MEETINGS_HEADER = "ward_code,held_on,attendees,public_attendees,dwo_present,promises_reviewed,minutes_published,format,open_to_public"
PROMISES_HEADER = "promise_ref,ward_code,set_on,category,origin,description,status,closed_on,outcome,feedback_published_on"
# What the issue's 740 trials found stored by SQLite (or by both): (file, its text, row, column).
ISSUE_CASES = [
    ("year-minus-one.csv", f"{MEETINGS_HEADER}\nE05014053,-001-01-01,8,3,yes,yes,yes,online,yes\n", 2, "held_on"),
    ("two-digit-year.csv", f"{MEETINGS_HEADER}\nE05014053,2023-05-05,8,3,yes,yes,yes,online,yes\nE05014053,5/5/23,8,3,yes,yes,yes,online,yes\n", 3, "held_on"),
    ("year-one.csv", f"{MEETINGS_HEADER}\nE05014053,0001-01-01,8,3,yes,yes,yes,online,yes\n", 2, "held_on"),
    ("year-1899.csv", f"{MEETINGS_HEADER}\nE05014053,1899-12-31,8,3,yes,yes,yes,online,yes\n", 2, "held_on"),
    ("year-2203.csv", f"{MEETINGS_HEADER}\nE05014053,05/05/2203,8,3,yes,yes,yes,online,yes\n", 2, "held_on"),
    ("year-9999.csv", f"{MEETINGS_HEADER}\nE05014053,9999-12-31,8,3,yes,yes,yes,online,yes\n", 2, "held_on"),
    ("beyond-32-bits.csv", f"{MEETINGS_HEADER}\nE05014053,2023-05-05,2147483648,3,yes,yes,yes,online,yes\n", 2, "attendees"),
    ("beyond-64-bits.csv", f"{MEETINGS_HEADER}\nE05014053,2023-05-05,8,18446744073709551616,yes,yes,yes,online,yes\n", 2, "public_attendees"),
    ("long-reference.csv", f"{PROMISES_HEADER}\n{'P' * 41},E05014053,2023-03-02,theft,panel,x,open,,,\n", 2, "promise_ref"),
    ("nul.csv", f"{PROMISES_HEADER}\nP-9,E05014053,2023-03-02,theft,panel,a\x00b,open,,,\n", 2, "description"),
]


def test_the_issues_cases_are_refused_alike_by_row_and_column_and_change_nothing(any_url, tmp_path, capsys):
    from data_access.__main__ import main

    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    before = seed.row_counts(engine)
    for name, text, row, column in ISSUE_CASES:
        path = tmp_path / name
        path.write_bytes(text.encode())
        assert main(["--url", any_url, "import", str(path)]) == 1, name
        err = capsys.readouterr().err
        line = next(line for line in err.splitlines() if line.startswith(name))
        assert line.split()[1:3] == [str(row), column], (name, err)
        assert "nothing was imported" in err and "Traceback" not in err
    assert seed.row_counts(engine) == before
    engine.dispose()
