"""The CSV reader and validator on small hand-made files. Pure: no database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.domain import imports as im
from data_access import reference

ROOT = Path(__file__).resolve().parents[2]
HEADER = "ward_code,held_on,attendees,public_attendees,dwo_present,promises_reviewed,minutes_published,format,open_to_public"


@pytest.fixture(scope="module")
def refs() -> im.References:
    wards = reference.wards().select(pl.col("code").alias("ward_code"), pl.col("name").alias("ward_name"), "borough_code")
    template_refs = pl.read_csv(ROOT / "sample_data" / "templates" / "promises.csv")["promise_ref"].to_list()
    return im.References(wards=wards, lookup=reference.ward_successors(), promise_refs=frozenset({"P-1", *template_refs}),
                         borough_codes=frozenset(reference.boroughs()["code"]))


def meetings(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


GOOD = "E05014053,2023-05-05,8,3,yes,yes,yes,online,yes"


def only(result: im.Checked) -> im.Problem:
    assert len(result.errors) == 1, result.problems
    return result.errors[0]


def test_every_template_passes(refs):
    for path in sorted((ROOT / "sample_data" / "templates").glob("*.csv")):
        result = im.check(path.read_bytes(), file=path.name, refs=refs)
        assert result.table == path.stem and result.ok, (path.name, result.problems)
        assert result.frame.height > 0


def test_a_good_row_is_typed(refs):
    result = im.check(meetings(GOOD), file="m.csv", refs=refs)
    assert result.ok
    assert result.frame.row(0, named=True) == {
        "ward_code": "E05014053", "held_on": dt.date(2023, 5, 5), "attendees": 8, "public_attendees": 3,
        "dwo_present": True, "promises_reviewed": True, "minutes_published": True, "format": "online",
        "open_to_public": True,
    }


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xef\xbb\xbf" + meetings(GOOD), id="utf8-bom"),
        pytest.param(meetings(GOOD).replace(b"\n", b"\r\n"), id="crlf"),
        pytest.param(meetings(GOOD).replace(b",", b";"), id="semicolons"),
        pytest.param(meetings(GOOD) + b",,,,,,,,\n\n,,,,,,,,\n", id="blank-trailing-rows"),
        pytest.param(meetings(GOOD, header=HEADER.upper().replace("_", " ")), id="header-case-and-spaces"),
        pytest.param(meetings("E05014053,05/05/2023,8,3,TRUE,y,1,Online,Yes"), id="uk-date-and-yes-words"),
    ],
)
def test_inputs_that_must_be_accepted(refs, data):
    result = im.check(data, file="m.csv", refs=refs)
    assert result.ok, result.problems
    row = result.frame.row(0, named=True)
    assert (row["held_on"], row["attendees"], row["format"], row["dwo_present"]) == (dt.date(2023, 5, 5), 8, "online", True)


def test_windows_1252_text_is_read_when_chosen(refs):
    line = "P-9,E05014053,2023-03-02,burglary,panel,Caf\u00e9 \u2018hotspot\u2019 patrols,open,,,"
    header = "promise_ref,ward_code,set_on,category,origin,description,status,closed_on,outcome,feedback_published_on"
    result = im.check(f"{header}\r\n{line}\r\n".encode("cp1252"), file="p.csv", refs=refs, encoding=im.CP1252)
    assert result.ok, result.problems
    assert result.frame["description"][0] == "Caf\u00e9 \u2018hotspot\u2019 patrols"


WIN_LINE = "P-9,E05014053,2023-03-02,burglary,panel,Caf\u00e9 patrols,open,,,"
PROMISE_HEADER = "promise_ref,ward_code,set_on,category,origin,description,status,closed_on,outcome,feedback_published_on"


@pytest.mark.parametrize(
    ("data", "line"),
    [
        pytest.param(f"{PROMISE_HEADER}\r\n{WIN_LINE}\r\n".encode("cp1252"), 2, id="windows-1252"),
        # UTF-8 but for one stray byte: it was read as Windows-1252, "Caf\u00c3\u00a9" ('CafÃ©') and all.
        pytest.param(f"{PROMISE_HEADER}\nP-8,E05014053,2023-03-02,theft,panel,Caf\u00e9 \u2018x\u2019,open,,,\n".encode()
                     + WIN_LINE.encode("cp1252") + b"\n", 3, id="utf8-with-one-bad-byte"),
        # A byte-order mark and one Windows-1252 byte: it said "The file has no promise_ref column".
        pytest.param(im.BOM + f"{PROMISE_HEADER}\n{WIN_LINE}\n".encode("cp1252"), 2, id="bom-then-windows-1252"),
    ],
)
def test_a_file_that_is_not_utf8_is_refused_with_its_line_never_read_another_way(refs, data, line):
    p = only(im.check(data, file="p.csv", refs=refs))
    assert (p.file, p.row) == ("p.csv", line)
    assert f"The file is not UTF-8 text: line {line} has the byte 0xE9" in p.problem
    assert "Windows-1252" in p.problem and "CSV UTF-8" in p.problem and "--encoding cp1252" in p.problem
    assert "Caf\\xe9 patrols" in p.value  # the text around the byte, as the user can find it


def test_a_byte_windows_1252_does_not_use_is_refused_when_it_is_chosen(refs):
    data = f"{PROMISE_HEADER}\n{WIN_LINE}\n".encode("cp1252").replace(b"\xe9", b"\x81")
    p = only(im.check(data, file="p.csv", refs=refs, encoding=im.CP1252))
    assert p.row == 2 and "not Windows-1252 text: line 2 has the byte 0x81" in p.problem


def test_the_lines_that_are_not_utf8_are_shown_both_ways():
    """Only the offending lines, numbered as the refusal numbers them, each read as UTF-8 and as Windows-1252."""
    utf8_line = "P-8,E05014053,2023-03-02,theft,panel,Caf\u00e9 \u2018x\u2019,open,,,"
    data = im.BOM + f"{PROMISE_HEADER}\r\n{utf8_line}\r\n".encode() + f"{WIN_LINE}\r\n".encode("cp1252") + b"P-7,\x81\n"
    shown = im.encoding_preview(data)
    assert shown.rows() == [
        (3, WIN_LINE.replace("\u00e9", "\ufffd"), WIN_LINE),
        (4, "P-7,\ufffd", "P-7,\ufffd"),  # a byte neither uses: Windows-1252 would refuse it too
    ]
    assert im.encoding_preview(f"{PROMISE_HEADER}\n{utf8_line}\n".encode()).height == 0


def test_a_long_line_is_shown_around_its_first_bad_byte_and_only_the_first_lines():
    long = ("a" * 300 + "\u00e9" + "b" * 300).encode("cp1252")
    (line, as_utf8, as_windows), = im.encoding_preview(b"header\n" + long).rows()
    assert line == 2 and as_windows.startswith("\u2026a") and as_windows.endswith("b\u2026") and "a\u00e9b" in as_windows
    assert len(as_windows) == im.PREVIEW_CHARS + 2 and "a\ufffdb" in as_utf8
    assert im.encoding_preview(b"h\n" + b"\xe9\n" * 20)["line"].to_list() == [2, 3, 4, 5, 6]


def test_utf16_is_named(refs):
    p = only(im.check(meetings(GOOD).decode().encode("utf-16"), file="m.csv", refs=refs))
    assert "UTF-16" in p.problem and "CSV UTF-8" in p.problem


def test_formula_like_text_is_stored_as_given(refs):
    header = "promise_ref,ward_code,set_on,category,origin,description,status,closed_on,outcome,feedback_published_on"
    result = im.check(f'{header}\nP-9,E05014053,2023-03-02,theft,panel,"=HYPERLINK(""x"")",open,,,\n'.encode(), file="p.csv", refs=refs)
    assert result.ok
    assert result.frame["description"][0] == '=HYPERLINK("x")'


@pytest.mark.parametrize(
    ("data", "row", "column", "words"),
    [
        (meetings("E05014053,2023-02-30,8,3,yes,yes,yes,online,yes"), 2, "held_on", "not a real date"),
        (meetings(GOOD, "E05014053,2023-13-01,8,3,yes,yes,yes,online,yes"), 3, "held_on", "not a real date"),
        (meetings("E05014053,5th May,8,3,yes,yes,yes,online,yes"), 2, "held_on", "2025-11-03 or 03/11/2025"),
        (meetings("E05014053,2023-05-05,twelve,3,yes,yes,yes,online,yes"), 2, "attendees", "number written in words"),
        (meetings("E05014053,2023-05-05,8,-3,yes,yes,yes,online,yes"), 2, "public_attendees", "cannot be negative"),
        (meetings("E05014053,2023-05-05,8,3,maybe,yes,yes,online,yes"), 2, "dwo_present", "yes or no"),
        (meetings("E05014053,2023-05-05,8,3,yes,yes,yes,zoom,yes"), 2, "format", "allowed values"),
        (meetings("E05014053,2023-05-05,8,9,yes,yes,yes,online,yes"), 2, "public_attendees", "more than attendees"),
        (meetings("E05014053,2023-05-05,8,3,yes,yes,yes,,yes"), 2, "format", "required"),
        (meetings("E05999999,2023-05-05,8,3,yes,yes,yes,online,yes"), 2, "ward_code", "not a 2022 ward code"),
        (meetings("E05000026,2023-05-05,8,3,yes,yes,yes,online,yes"), 2, "ward_code", "E05014066 (Northbury)"),
        (meetings("Northbury,2023-05-05,8,3,yes,yes,yes,online,yes"), 2, "ward_code", "ward name"),
    ],
)
def test_each_bad_cell_is_named_by_row_and_column(refs, data, row, column, words):
    p = only(im.check(data, file="m.csv", refs=refs))
    assert (p.file, p.row, p.column) == ("m.csv", row, column)
    assert words in p.problem


@pytest.mark.parametrize(("value", "iso"), [("12/31/2023", "2023-12-31"), ("05/13/2023", "2023-05-13"), ("2/29/2024", "2024-02-29")])
def test_a_us_date_is_named_as_one_with_its_iso_spelling(refs, value, iso):
    p = only(im.check(meetings(f"E05014053,{value},8,3,yes,yes,yes,online,yes"), file="m.csv", refs=refs))
    assert (p.row, p.column, p.value) == (2, "held_on", value)
    assert p.problem == f"looks like a US date (month first); write it as {iso}"


def test_a_date_real_neither_way_is_not_called_a_us_date(refs):
    p = only(im.check(meetings("E05014053,31/31/2023,8,3,yes,yes,yes,online,yes"), file="m.csv", refs=refs))
    assert "not a real date" in p.problem and "US" not in p.problem
    # 05/06/2023 is read day first, as a UK spreadsheet writes it: 5 June.
    assert im.check(meetings("E05014053,05/06/2023,8,3,yes,yes,yes,online,yes"), file="m.csv", refs=refs).frame["held_on"][0] == dt.date(2023, 6, 5)


def test_a_missing_column_lists_the_files_own_columns(refs):
    p = only(im.check(b"Ward Code,Date,Attendees\nE05014053,2023-05-05,8\n", file="m.csv", refs=refs, table="meetings"))
    assert p.row == 1 and p.column.startswith("held_on, public_attendees")
    own = p.problem.split("Its columns are: ", 1)[1]
    assert own.startswith("Ward Code, Date, Attendees.")
    assert "The meetings template's are: ward_code, held_on, attendees" in p.problem


def test_duplicates_within_the_file_name_both_rows(refs):
    result = im.check(meetings(GOOD, "E05014053,05/05/2023,9,3,yes,yes,yes,online,yes"), file="m.csv", refs=refs)
    assert [(p.row, p.column) for p in result.errors] == [(2, "ward_code, held_on"), (3, "ward_code, held_on")]
    assert "another row in this file" in result.errors[0].problem


def test_every_problem_in_one_report(refs):
    result = im.check(meetings("Northbury,2023-02-30,ten,-1,maybe,yes,yes,zoom,yes"), file="m.csv", refs=refs)
    assert [p.column for p in result.errors] == ["ward_code", "held_on", "attendees", "public_attendees", "dwo_present", "format"]
    report = im.problem_frame(result.problems)
    assert report.columns == list(im.REPORT_COLUMNS) and report.height == 6
    assert result.frame.height == 0  # nothing passes on when any row fails


def test_extra_column_is_reported_and_ignored(refs):
    result = im.check(meetings(GOOD + ",red", header=HEADER + ",Colour"), file="m.csv", refs=refs)
    assert result.ok
    (note,) = result.problems
    assert (note.row, note.column, note.severity) == (1, "colour", im.IGNORED)
    assert "colour" not in result.frame.columns


def test_missing_required_columns_stop_with_one_message(refs):
    result = im.check(meetings("E05014053,2023-05-05,8", header="ward_code,held_on,attendees"), file="m.csv", refs=refs, table="meetings")
    p = only(result)
    assert p.row == 1 and "public_attendees" in p.column and "nothing was imported" in p.problem


def test_missing_optional_column_is_fine(refs):
    header = HEADER.rsplit(",", 1)[0]
    result = im.check(meetings(GOOD.rsplit(",", 1)[0], header=header), file="m.csv", refs=refs)
    assert result.ok and result.frame["open_to_public"][0] is None


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"\xef\xbb\xbf  \r\n", "empty"),
        (meetings(), "no data rows"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4, "Excel workbook"),
        (bytes(range(256)) * 8, "binary"),
    ],
)
def test_whole_file_problems(refs, data, words):
    p = only(im.check(data, file="m.csv", refs=refs))
    assert p.file == "m.csv" and words in p.problem


def test_size_limit_is_decided_before_reading(refs, monkeypatch):
    monkeypatch.setenv(im.MAX_MB_ENV, "0.001")  # about 1 KB
    assert im.max_bytes() == 1048
    p = im.size_problem("big.csv", 5_000_000)
    assert p is not None and "4.8 MB" in p.problem and "limit" in p.problem
    p = only(im.check(meetings(*[GOOD] * 40), file="big.csv", refs=refs))
    assert "above the 0.0 MB limit" in p.problem or "limit" in p.problem
    monkeypatch.delenv(im.MAX_MB_ENV)
    assert im.max_bytes() == 20 * 1024 * 1024


def test_table_recognised_from_header_or_chosen(refs):
    assert im.check(meetings(GOOD), file="x.csv", refs=refs).table == "meetings"
    result = im.check(b"colour,size\nred,3\n", file="x.csv", refs=refs)
    assert result.table is None and "does not match any table" in only(result).problem


def test_engagement_promise_ref_must_exist(refs):
    header = "ward_code,held_on,kind,people_reached,young_people_reached,promise_ref"
    result = im.check(f"{header}\nE05014053,2023-11-18,school visit,95,67,P-1\nE05014053,2023-11-19,school visit,9,6,P-2\n".encode(),
                      file="e.csv", refs=refs)
    p = only(result)
    assert (p.row, p.column, p.value) == (3, "promise_ref", "P-2")


def test_confidence_percent_range(refs):
    data = b"borough_code,quarter_end,measure,value_pct,base_n\nE09000002,2023-12-31,Trust MPS,101,\n"
    p = only(im.check(data, file="c.csv", refs=refs))
    assert (p.row, p.column) == (2, "value_pct") and "above 100" in p.problem


def test_promise_cross_field_rules(refs):
    header = "promise_ref,ward_code,set_on,category,origin,description,status,closed_on,outcome,feedback_published_on"
    data = f"{header}\nP-8,E05014053,2023-03-02,theft,panel,x,achieved,2023-01-01,,\nP-9,E05014053,2023-03-02,theft,panel,x,achieved,,,\n"
    result = im.check(data.encode(), file="p.csv", refs=refs)
    assert [(p.row, p.column) for p in result.errors] == [(2, "closed_on"), (3, "closed_on")]
    assert "before set_on" in result.errors[0].problem and "needs a closed_on" in result.errors[1].problem


def test_a_member_reference_that_looks_like_a_name_or_an_email_address_is_refused(refs):
    header = "member_ref,ward_code,sector,is_chair,ethnic_group,age_band,sex,joined_on,left_on"
    refs_given = ["Jane Smith", "jane.smith@example.org", "JSmith", "M-0042", "HCK-2023-017", "m0042"]
    rows = [f"{ref},E05014053,resident,no,Asian,50-64,Female,2022-06-20," for ref in refs_given]
    result = im.check((header + "\n" + "\n".join(rows) + "\n").encode(), file="members.csv", refs=refs)
    assert [(p.row, p.column, p.value) for p in result.errors] == [
        (2, "member_ref", "Jane Smith"), (3, "member_ref", "jane.smith@example.org"), (4, "member_ref", "JSmith")]
    problem = result.errors[0].problem
    assert "looks like a name or an e-mail address" in problem and "for example M-0042" in problem


def test_diff_marks_new_changed_unchanged():
    old = pl.DataFrame({"ward_code": ["A", "B"], "held_on": [dt.date(2023, 1, 1)] * 2, "attendees": [8, 5],
                        "public_attendees": [1, 1], "dwo_present": [True, True], "promises_reviewed": [True, True],
                        "minutes_published": [True, True], "format": ["online"] * 2, "open_to_public": [None, None]},
                       schema_overrides={"open_to_public": pl.Boolean})
    new = old.with_columns(pl.Series("attendees", [9, 5])).vstack(old.head(1).with_columns(pl.lit("C").alias("ward_code")))
    changes = im.diff(new, old, "meetings")
    assert changes["change"].to_list() == ["changed", "unchanged", "new"]
    assert changes["attendees__old"].to_list() == [8, 5, None]
    assert im.diff_counts(changes) == {"new": 1, "changed": 1, "unchanged": 1}


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_problems_not_exceptions(data):
    wards = pl.DataFrame({"ward_code": ["E05014053"], "ward_name": ["Abbey"], "borough_code": ["E09000002"]})
    result = im.check(data, file="x.csv", refs=im.References(wards=wards))
    assert isinstance(result.problems, list)
    assert result.ok or result.problems or result.table is None


def test_problem_report_download_cannot_run_formulas(refs):
    """A bad cell such as =HYPERLINK(...) is echoed in the report; its CSV defuses it."""
    from dashboard.app.ui import safe_csv

    result = im.check(meetings('E05014053,2023-05-05,"=1+2",3,yes,yes,yes,online,yes'), file="m.csv", refs=refs)
    report = im.problem_frame(result.problems)
    assert report["value"].to_list() == ["=1+2"]
    written = safe_csv(report).decode("utf-8-sig")
    assert "'=1+2" in written and ",=1+2" not in written


CONCERNS_HEADER = "ward_code,raised_on,source,category,count,note"


def concern_rows(*rows: str) -> bytes:
    return ("\n".join([CONCERNS_HEADER, *rows]) + "\n").encode()


def test_a_concerns_file_is_recognised_and_typed(refs):
    result = im.check(concern_rows("E05014053,03/11/2023,Public Meeting,Anti-Social Behaviour,12,Noise on the estate"),
                      file="c.csv", refs=refs)
    assert result.table == "concerns" and result.ok
    assert result.frame.row(0, named=True) == {
        "ward_code": "E05014053", "raised_on": dt.date(2023, 11, 3), "source": "public meeting",
        "category": "anti-social behaviour", "count": 12, "note": "Noise on the estate",
    }


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("E05014053,2023-11-03,leaflet,drugs,3,", "source", "not one of the allowed values (survey, public meeting"),
        ("E05014053,2023-11-03,survey,littering,3,", "category", "not one of the allowed values (anti-social behaviour"),
        ("E05014053,2023-11-03,survey,drugs,0,", "count", "at least 1"),
        ("E05014053,2023-11-03,survey,drugs,,", "count", "required"),
        ("E05999999,2023-11-03,survey,drugs,3,", "ward_code", "not a 2022 ward code"),
        ("E05014053,2023-11-31,survey,drugs,3,", "raised_on", "not a real date"),
    ],
)
def test_bad_concern_cells_are_named(refs, row, column, words):
    p = only(im.check(concern_rows(row), file="c.csv", refs=refs))
    assert (p.row, p.column) == (2, column) and words in p.problem


def test_concern_categories_are_the_promise_categories():
    """One vocabulary for promises and concerns: the same tuple, not a copy."""
    from dashboard.domain import vocabulary as v

    assert im.CHOICES[("concerns", "category")] is im.CHOICES[("promises", "category")] is v.CATEGORIES


def test_duplicate_concern_rows_in_a_file_are_refused(refs):
    result = im.check(concern_rows("E05014053,2023-11-03,survey,drugs,3,", "E05014053,2023-11-03,survey,drugs,4,"),
                      file="c.csv", refs=refs)
    assert [(p.row, p.column) for p in result.errors] == [(2, "ward_code, raised_on, source, category"),
                                                          (3, "ward_code, raised_on, source, category")]


def test_panels_public_contact_and_promises_internal_are_optional_columns(refs):
    panels = (b"ward_code,established_on,chair_type,meetings_open_to_public,terms_of_reference_agreed,public_contact\n"
              b"E05014053,2022-06-01,resident,yes,yes,Write to the chair at abbey@example.org\n")
    result = im.check(panels, file="p.csv", refs=refs)
    assert result.ok and result.frame["public_contact"][0] == "Write to the chair at abbey@example.org"
    header = "promise_ref,ward_code,set_on,category,origin,description,status,internal"
    result = im.check(f"{header}\nP-7,E05014053,2023-03-02,theft,panel,x,open,yes\n".encode(), file="p.csv", refs=refs)
    assert result.ok and result.frame["internal"][0] is True


def test_a_category_column_in_a_download_is_defused_like_text():
    """The cache holds repeated words as categories; a download of them is still guarded."""
    from dashboard.app.ui import safe_csv

    frame = pl.DataFrame({"category": ["=cmd|' /C calc'!A0", "drugs"], "n": [-1, 2]}).with_columns(pl.col("category").cast(pl.Categorical))
    written = safe_csv(frame).decode("utf-8-sig").splitlines()
    assert written == ["category,n", "'=cmd|' /C calc'!A0,-1", "drugs,2"]


# --- Declared ranges: every value the checker passes fits both databases -----------------------

PROMISES_HEADER = "promise_ref,ward_code,set_on,category,origin,description,status,closed_on,outcome,feedback_published_on"


def promise(ref: str = "P-9", description: str = "Patrols") -> bytes:
    return f'{PROMISES_HEADER}\n{ref},E05014053,2023-03-02,burglary,panel,"{description}",open,,,\n'.encode()


@pytest.mark.parametrize(
    ("held_on", "words"),
    [
        ("-001-01-01", "is not a date"),  # SQLite stored year -1 and could read the table no more
        ("5/5/23", "two-digit year; write the year in four digits"),
        ("05-05-23", "two-digit year"),
        ("0001-01-01", "outside the dates this dashboard accepts (2000-01-01 to"),
        ("1899-12-31", "outside the dates"),
        ("2203-05-05", "outside the dates"),
        ("9999-12-31", "outside the dates"),
        ("10000-01-01", "is not a date"),
    ],
)
def test_dates_outside_the_window_or_with_two_digit_years_are_refused(refs, held_on, words):
    p = only(im.check(meetings(f"E05014053,{held_on},8,3,yes,yes,yes,online,yes"), file="m.csv", refs=refs))
    assert (p.file, p.row, p.column, p.value) == ("m.csv", 2, "held_on", held_on)
    assert words in p.problem


def test_the_date_window_is_a_year_ahead_by_default_and_set_by_the_environment(refs, monkeypatch):
    monkeypatch.delenv(im.EARLIEST_ENV, raising=False)
    monkeypatch.delenv(im.LATEST_ENV, raising=False)
    assert im.date_window(dt.date(2025, 3, 1)) == (dt.date(2000, 1, 1), dt.date(2026, 3, 1))
    assert im.date_window(dt.date(2024, 2, 29)) == (dt.date(2000, 1, 1), dt.date(2025, 2, 28))
    a_year_on = im.date_window()[1]
    assert im.check(meetings(f"E05014053,{a_year_on.isoformat()},8,3,yes,yes,yes,online,yes"), file="m.csv", refs=refs).ok
    assert not im.check(meetings(f"E05014053,{(a_year_on + dt.timedelta(days=1)).isoformat()},8,3,yes,yes,yes,online,yes"),
                        file="m.csv", refs=refs).ok
    monkeypatch.setenv(im.EARLIEST_ENV, "1990-01-01")
    monkeypatch.setenv(im.LATEST_ENV, "2030-12-31")
    assert im.date_window() == (dt.date(1990, 1, 1), dt.date(2030, 12, 31))
    assert im.check(meetings("E05009317,1995-05-05,8,3,yes,yes,yes,online,yes"), file="m.csv", refs=refs).ok
    p = only(im.check(meetings("E05009317,1989-12-31,8,3,yes,yes,yes,online,yes"), file="m.csv", refs=refs))
    assert "(1990-01-01 to 2030-12-31)" in p.problem
    monkeypatch.setenv(im.EARLIEST_ENV, "not a date")  # a mistyped setting falls back to the default
    assert im.date_window()[0] == dt.date(2000, 1, 1)


@pytest.mark.parametrize(
    ("attendees", "ok", "words"),
    [
        ("2147483647", True, ""),
        ("2147483648", False, "larger than 2,147,483,647"),
        ("9223372036854775808", False, "larger than 2,147,483,647"),  # beyond 64 bits
        ("9" * 5000, False, "larger than 2,147,483,647"),
        ("-9223372036854775809", False, "cannot be negative"),
    ],
)
def test_counts_stay_within_what_the_database_holds(refs, attendees, ok, words):
    public = "0"
    result = im.check(meetings(f"E05014053,2023-05-05,{attendees},{public},yes,yes,yes,online,yes"), file="m.csv", refs=refs)
    assert result.ok == ok, result.problems
    if not ok:
        p = only(result)
        assert (p.row, p.column) == (2, "attendees") and words in p.problem


def test_text_longer_than_its_column_is_refused_with_row_and_column(refs):
    assert im.check(promise(ref="P" * 40), file="p.csv", refs=refs).ok
    p = only(im.check(promise(ref="P" * 41), file="p.csv", refs=refs))
    assert (p.row, p.column) == (2, "promise_ref") and "is 41 characters long; promise_ref holds at most 40" in p.problem
    owner = "O" * 121
    data = f"ward_code,problem,action,owner,agreed_on,due_on,completed_on\nE05014106,not functioning,x,{owner},2023-05-16,2023-11-05,\n"
    p = only(im.check(data.encode(), file="r.csv", refs=refs))
    assert (p.row, p.column) == (2, "owner") and "holds at most 120" in p.problem
    # Characters, not bytes: 40 letters of two bytes each fit a VARCHAR(40).
    assert im.check(promise(ref="\u00e9" * 40), file="p.csv", refs=refs).ok


@pytest.mark.parametrize(
    ("ref", "description", "column", "shown"),
    [
        ("P-9", "a\x00b", "description", "a\\x00b"),  # PostgreSQL cannot store a NUL
        ("P-9", "bell\x07", "description", "bell\\x07"),
        ("P-9", "next line\x85", "description", "next line\\x85"),  # a C1 control, Windows-1252 read as Latin-1
        ("P-\x009", "x", "promise_ref", "P-\\x009"),
        ("P-9\t1", "x", "promise_ref", "P-9\t1"),  # a tab inside a code
    ],
)
def test_nul_and_control_characters_are_refused_with_row_and_column(refs, ref, description, column, shown):
    p = only(im.check(promise(ref=ref, description=description), file="p.csv", refs=refs))
    assert (p.file, p.row, p.column, p.value) == ("p.csv", 2, column, shown)
    assert "control character" in p.problem


def test_tabs_and_line_breaks_in_free_text_are_kept(refs):
    result = im.check(promise(description="line one\r\nline two\tand a tab"), file="p.csv", refs=refs)
    assert result.ok, result.problems
    assert result.frame["description"][0] == "line one\r\nline two\tand a tab"


# --- Cost: limits checked before the CSV is parsed, and the true count of problems -------------


def test_a_six_megabyte_line_is_refused_before_parsing(refs):
    import time

    started = time.process_time()
    p = only(im.check(b"a," * 3_000_000, file="x.csv", refs=refs))  # one line, three million columns: 151 s before
    assert time.process_time() - started < 2
    assert (p.row, p.column) == (1, None) and f"longer than {im.MAX_LINE_CHARS:,} characters" in p.problem
    p = only(im.check(meetings(GOOD, GOOD.replace("2023-05-05", "2023-05-06") + "," + "x" * im.MAX_LINE_CHARS), file="m.csv", refs=refs))
    assert p.row == 3 and "Line 3 is longer" in p.problem


def test_a_line_at_the_limit_is_read(refs):
    description = "d" * (im.MAX_LINE_CHARS - 60)
    line = f"P-9,E05014053,2023-03-02,burglary,panel,{description},open,,,"
    assert len(line) <= im.MAX_LINE_CHARS
    result = im.check(f"{PROMISE_HEADER}\n{line}\n".encode(), file="p.csv", refs=refs)
    assert result.ok and result.frame["description"][0] == description


def test_a_header_of_too_many_columns_is_refused_before_parsing(refs):
    header = ",".join([HEADER, *(f"extra_{i}" for i in range(im.MAX_COLUMNS))])
    p = only(im.check(meetings(GOOD, header=header), file="m.csv", refs=refs))
    assert p.row == 1 and f"has {im.MAX_COLUMNS + 9:,} columns" in p.problem and f"at most {im.MAX_COLUMNS}" in p.problem
    header = ",".join([HEADER, *(f"extra_{i}" for i in range(im.MAX_COLUMNS - 9))])  # 200: read, the extras noted
    assert im.check(meetings(GOOD + "," * (im.MAX_COLUMNS - 9), header=header), file="m.csv", refs=refs).ok


def test_the_count_is_every_problem_though_the_report_lists_the_first(refs, monkeypatch):
    monkeypatch.setattr(im, "MAX_REPORTED", 100)
    # 300 rows, each with an unknown ward, a count in words and one that is no number: 900 problems.
    lines = [f"E05999999,{dt.date(2023, 1, 1) + dt.timedelta(days=i)},ten,x,yes,yes,yes,online,yes" for i in range(300)]
    result = im.check(meetings(*lines), file="m.csv", refs=refs)
    assert result.error_count == 900 and len(result.errors) == 100 and result.unlisted == 800
    assert [p.row for p in result.errors] == sorted(p.row for p in result.errors) and result.errors[-1].row == 35
    # A cell that could not be read is counted once, not again as "required but empty".
    one = im.check(meetings("E05014053,2023-02-30,8,3,yes,yes,yes,online,yes"), file="m.csv", refs=refs)
    assert one.error_count == 1 and one.unlisted == 0
