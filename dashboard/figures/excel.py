"""Render a briefing pack's tables as an Excel workbook with XlsxWriter.

One sheet per table, formatted header, frozen header row, real dates and numbers (not text),
and no cell that can run as a formula: text is always written with ``write_string`` and the
workbook is opened with ``strings_to_formulas`` off, so "=1+1" stays the text "=1+1".
"""

from __future__ import annotations

import datetime as dt
import io
import re

import polars as pl
import xlsxwriter

from dashboard.domain.formatting import uk_date
from dashboard.figures.briefing import Pack

NUMERIC = re.compile(r"-?\d{1,12}(\.\d+)?")


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def render_xlsx(pack: Pack) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    head = book.add_format({"bold": True, "font_color": "#ffffff", "bg_color": "#1f4e79", "text_wrap": True, "valign": "top", "border": 1})
    date = book.add_format({"num_format": "d mmmm yyyy"})
    number = book.add_format({"num_format": "#,##0.0"})
    whole = book.add_format({"num_format": "#,##0"})
    bold = book.add_format({"bold": True})
    used: set[str] = set()

    about = book.add_worksheet(_sheet_name("About this pack", used))
    lines = [
        pack.title,
        f"Borough: {pack.borough_name} ({pack.borough_code})",
        f"BCU: {pack.bcu + ' BCU' if pack.bcu else 'none (not policed by the Met)'}",
        f"Period: {uk_date(pack.period.start)} to {uk_date(pack.period.end)}",
        f"Produced: {uk_date(pack.produced_on)}",
        f"Data last imported: {uk_date(pack.last_import, missing='unknown')}",
    ]
    if pack.is_sample:
        lines.append("SAMPLE DATA: panels, meetings, promises and engagement are invented for demonstration.")
    lines += ["", "Findings"] + [f"{s.title}: {s.finding}" for s in pack.sections] + ["", "Sources", *pack.sources]
    about.set_column(0, 0, 120)
    for r, line in enumerate(lines):
        about.write_string(r, 0, line, bold if r == 0 or line in ("Findings", "Sources") else None)

    for section in pack.sections:
        for table in section.tables:
            sheet = book.add_worksheet(_sheet_name(table.name, used))
            _write_frame(sheet, table.frame, head=head, date=date, number=number, whole=whole)
    book.close()
    return buffer.getvalue()


def _write_frame(sheet, frame: pl.DataFrame, *, head, date, number, whole) -> None:
    for c, name in enumerate(frame.columns):
        sheet.write_string(0, c, name.replace("_", " "), head)
        width = max([len(name)] + [len(str(v)) for v in frame[name].head(200).to_list() if v is not None])
        sheet.set_column(c, c, min(max(width + 2, 10), 60))
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(frame.iter_rows(), start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_string(r, c, "yes" if value else "no")
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, date)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
            elif isinstance(value, int):
                sheet.write_number(r, c, value, whole)
            elif isinstance(value, float):
                if value == value:  # NaN stays empty
                    sheet.write_number(r, c, value, number)
            elif isinstance(value, list):
                sheet.write_string(r, c, "; ".join(str(v) for v in value))
            elif NUMERIC.fullmatch(value):
                # Disclosure control turns count columns into text so that "fewer than 5"
                # can stand among numbers; the numbers among them go back in as numbers.
                sheet.write_number(r, c, float(value), whole if "." not in value else number)
            else:
                sheet.write_string(r, c, str(value))
    if frame.height:
        sheet.autofilter(0, 0, frame.height, max(len(frame.columns) - 1, 0))
