"""Every entry point answers hostile input with a plain message, never a traceback, and changes nothing.

The corpus is what the issue's 370 mutated files found (a folder given as the file, police.uk JSON
nested 100,000 deep, dates given as a list or an object, a 5,000-digit number) and its neighbours.
It is fed to the command line (on SQLite and PostgreSQL: row counts before and after), to the
police.uk reader and to the CSV checker. A catch-all message ("did not expect", "could not be
checked", "could not be read as a police.uk response") counts as a failure too: it means an
exception got as far as the last guard.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from dashboard.domain import imports as im
from dashboard.domain import policeuk
from data_access import engine as eng
from data_access import reference, seed
from data_access.__main__ import main

CATCH_ALLS = ("Traceback", "did not expect", "could not be checked", "could not be read as a police.uk response")
MEETINGS_HEADER = "ward_code,held_on,attendees,public_attendees,dwo_present,promises_reviewed,minutes_published,format,open_to_public"


def priority(**fields) -> dict:
    return {"issue": "Burglary on the estate", "issue-date": "2023-09-01T00:00:00", "action": None, "action-date": None, **fields}


def event(**fields) -> dict:
    return {"title": "Street briefing", "description": "x", "type": "briefing", "start_date": "2023-09-01T19:00:00", **fields}


def deep(n: int) -> str:
    return "[" * n + "]" * n


# police.uk JSON: (name, kind, text of the file)
JSON_CORPUS = [
    ("deep.json", "priorities", deep(100_000)),
    ("deep-object.json", "events", '{"a":' * 100_000 + "1" + "}" * 100_000),
    ("malformed.json", "priorities", '[{"issue": "x", '),
    ("object.json", "priorities", '{"issue": "x"}'),
    ("numbers.json", "events", "[1, 2, 3]"),
    ("date-list.json", "priorities", json.dumps([priority(**{"issue-date": ["2023-09-01"]})])),
    ("date-object.json", "priorities", json.dumps([priority(**{"issue-date": {"date": "2023-09-01"}})])),
    ("date-number.json", "events", json.dumps([event(start_date=20230901)])),
    ("date-true.json", "events", json.dumps([event(start_date=True)])),
    ("date-null.json", "priorities", json.dumps([priority(**{"issue-date": None})])),
    ("date-5000-digits.json", "priorities", '[{"issue": "Burglary", "issue-date": ' + "9" * 5000 + "}]"),
    ("date-4000-digits.json", "events", '[{"title": "Briefing", "start_date": ' + "9" * 4000 + "}]"),
    ("date-float.json", "events", '[{"title": "Briefing", "start_date": 1e999}]'),
    ("date-nan.json", "events", '[{"title": "Briefing", "start_date": NaN}]'),
    ("issue-nested.json", "priorities", json.dumps([priority(issue=json.loads(deep(500)))])),
    ("issue-object.json", "priorities", json.dumps([priority(issue={"text": "burglary"})])),
    ("title-list.json", "events", json.dumps([event(title=["a"], type={"x": 1})])),
    ("not-utf8.json", "priorities", None),  # bytes below
    ("empty.json", "priorities", ""),
    ("nul.json", "priorities", json.dumps([priority(issue="Burglary\x00 on the estate")])),
    ("date-2203.json", "priorities", json.dumps([priority(**{"issue-date": "2203-05-05T00:00:00"})])),
]


def json_bytes(name: str, text: str | None) -> bytes:
    return text.encode() if text is not None else b'[{"issue": "Caf\xe9 burglary", "issue-date": "2023-09-01"}]'


# CSV files: (name, bytes)
CSV_CORPUS = [
    ("empty.csv", b""),
    ("random.csv", bytes(range(256)) * 40),
    ("zip.csv", b"PK\x03\x04" + bytes(200)),
    ("utf16.csv", MEETINGS_HEADER.encode("utf-16")),
    ("brackets.csv", deep(50_000).encode()),
    ("json-as-csv.csv", json.dumps([priority()]).encode()),
    ("quotes.csv", f'{MEETINGS_HEADER}\n"E05014053,2023-05-05,8\n'.encode()),
    ("ragged.csv", f"{MEETINGS_HEADER}\nE05014053,2023-05-05,8,3,yes,yes,yes,online,yes,1,2,3\n".encode()),
    ("digits.csv", f"{MEETINGS_HEADER}\nE05014053,{'9' * 5000},{'9' * 5000},3,yes,yes,yes,online,yes\n".encode()),
    ("nul-cells.csv", f"{MEETINGS_HEADER}\nE05014053\x00,2023-05-05,8\x00,3,yes,yes,yes,online\x00,yes\n".encode()),
    ("only-commas.csv", b"," * 150 + b"\n" + b"," * 150 + b"\n"),
    ("header-only-separators.csv", b";;;\t\t\t\n"),
    ("one-line-3m-columns.csv", b"a," * 3_000_000),  # 151 s of CPU before the limits
    ("wide-header.csv", (",".join(f"c{i}" for i in range(5_000)) + "\n").encode()),
]


@pytest.fixture(scope="module")
def refs() -> im.References:
    wards = reference.wards().select(pl.col("code").alias("ward_code"), pl.col("name").alias("ward_name"), "borough_code")
    return im.References(wards=wards, lookup=reference.ward_successors(), borough_codes=frozenset(reference.boroughs()["code"]))


def plain(messages: list[str]) -> None:
    for m in messages:
        assert not any(words in m for words in CATCH_ALLS), m


@pytest.mark.parametrize(("name", "kind", "text"), JSON_CORPUS, ids=[c[0] for c in JSON_CORPUS])
def test_the_policeuk_reader_answers_every_hostile_response_with_problems(refs, name, kind, text):
    table, rows, problems = policeuk.parse(json_bytes(name, text), kind=kind, neighbourhood="E05014053", refs=refs, file=name)
    assert table in ("promises", "engagement") and rows.columns == list(im.TABLES[table].columns)
    assert all(dtype == pl.String for dtype in rows.dtypes)
    plain([p.problem for p in problems])
    if rows.height:  # what it could read goes through the CSV checks, which must refuse it plainly
        checked = im.check(rows.write_csv().encode(), file=name, refs=refs, table=table)
        assert not checked.ok
        plain([p.problem for p in checked.problems])
    else:
        assert any(p.severity == im.ERROR for p in problems)


@pytest.mark.parametrize(("name", "data"), CSV_CORPUS, ids=[c[0] for c in CSV_CORPUS])
def test_the_csv_checker_answers_every_hostile_file_with_problems(refs, name, data):
    checked = im.check(data, file=name, refs=refs)
    assert not checked.ok and checked.errors
    assert all(p.file == name for p in checked.problems)
    plain([p.problem for p in checked.problems])


def test_the_command_line_answers_every_hostile_input_with_a_message_and_changes_nothing(any_url, tmp_path, capsys, monkeypatch):
    engine = eng.make_engine(any_url)
    seed.prepare(engine)
    before = seed.row_counts(engine)
    capsys.readouterr()

    def run(*argv: str) -> tuple[int, str]:
        rc = main(["--url", any_url, *argv])
        out = capsys.readouterr()
        return rc, out.out + out.err

    folder = tmp_path / "a folder.csv"
    folder.mkdir()
    unreadable = tmp_path / "unreadable.csv"
    unreadable.write_text(MEETINGS_HEADER + "\n")
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                        if p.name == "unreadable.csv" else real_read(p))
    cases = [
        (("import", str(folder)), "is a folder, not a file"),
        (("import", str(tmp_path / "missing.csv")), "No such file or directory"),
        (("import", str(unreadable)), "could not be read (Permission denied)"),
        (("import", "/dev/null"), "not a regular file"),
        (("import", str(tmp_path / "nul\x00name.csv")), "could not be opened"),
        (("import-policeuk", str(folder), "--neighbourhood", "E05014053", "--kind", "events"), "is a folder"),
        (("undo", "no-such-table"), "invalid choice"),
        (("import",), "the following arguments are required"),
        (("import-policeuk", "x.json", "--kind", "events"), "--neighbourhood"),
    ]
    for name, data in CSV_CORPUS:
        (tmp_path / name).write_bytes(data)
        cases.append((("import", str(tmp_path / name)), name))
    for name, kind, text in JSON_CORPUS:
        (tmp_path / name).write_bytes(json_bytes(name, text))
        cases.append((("import-policeuk", str(tmp_path / name), "--neighbourhood", "E05014053", "--kind", kind), name))
    for argv, words in cases:
        rc, output = run(*argv)
        assert rc != 0, (argv, output)
        assert words in output, (argv, output)
        plain([output])
    assert seed.row_counts(engine) == before
    engine.dispose()
