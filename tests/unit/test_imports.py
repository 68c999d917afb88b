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
    return im.References(wards=wards, lookup=reference.pre2022_lookup(), promise_refs=frozenset({"P-1", *template_refs}),
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


def test_windows_1252_text_is_read(refs):
    line = "P-9,E05014053,2023-03-02,burglary,panel,Caf\u00e9 \u2018hotspot\u2019 patrols,open,,,"
    header = "promise_ref,ward_code,set_on,category,origin,description,status,closed_on,outcome,feedback_published_on"
    result = im.check(f"{header}\r\n{line}\r\n".encode("cp1252"), file="p.csv", refs=refs)
    assert result.ok, result.problems
    assert result.frame["description"][0] == "Caf\u00e9 \u2018hotspot\u2019 patrols"


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
              b"E05014053,2015-01-01,resident,yes,yes,Write to the chair at abbey@example.org\n")
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
