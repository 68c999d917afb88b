"""Read and check a user's CSV file: bytes in, (frame, problems) out; never raises.

The steps, each of which can stop the file with a plain message and nothing written:

1. size (checked before anything is read), empty file, binary file renamed .csv, then, before the
   CSV is parsed, a line longer than MAX_LINE_CHARS or a header of more than MAX_COLUMNS columns;
2. text: UTF-8 with or without a byte-order mark, or Windows-1252 when the user says so; a file
   that is not valid in its encoding is refused with the line, never read another way;
3. separator sniffed from the header (comma, semicolon or tab), CRLF or LF line ends;
4. header: names normalised ("Ward Code" -> ward_code), the table recognised from it (or the
   user's choice), extra columns reported and ignored, missing required columns -> ONE message;
5. cells parsed from text: dates ISO (2025-11-03) or UK (03/11/2025), yes/no/true/false/y/n/1/0,
   whole numbers (numbers written as words get their own reason), each held to the range both
   databases store alike: dates within ``date_window`` (two-digit years refused), counts up to
   ``COUNT_MAX``, text no longer than its column (the registry's ``Column.limit``, the models'
   VARCHAR length) and free of NUL and other control characters;
6. the typed frame validated by a dataframely schema (polars-native): required values, allowed
   values from ``dashboard.domain.vocabulary``, ranges, natural keys unique within the file, cross-field
   rules (an end date not before its start) and references (ward codes, promise refs);
7. each row's ward code valid on the row's date (``CsvTable.dated_by``): a ward from before
   5 May 2022 for a date before it, a 2022 ward from then on (``dashboard.domain.wards_in_time``);
   a code on the wrong side of the change is refused, naming the ward(s) to use.

Every problem is a :class:`Problem` naming the file, the row as a spreadsheet numbers it (the
header is row 1, the first data row is row 2), the column, the value and the reason in plain
words. ``problem_frame`` turns them into one report; ``dashboard.app.ui.safe_csv`` writes it so no
cell can run as a formula. Text cells are kept exactly as given (a description may start "=").
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import dataframely as dy
import polars as pl

from dashboard.domain import vocabulary as v
from dashboard.domain import wards_in_time as wt
from dashboard.domain.contract import (
    BOOL,
    BOROUGH,
    CHOICE,
    COUNT,
    COUNT_MAX,
    DATE,
    INT,
    INT_MIN,
    NUMBER,
    PCT,
    PROMISE_REF,
    TABLES,
    TEXT,
    WARD,
    Column,
    CsvTable,
)

DEFAULT_MAX_MB = 20
MAX_MB_ENV = "WARD_PANEL_MAX_UPLOAD_MB"
ERROR = "error"
IGNORED = "ignored"  # a note that does not stop the import (an extra column)
REPORT_COLUMNS = ("file", "row", "column", "value", "problem", "severity")
MAX_COLUMNS = 200  # columns in a header (the widest table has 11); checked before the CSV is parsed
MAX_LINE_CHARS = 100_000  # characters in one line (a long description is a few thousand)
MAX_REPORTED = 10_000  # problems listed per file; the count (Checked.error_count) is of every one

NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand million nil none a an and".split()
)


def max_megabytes() -> float:
    """The size limit for one file in megabytes: WARD_PANEL_MAX_UPLOAD_MB, default DEFAULT_MAX_MB
    (which .streamlit/config.toml's server.maxUploadSize repeats, so the server takes what the page offers)."""
    try:
        mb = float(os.environ.get(MAX_MB_ENV, DEFAULT_MAX_MB))
    except ValueError:
        return DEFAULT_MAX_MB
    return mb if mb > 0 else DEFAULT_MAX_MB


def max_bytes() -> int:
    """The size limit for one file in bytes (max_megabytes)."""
    return int(max_megabytes() * 1024 * 1024)


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # as a spreadsheet shows it: header is row 1
    column: str | None
    value: str | None
    problem: str
    severity: str = ERROR


@dataclass(frozen=True)
class References:
    """What other tables a file may point at. Built in data_access and passed in (no DB here).

    ``wards``: the 2022 wards (ward_code, ward_name, borough_code); ``lookup``: the wards before
    May 2022 and the 2022 wards they overlap (``wards_in_time.LOOKUP_SCHEMA``; without it only
    2022 ward codes are accepted); ``promise_refs``:
    promise references already in the database (plus those in the same upload);
    ``borough_codes``: borough codes (London E12000007 is also accepted for survey rows).
    """

    wards: pl.DataFrame
    lookup: pl.DataFrame | None = None
    promise_refs: frozenset[str] = frozenset()
    borough_codes: frozenset[str] = frozenset()

    @property
    def former_codes(self) -> list[str]:
        """The codes of the wards in force before 5 May 2022."""
        return [] if self.lookup is None else self.lookup["old_code"].unique().to_list()


@dataclass
class Checked:
    """The result of reading one file: its table (None if not recognised), typed rows, problems."""

    file: str
    table: str | None
    frame: pl.DataFrame
    problems: list[Problem] = field(default_factory=list)  # as listed: the first MAX_REPORTED errors, and the notes
    unlisted: int = 0  # errors found beyond those listed
    # Optional columns the file left out: an import keeps what the database holds in them (an empty
    # cell in a column the file has clears it).
    absent: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.table is not None and not any(p.severity == ERROR for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def error_count(self) -> int:
        """Every error found in the file, listed or not."""
        return len(self.errors) + self.unlisted


# --- Column kinds, allowed values and cross-field rules: worked out from the registry --------

KINDS: dict[str, dict[str, str]] = {name: {c.name: c.kind for c in spec.fields} for name, spec in TABLES.items()}
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    (name, c.name): c.allowed for name, spec in TABLES.items() for c in spec.fields if c.kind == CHOICE
}
# Cross-field rules: name -> (columns it is reported against, the condition every row meets, reason).
RULES: dict[str, dict[str, tuple[tuple[str, ...], pl.Expr, str]]] = {
    name: {r.name: (r.columns, r.condition, r.reason) for r in spec.rules} for name, spec in TABLES.items() if spec.rules
}


def cites_promises(table: str) -> list[str]:
    """The table's columns that name a promise (kind promise_ref): engagement's promise_ref."""
    return [c for c, kind in KINDS[table].items() if kind == PROMISE_REF]


ROW = "spreadsheet_row"  # spreadsheet row number, carried through every step (dataframely ignores _names)


def polars_dtype(kind: str) -> pl.DataType:
    return {DATE: pl.Date(), BOOL: pl.Boolean(), COUNT: pl.Int64(), INT: pl.Int64(), PCT: pl.Float64(), NUMBER: pl.Float64()}.get(kind, pl.String())


def typed_schema(table: str) -> dict[str, pl.DataType]:
    """The polars dtypes of a table's columns, in contract order."""
    return {c: polars_dtype(KINDS[table][c]) for c in TABLES[table].columns}


# --- Steps 1-4: bytes -> text frame -----------------------------------------------------------


def normalise_name(name: str) -> str:
    """' Ward Code ' -> 'ward_code'; 'Held-On' -> 'held_on'."""
    name = name.replace("\ufeff", "").strip().lower()
    name = re.sub(r"[\s\-.]+", "_", name)
    return re.sub(r"_+", "_", name).strip("_")


def recognise(columns: list[str]) -> str | None:
    """The table whose required columns are all in ``columns`` (most columns matched wins).

    Falls back to the table sharing most columns, so a file missing one column is still named
    and gets the "missing column" message rather than "not recognised".
    """
    have = set(columns)
    best, best_score = None, (0, 0)
    for t in TABLES.values():
        required = set(t.columns) - set(t.optional)
        score = (int(required <= have), len(have & set(t.columns)))
        if score > best_score:
            best, best_score = t.name, score
    if best is None or best_score[1] < 2:
        return None
    return best


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def size_problem(file: str, size: int, limit: int | None = None) -> Problem | None:
    """The over-size message, decided from the size alone (before reading the file)."""
    limit = max_bytes() if limit is None else limit
    if size > limit:
        return Problem(file, None, None, None,
                       f"The file is {_mb(size)}, above the {_mb(limit)} limit for one file, so it was not read. "
                       f"Split it into smaller files (or ask the administrator to raise {MAX_MB_ENV}).")
    return None


UTF8, CP1252 = "utf-8", "cp1252"
ENCODINGS = {UTF8: "UTF-8", CP1252: "Windows-1252"}  # what a file may be read as; UTF-8 unless the user says otherwise
BOM = b"\xef\xbb\xbf"


def _decode(data: bytes, file: str, encoding: str) -> tuple[str | None, Problem | None]:
    """The text of the file in ``encoding`` (a UTF-8 byte-order mark dropped), or the problem.

    Strict: a byte that is not ``encoding`` refuses the file, with its line, rather than read it
    another way ("Café" in a UTF-8 file with one stray byte must not become "CafÃ©").
    """
    start = len(BOM) if data.startswith(BOM) else 0
    try:
        return data[start:].decode(encoding), None
    except UnicodeDecodeError as exc:
        at = start + exc.start
        line = data.count(b"\n", 0, at) + 1
        begin = data.rfind(b"\n", 0, at) + 1
        snippet = data[max(begin, at - 30):at + 10].split(b"\n")[0].decode(encoding, errors="backslashreplace")
        name = ENCODINGS.get(encoding, encoding)
        if encoding == UTF8:
            how = ("It may be Windows-1252 (what Excel saves as plain 'CSV'): in Excel choose File > Save As > "
                   "'CSV UTF-8 (Comma delimited)' and import that, or import it as Windows-1252 explicitly "
                   "(on the Data page, choose it where the file's lines are shown both ways; on the command line: --encoding cp1252).")
        else:
            how = "Import it as UTF-8 (the default) if that is what it is, or save it again as 'CSV UTF-8 (Comma delimited)'."
        return None, Problem(file, line, None, shown(snippet),
                             f"The file is not {name} text: line {line} has the byte 0x{data[at]:02X}, which {name} does not "
                             f"use there, so nothing was read. {how}")


PREVIEW_LINES = 5  # lines of a file that is not UTF-8 shown both ways
PREVIEW_CHARS = 160  # of each line: the part around its first such byte


def encoding_preview(data: bytes, *, lines: int = PREVIEW_LINES) -> pl.DataFrame:
    """The first lines of a file that are not valid UTF-8, read both ways, so a person can see which
    is right: ``line`` (the header is line 1), ``as UTF-8`` (each byte UTF-8 does not use there shown
    as the replacement character, a question mark in a diamond) and ``as Windows-1252``. No rows
    for a file that is valid UTF-8.

    Example: a line "P-9,Caf" then the byte 0xE9 (Windows-1252's e-acute) reads "P-9,Caf" and the
    replacement character as UTF-8, and "P-9,Café" as Windows-1252.
    """
    schema = {"line": pl.Int64, "as UTF-8": pl.String, "as Windows-1252": pl.String}
    body = data[len(BOM):] if data.startswith(BOM) else data
    try:
        body.decode(UTF8)
        return pl.DataFrame(schema=schema)
    except UnicodeDecodeError:
        pass
    rows = []
    for number, line in enumerate(body.split(b"\n"), start=1):  # 0x0A is never part of a UTF-8 character
        try:
            line.decode(UTF8)
            continue
        except UnicodeDecodeError as exc:
            at = exc.start
        line = line.rstrip(b"\r")
        if len(line) > PREVIEW_CHARS:  # the part around the first such byte, marked as cut
            start = max(0, min(at - PREVIEW_CHARS // 2, len(line) - PREVIEW_CHARS))
            part = line[start:start + PREVIEW_CHARS]
            cut = ("…" if start else "", "…" if start + PREVIEW_CHARS < len(line) else "")
        else:
            part, cut = line, ("", "")
        # Windows-1252 leaves five bytes unused (0x81, 0x8D, 0x8F, 0x90, 0x9D): shown as \ufffd too.
        rows.append((number, *(cut[0] + part.decode(e, errors="replace") + cut[1] for e in (UTF8, CP1252))))
        if len(rows) == lines:
            break
    return pl.DataFrame(rows, schema=schema, orient="row")


def _looks_binary(data: bytes) -> str | None:
    head = data[:8192]
    if head.startswith(b"PK\x03\x04"):
        return ("This is an Excel workbook (or another zip file), not a CSV file. In Excel choose "
                "File > Save As > 'CSV UTF-8 (Comma delimited)' and upload that.")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "This is an old-style Excel (.xls) file, not a CSV file. Save it as 'CSV UTF-8' and upload that."
    if head.startswith(b"%PDF"):
        return "This is a PDF file, not a CSV file."
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ("This is UTF-16 text (Excel's 'Unicode Text'), not a CSV file this app reads. In Excel choose "
                "File > Save As > 'CSV UTF-8 (Comma delimited)' and upload that.")
    # A stray NUL or control character in a cell is reported by row and column (parse_cells);
    # many of them (one byte in fifty) mean the file is not text at all.
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    if controls > max(8, len(head) // 50):
        return "This does not look like a CSV file (it contains binary data). Save the sheet as CSV and upload that."
    return None


def _sniff_separator(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    sep = max(counts, key=counts.get)
    return sep if counts[sep] else ","


def shape_problem(text: str, file: str) -> Problem | None:
    """A line too long or a header of too many columns, found before the CSV is parsed (a 6 MB
    file of one line and three million columns took 151 s of CPU to check)."""
    line = next((n for n, chars in enumerate(map(len, text.split("\n")), start=1) if chars > MAX_LINE_CHARS), None)
    if line is not None:
        return Problem(file, line, None, None,
                       f"Line {line} is longer than {MAX_LINE_CHARS:,} characters, which no row of these tables needs, so "
                       "the file was not read. Check that it is a CSV file of one row a line.")
    first = text.split("\n", 1)[0]
    sep = _sniff_separator(first)
    if (n := first.count(sep) + 1) > MAX_COLUMNS:
        return Problem(file, 1, None, None,
                       f"The header row has {n:,} columns; a file of these tables has at most {MAX_COLUMNS:,}, so the file "
                       "was not read. Check that it is a CSV file of one of the tables.")
    return None


def read_text_frame(data: bytes, *, file: str, table: str | None = None, limit: int | None = None,
                    encoding: str = UTF8) -> tuple[str | None, pl.DataFrame, list[Problem]]:
    """Steps 1-4: (table, all-text frame with ROW and the contract columns the file has, problems)."""
    empty = pl.DataFrame()
    if p := size_problem(file, len(data), limit):
        return table, empty, [p]
    if reason := _looks_binary(data):
        return table, empty, [Problem(file, None, None, None, reason)]
    text, problem = _decode(data, file, encoding)
    if problem is not None:
        return table, empty, [problem]
    assert text is not None
    if not text.strip():
        return table, empty, [Problem(file, None, None, None,
                                      "The file is empty. Download a template from the Data page, fill it in and upload that.")]
    if p := shape_problem(text, file):
        return table, empty, [p]
    sep = _sniff_separator(text)
    # UTF-8 input goes to polars as it came (no re-encoding of a large file); Windows-1252 is re-encoded.
    utf8 = (data[len(BOM):] if data.startswith(BOM) else data) if encoding == UTF8 else text.encode(UTF8)
    try:
        raw = pl.read_csv(io.BytesIO(utf8), has_header=False, separator=sep, infer_schema_length=0,
                          quote_char="\"", raise_if_empty=False)
    except Exception as exc:  # polars' CSV reader: a ragged or unbalanced-quote file
        reason = str(exc).strip().splitlines()[0][:200]
        return table, empty, [Problem(file, None, None, None, f"The file could not be read as CSV ({reason}). "
                                      "Check for an unclosed quote mark or a row with more cells than the header.")]
    header = [normalise_name(h or "") for h in raw.row(0)] if raw.height else []
    columns = [f"{h}" for h in header]
    problems: list[Problem] = []
    if table is None:
        table = recognise(columns)
        if table is None:
            names = ", ".join(TABLES)
            return None, empty, [Problem(file, 1, None, None,
                                         f"The header row does not match any table ({names}). Choose the table, "
                                         "or start from a template so the column names match.")]
    spec: CsvTable = TABLES[table]
    required = [c for c in spec.columns if c not in spec.optional]
    if missing := [c for c in required if c not in columns]:
        # The file's own header as written, so the user sees what the app found in it.
        own = ", ".join((h or "").strip() or "(blank)" for h in raw.row(0)) if raw.height else "(none)"
        return table, empty, [Problem(file, 1, ", ".join(missing), None,
                                      f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}, "
                                      f"which the {table} table needs, so nothing was imported. Its columns are: "
                                      f"{shown(own)}. The {table} template's are: {', '.join(spec.columns)}.")]
    seen: set[str] = set()
    keep: dict[str, str] = {}
    for raw_name, name in zip(raw.columns, columns):
        if name in seen and name in spec.columns:
            problems.append(Problem(file, 1, name, name, f"The column {name} appears twice; only the first was used.", IGNORED))
        elif name not in spec.columns:
            problems.append(Problem(file, 1, name or "(blank)", name,
                                    f"{name or 'A blank column'} is not a column of the {table} table and was ignored.", IGNORED))
        else:
            keep[raw_name] = name
        seen.add(name)
    frame = (
        raw.slice(1)
        .with_row_index(ROW, offset=2)
        .select(pl.col(ROW).cast(pl.Int64), *(pl.col(r).alias(n) for r, n in keep.items()))
    )
    # Optional columns the file leaves out stay out here: ``check`` adds them empty, and notes that they
    # were left out (an import then keeps what the database holds in them).
    present = [c for c in spec.columns if c in frame.columns]
    frame = frame.select(ROW, *present)
    # Blank rows (Excel leaves ",,,," lines at the end) are not data.
    blank = pl.all_horizontal(pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in present)
    frame = frame.filter(~blank)
    if frame.height == 0:
        problems.append(Problem(file, None, None, None,
                                "The file has a header row but no data rows, so there is nothing to import."))
    return table, frame, problems


# --- Step 5: text cells -> typed cells, each failure a problem ----------------------------------

ISO_DATE = r"^\d{4}-\d{1,2}-\d{1,2}$"
UK_DATE = r"^\d{1,2}/\d{1,2}/\d{4}$"
TWO_DIGIT_YEAR = r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}$"
DATE_HINT = "write dates as 2025-11-03 or 03/11/2025"

# The dates a file may hold: a window users can trust (a typo of 2203 for 2023 would otherwise open
# every page on the year 2203) and both databases store alike (SQLite stores year -1 as text).
EARLIEST_ENV, LATEST_ENV = "WARD_PANEL_EARLIEST_DATE", "WARD_PANEL_LATEST_DATE"
DEFAULT_EARLIEST = dt.date(2000, 1, 1)

# Characters that are not text: NUL (PostgreSQL cannot store it) and the other C0 and C1 controls.
# Free text may hold tabs and line breaks; codes may not.
CONTROL_IN_TEXT = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
CONTROL_IN_CODE = r"[\x00-\x1f\x7f-\x9f]"


def _env_date(name: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(os.environ[name].strip())
    except (KeyError, ValueError):
        return default


def date_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """(earliest, latest) date a cell may hold: WARD_PANEL_EARLIEST_DATE (default 2000-01-01) to
    WARD_PANEL_LATEST_DATE (default a year after today)."""
    today = today or dt.date.today()
    try:
        a_year_on = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        a_year_on = today.replace(year=today.year + 1, day=28)
    earliest, latest = _env_date(EARLIEST_ENV, DEFAULT_EARLIEST), _env_date(LATEST_ENV, a_year_on)
    return (earliest, latest) if earliest <= latest else (DEFAULT_EARLIEST, a_year_on)


def integer_range(kind: str) -> tuple[int, int]:
    """The whole numbers a count or integer column holds (a 32-bit INTEGER on both databases)."""
    return (0 if kind == COUNT else INT_MIN, COUNT_MAX)


def shown(value: str | None, most: int = 200) -> str | None:
    """A cell as a report shows it: control characters written as \\x00, and long text cut short."""
    if value is None:
        return None
    value = re.sub(CONTROL_IN_TEXT, lambda m: f"\\x{ord(m.group()):02x}", value)
    return value if len(value) <= most else value[:most] + "…"


def _parse_column(col: Column, window: tuple[dt.date, dt.date]) -> tuple[pl.Expr, pl.Expr]:
    """(typed value, reason the text could not be read) for one text column.

    The value expression runs on every row, so it is kept cheap (one parse per format, then the
    declared range); the reason expression (regexes, number words) runs only on the rows whose
    value failed (the import benchmark: a 1,000,000-row file).
    """
    name, kind, choices = col.name, col.kind, col.allowed
    raw = pl.col(name)
    s = raw.str.strip_chars()
    given = s.is_not_null() & (s != "")
    none = pl.lit(None, dtype=pl.String)
    if kind == DATE:
        earliest, latest = window
        parsed = pl.coalesce(s.str.to_date("%Y-%m-%d", strict=False), s.str.to_date("%d/%m/%Y", strict=False))
        # The window also stops what the parser reads as year -1, 23 or 10000 ("-001-01-01", "5/5/23").
        value = pl.when(parsed.is_between(pl.lit(earliest), pl.lit(latest))).then(parsed)
        shaped = s.str.contains(ISO_DATE) | s.str.contains(UK_DATE)
        # Day first is the only reading of dd/mm/yyyy here; a date that is real only month first
        # (12/31/2023, 05/13/2023) is an American spreadsheet's, and saying so tells the user why.
        month_first = s.str.to_date("%m/%d/%Y", strict=False)
        reason = (pl.when(given & s.str.contains(TWO_DIGIT_YEAR))
                  .then(pl.lit("has a two-digit year; write the year in four digits (05/05/2023 or 2023-05-05)"))
                  .when(given & ~shaped).then(pl.lit(f"is not a date: {DATE_HINT}"))
                  .when(given & s.str.contains(UK_DATE) & parsed.is_null() & month_first.is_not_null())
                  .then(pl.format("looks like a US date (month first); write it as {}", month_first.dt.to_string("%Y-%m-%d")))
                  .when(given & parsed.is_null()).then(pl.lit("is not a real date (no such day in the calendar)"))
                  .when(given).then(pl.lit(f"is outside the dates this dashboard accepts ({earliest.isoformat()} to "
                                           f"{latest.isoformat()}); check the year"))
                  .otherwise(none))
        return value, reason
    if kind == BOOL:
        words = {**dict.fromkeys(v.TRUE_WORDS, True), **dict.fromkeys(v.FALSE_WORDS, False)}
        value = s.str.to_lowercase().replace_strict(words, default=None, return_dtype=pl.Boolean)
        return value, pl.when(given).then(pl.lit("should be yes or no")).otherwise(none)
    if kind in (COUNT, INT, PCT, NUMBER):
        decimal = kind in (PCT, NUMBER)
        parsed = s.cast(pl.Float64 if decimal else pl.Int64, strict=False)
        if decimal:  # "inf" and "nan" parse as floats but are not numbers a count or percentage can be
            value = pl.when(parsed.is_finite()).then(parsed)
            too_big = too_small = pl.lit(False)
        else:  # below the smallest is left to the schema's "cannot be negative"
            low, high = integer_range(kind)
            value = pl.when((parsed <= high) & ((parsed >= low) if kind == INT else pl.lit(True))).then(parsed)
            too_big = (parsed > high) | (parsed.is_null() & s.str.contains(r"^\+?\d+$"))
            too_small = (parsed < low) if kind == INT else pl.lit(False)
        words = s.str.to_lowercase().str.replace_all(r"[\-,]", " ").str.split(" ").list.eval(
            pl.element().filter(pl.element() != "").is_in(list(NUMBER_WORDS))
        ).list.all()
        noun = "a number" if decimal else "a whole number"
        below = "cannot be negative" if kind == COUNT else f"is smaller than {INT_MIN:,}, the smallest number the database holds"
        reason = (pl.when(given & too_big).then(pl.lit(f"is larger than {COUNT_MAX:,}, the largest number the database holds"))
                  .when(given & (too_small | (s.str.contains(r"^-\d+$") & parsed.is_null()))).then(pl.lit(below))
                  .when(given & words).then(pl.lit("is a number written in words; write it in figures (for example 12)"))
                  .when(given).then(pl.lit(f"is not {noun}"))
                  .otherwise(none))
        return value, reason
    # Text kinds: no control characters, and no longer than the database's column.
    text = raw if kind == TEXT else s  # free text is stored exactly as given; codes lose surrounding spaces
    control = text.str.contains(CONTROL_IN_TEXT if kind == TEXT else CONTROL_IN_CODE)
    too_long = text.str.len_chars() > col.limit if col.limit is not None else pl.lit(False)
    fits = ~control & ~too_long
    reason = (pl.when(given & control)
              .then(pl.lit("contains a control character (shown as \\x..), which is not text; delete it"))
              .when(given & too_long)
              .then(pl.format(f"is {{}} characters long; {name} holds at most {col.limit or 0:,}", text.str.len_chars()))
              .otherwise(none))
    if kind == CHOICE and choices:
        # Case and surrounding spaces do not matter; the stored value is the vocabulary's spelling.
        mapping = {c.lower(): c for c in choices}
        value = s.str.to_lowercase().replace_strict(mapping, default=s, return_dtype=pl.String)
        return pl.when(given & fits).then(value), reason
    # Text is stored exactly as given, but a cell of only spaces counts as empty.
    return pl.when(given & fits).then(text), reason


def parse_cells(frame: pl.DataFrame, table: str, *, file: str) -> tuple[pl.DataFrame, list[Problem], pl.DataFrame, int]:
    """(typed frame with ROW, the problems listed, which cells failed, how many failed in all).

    One problem per cell that could not be read or is out of range; at most MAX_REPORTED are
    listed per column, but the count is of every one. ``failed``: ROW and ``<column>__bad`` for
    each row with a failed cell, so the schema does not report the same cell again (as empty).
    """
    spec = TABLES[table]
    columns = spec.columns
    window = date_window()
    parsed = {c.name: _parse_column(c, window) for c in spec.fields}
    given = {c: pl.col(c).str.strip_chars().is_not_null() & (pl.col(c).str.strip_chars() != "") for c in columns}
    typed = frame.select(
        ROW,
        *(parsed[c][0].cast(t).alias(c) for c, t in typed_schema(table).items()),
        *((given[c] & parsed[c][0].is_null()).alias(f"{c}__bad") for c in columns),
    )
    problems: list[Problem] = []
    failed = typed.filter(pl.any_horizontal(pl.col(f"{c}__bad") for c in columns)).select(ROW, *(f"{c}__bad" for c in columns))
    total = int(failed.select(pl.sum_horizontal(pl.col(f"{c}__bad") for c in columns).sum()).item() or 0) if failed.height else 0
    if failed.height:
        bad = frame.join(failed.select(ROW), on=ROW, how="semi")
        why = bad.select(ROW, *(pl.col(c).alias(f"{c}__raw") for c in columns),
                         *(parsed[c][1].alias(f"{c}__why") for c in columns))
        for c in columns:
            rows = why.join(failed.select(ROW, f"{c}__bad"), on=ROW).filter(pl.col(f"{c}__bad"))
            problems += [Problem(file, r, c, shown(val), reason) for r, val, reason
                         in rows.select(ROW, f"{c}__raw", f"{c}__why").head(MAX_REPORTED).iter_rows()]
    return typed.select(ROW, *columns), problems, failed, total


# --- Step 6: the dataframely schema -------------------------------------------------------------


def _schema(table: str, refs: References) -> type[dy.Schema]:
    """A dataframely schema for ``table`` with the reference lists baked into its checks."""
    spec = TABLES[table]
    ward_codes = refs.wards["ward_code"].to_list()
    # A dated row may name a ward of either side of May 2022 (which side its date allows is step 7).
    any_codes = sorted(set(ward_codes) | set(refs.former_codes)) if spec.dated_by else ward_codes
    boroughs = sorted(set(refs.borough_codes) | {v.LONDON_CODE})
    attrs: dict = {ROW: dy.Int64(nullable=False)}
    for c in spec.columns:
        kind = KINDS[table][c]
        nullable = c in spec.optional
        key = c in spec.natural_key
        choices = CHOICES.get((table, c))
        if kind == DATE:
            col = dy.Date(nullable=nullable, primary_key=key)
        elif kind == BOOL:
            col = dy.Bool(nullable=nullable)
        elif kind == COUNT:
            col = dy.Int64(nullable=nullable, min=0, primary_key=key)
        elif kind == PCT:
            col = dy.Float64(nullable=nullable, min=0, max=100, allow_nan=False, allow_inf=False)
        elif kind == NUMBER:
            col = dy.Float64(nullable=nullable, min=0, allow_nan=False, allow_inf=False)
        elif kind == CHOICE and choices:
            col = dy.String(nullable=nullable, primary_key=key, check={"allowed": lambda s, ch=choices: s.is_in(list(ch))})
        elif kind == WARD:
            col = dy.String(nullable=nullable, primary_key=key, check={"known": lambda s, w=any_codes: s.is_in(w)})
        elif kind == BOROUGH:
            col = dy.String(nullable=nullable, primary_key=key, check={"known": lambda s, b=boroughs: s.is_in(b)})
        else:
            col = dy.String(nullable=nullable, primary_key=key)
        attrs[c] = col
    for name, (_, expr, _) in RULES.get(table, {}).items():
        attrs[name] = dy.rule()(lambda cls, e=expr: e)
    return type(f"{table.title().replace('_', '')}Schema", (dy.Schema,), attrs)


def _reason(table: str, rule: str) -> str:
    column, _, check = rule.partition("|")
    if rule == "primary_key":
        return f"has the same {', '.join(TABLES[table].natural_key)} as another row in this file (each row must be unique on these)"
    if check == "nullability":
        return "is required but empty"
    if check == "min":
        return "cannot be negative" if KINDS[table][column] in (COUNT, NUMBER) else "is below 0"
    if check == "max":
        return "is above 100 (percentages run from 0 to 100)"
    if check in ("check__allowed", "check"):
        allowed = CHOICES[(table, column)]
        shown = ", ".join(allowed) if len(allowed) <= 12 else ", ".join(allowed[:12]) + ", …"
        return f"is not one of the allowed values ({shown})"
    if check == "check__known":
        return "is not a borough code (E09…) or London (E12000007)" if KINDS[table][column] == BOROUGH else "is not a 2022 ward code"
    return RULES[table][rule][2] if rule in RULES.get(table, {}) else f"fails the check {rule}"


def _ward_hint(value: str, refs: References, *, dated: bool) -> str:
    """For a code no ward has, a ward name or a code from before May 2022 where only 2022 wards
    will do (``dated`` False: the Census counts), the ward(s) to use instead."""
    wards, lookup = refs.wards, refs.lookup
    if lookup is not None and lookup.height and (found := wt.successors_text(value, lookup)):
        return f"is a ward code from before May 2022, and this table takes 2022 wards only; use {found}"
    named = wards.filter(pl.col("ward_name").str.to_lowercase() == value.strip().lower())
    if named.height:
        options = "; ".join(f"{r['ward_code']} ({r['ward_name']}, {r.get('borough_name') or r['borough_code']})"
                            for r in named.head(5).iter_rows(named=True))
        return f"is a ward name, not a code; use the 2022 ward code: {options}"
    if lookup is not None and lookup.height:
        old = lookup.filter(pl.col("old_name").str.to_lowercase() == value.strip().lower()).unique("old_code").sort("old_code")
        if old.height:
            options = "; ".join(f"{r['old_code']} ({r['old_name']})" for r in old.head(5).iter_rows(named=True))
            then = f"for a date before {wt.uk_date(wt.CHANGE_DAY)} use its code, {options}; " if dated else ""
            best = lookup.filter(pl.col("old_code").is_in(old["old_code"].implode()) & pl.col("best_fit"))
            now = "; ".join(sorted({f"{r['new_code']} ({r['new_name']})" for r in best.head(5).iter_rows(named=True)}))
            return f"is the name of a ward from before May 2022, not a code; {then}the best-fitting 2022 ward is {now}"
    if dated and lookup is not None:
        return ("is not a 2022 ward code, nor the code of a ward before 5 May 2022 (E05…); check it against the ward "
                "list in the template")
    return "is not a 2022 ward code (E05…); check it against the ward list in the template"


def wrong_era(valid: pl.DataFrame, table: str, *, file: str, refs: References) -> tuple[pl.DataFrame, list[Problem], int]:
    """Step 7: (the rows whose ward was in force on their date, the problems of the others, how many).

    Example: a meeting held on 3 March 2019 on Northbury (E05014066, a 2022 ward) is refused,
    naming Abbey (E05000026), the ward of that date that covered most of Northbury; one held on
    3 March 2023 on old Abbey is refused, naming Northbury (most of its area) and the new Abbey.
    """
    day = TABLES[table].dated_by
    if day is None or refs.lookup is None or valid.height == 0:
        return valid, [], 0
    current = refs.wards["ward_code"].to_list()
    problems: list[Problem] = []
    total = 0
    for column in (c for c, kind in KINDS[table].items() if kind == WARD):
        wrong = valid.filter(~wt.in_force(pl.col(column), pl.col(day), current, refs.former_codes))
        total += wrong.height
        reasons: dict[tuple[str, dt.date], str] = {}
        for r, code, when in wrong.sort(ROW).select(ROW, column, day).head(MAX_REPORTED).iter_rows():
            if (code, when) not in reasons:
                reasons[(code, when)] = wt.wrong_era(code, when, day, refs.lookup, current=current)
            problems.append(Problem(file, r, column, code, reasons[(code, when)]))
        valid = valid.join(wrong.select(ROW), on=ROW, how="anti")
    return valid, problems, total


def validate(typed: pl.DataFrame, table: str, *, file: str, refs: References, raw: pl.DataFrame | None = None,
             failed: pl.DataFrame | None = None) -> tuple[pl.DataFrame, list[Problem], int]:
    """(valid rows, the problems of the others as listed, how many problems in all).

    ``failed`` (parse_cells): cells already reported, not reported again. At most MAX_REPORTED
    problems are listed per check; the count is of every one.
    """
    schema = _schema(table, refs)
    valid, failure = schema.filter(typed, cast=False)
    problems: list[Problem] = []
    total = 0
    if failure.counts():
        details = failure.details()
        rule_cols = [c for c in details.columns if "|" in c or c in RULES.get(table, {}) or c == "primary_key"]
        raw_values = raw if raw is not None else typed.select(ROW, *(pl.col(c).cast(pl.String) for c in TABLES[table].columns))
        for rule in rule_cols:
            if not failure.counts().get(rule):
                continue
            rows = details.filter(pl.col(rule) == "invalid").select(ROW)
            if rule == "primary_key" or rule in RULES.get(table, {}):
                columns = TABLES[table].natural_key if rule == "primary_key" else RULES[table][rule][0]
                column = columns[0] if len(columns) == 1 else ", ".join(columns)
                vals = rows.join(raw_values, on=ROW, how="left").select(
                    ROW, pl.concat_str([pl.col(c).fill_null("") for c in columns], separator=" / ").alias("v"))
            else:
                column = rule.split("|")[0]
                vals = rows.join(raw_values, on=ROW, how="left").select(ROW, pl.col(column).alias("v"))
            if failed is not None and f"{column}__bad" in failed.columns:
                vals = vals.join(failed.filter(pl.col(f"{column}__bad")).select(ROW), on=ROW, how="anti")
            total += vals.height
            reason = _reason(table, rule)
            for r, val in vals.sort(ROW).head(MAX_REPORTED).iter_rows():
                why = reason
                if rule.endswith("check__known") and KINDS[table][column] == WARD and val:
                    why = _ward_hint(val, refs, dated=TABLES[table].dated_by is not None)
                problems.append(Problem(file, r, column, val, why))
    valid, era_problems, era_total = wrong_era(valid, table, file=file, refs=refs)
    problems += era_problems
    total += era_total
    # A promise reference (engagement's promise_ref) must name a promise in the database or in this upload.
    for ref in cites_promises(table):
        refs_known = list(refs.promise_refs)
        unknown = valid.filter(pl.col(ref).is_not_null() & ~pl.col(ref).is_in(refs_known))
        total += unknown.height
        for r, val in unknown.select(ROW, ref).head(MAX_REPORTED).iter_rows():
            problems.append(Problem(file, r, ref, val,
                                    "names no promise in the database or in the promises file of this upload"))
        valid = valid.filter(~pl.col(ROW).is_in(unknown[ROW].to_list()))
    return valid, problems, total


def check(data: bytes, *, file: str, refs: References, table: str | None = None, limit: int | None = None,
          encoding: str = UTF8) -> Checked:
    """Read, parse and validate one file. Never raises: any surprise becomes a problem.

    ``encoding``: UTF-8 (with or without a byte-order mark) unless the user chose Windows-1252
    (``CP1252``); a file that is not in it is refused, never read another way.
    """
    try:
        table, text_frame, problems = read_text_frame(data, file=file, table=table, limit=limit, encoding=encoding)
        if table is None or any(p.severity == ERROR for p in problems) or text_frame.height == 0:
            return Checked(file, table, pl.DataFrame(schema=typed_schema(table)) if table else pl.DataFrame(), problems)
        absent = tuple(c for c in TABLES[table].columns if c not in text_frame.columns)  # optional ones: required were checked
        text_frame = text_frame.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in absent).select(ROW, *TABLES[table].columns)
        typed, cell_problems, failed, cell_total = parse_cells(text_frame, table, file=file)
        valid, rule_problems, rule_total = validate(typed, table, file=file, refs=refs, raw=text_frame, failed=failed)
        columns = TABLES[table].columns
        # The first MAX_REPORTED problems by row are listed (each check listed its first ones, so
        # these are the file's first); the count is of every one.
        found = sorted(cell_problems + rule_problems,
                       key=lambda p: (p.row or 0, columns.index(p.column) if p.column in columns else 99))
        listed = found[:MAX_REPORTED]
        problems = problems + listed
        errors = any(p.severity == ERROR for p in problems)
        frame = typed.select(TABLES[table].columns) if not errors else pl.DataFrame(schema=typed_schema(table))
        return Checked(file, table, frame, problems, unlisted=cell_total + rule_total - len(listed), absent=absent)
    except Exception as exc:  # the promise of this module: a problem, never a traceback
        return Checked(file, None, pl.DataFrame(), [Problem(file, None, None, None,
                                                            f"The file could not be checked ({type(exc).__name__}: {str(exc)[:200]}).")])


def problem_frame(problems: list[Problem]) -> pl.DataFrame:
    """One report of every problem: file, row, column, value, problem, severity."""
    return pl.DataFrame(
        [(p.file, p.row, p.column, p.value, p.problem, p.severity) for p in problems],
        schema={"file": pl.String, "row": pl.Int64, "column": pl.String, "value": pl.String,
                "problem": pl.String, "severity": pl.String},
        orient="row",
    )


def import_order(tables: list[str | None]) -> list[int]:
    """Positions of files in the order to import them: promises before engagement that cites them."""
    order = {name: i for i, name in enumerate(TABLES)}
    return sorted(range(len(tables)), key=lambda i: order.get(tables[i] or "", 99))


# --- Preview: rows new, changed and unchanged against what the database holds ------------------

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
OLD = "__old"


def diff(incoming: pl.DataFrame, existing: pl.DataFrame, table: str, *, absent: Sequence[str] = ()) -> pl.DataFrame:
    """Each incoming row with ``change`` (new | changed | unchanged) and its old values (``col__old``).

    Rows match on the table's natural key; a row is unchanged when every other column is equal,
    empty counting as equal to empty. Example: the database holds (E05014053, 2023-05-05, 8
    attendees); a file with that row at 9 attendees and one more meeting -> 1 changed, 1 new.
    ``absent``: optional columns the file left out; a row already held keeps its values in them
    (leaving ``internal`` out of a promises file never makes a hidden promise public), while an
    empty cell in a column the file has clears the value.
    """
    spec = TABLES[table]
    key = list(spec.natural_key)
    others = [c for c in spec.columns if c not in key]
    old = existing.select(*key, *(pl.col(c).alias(c + OLD) for c in others)).with_columns(pl.lit(True).alias("__found"))
    joined = incoming.select(spec.columns).join(old, on=key, how="left", nulls_equal=True).with_columns(
        pl.when(pl.col("__found")).then(pl.col(c + OLD)).otherwise(pl.col(c)).alias(c) for c in absent if c in others
    )
    same = pl.all_horizontal(pl.col(c).eq_missing(pl.col(c + OLD)) for c in others) if others else pl.lit(True)
    return joined.with_columns(
        pl.when(pl.col("__found").is_null()).then(pl.lit(NEW)).when(same).then(pl.lit(UNCHANGED))
        .otherwise(pl.lit(CHANGED)).alias("change")
    ).drop("__found")


def diff_counts(changes: pl.DataFrame) -> dict[str, int]:
    counts = dict.fromkeys((NEW, CHANGED, UNCHANGED), 0)
    for kind, n in changes.group_by("change").len().iter_rows():
        counts[kind] = n
    return counts
