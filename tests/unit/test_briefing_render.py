"""The pack renderers on a small hand-made pack: PDF text, workbook types, no formulas."""

import datetime as dt
import io

import openpyxl
import polars as pl
from pypdf import PdfReader

from dashboard.domain.periods import period_ending
from dashboard.figures.briefing import Bars, Pack, Section, Table, WardMap
from dashboard.figures.excel import render_xlsx
from dashboard.figures.pdf import render_pdf

SQUARE = {"type": "Polygon", "coordinates": [[[0, 51], [0.01, 51], [0.01, 51.01], [0, 51.01], [0, 51]]]}


def tiny_pack(sample=True) -> Pack:
    frame = pl.DataFrame(
        {
            "ward": ["Abbey", "=HYPERLINK(\"http://x\")", "+44 20"],
            "due_on": [dt.date(2023, 11, 5), None, dt.date(2024, 1, 2)],
            "meetings": [3, 0, 12],
            "share_pct": [12.5, None, 100.0],
            "members": ["12", "fewer than 5", "0"],  # as disclosure control leaves them
        }
    )
    return Pack(
        borough_code="E09000099",
        borough_name="Testshire",
        bcu="Test",
        period=period_ending(dt.date(2023, 12, 31), "quarter"),
        produced_on=dt.date(2026, 11, 23),
        is_sample=sample,
        sections=(
            Section("a", "Wards needing attention", "Two wards have no panel.", tables=(Table("Attention", frame),)),
            Section(
                "m",
                "Map",
                "One ward.",
                ward_map=WardMap("Map", [{"type": "Feature", "properties": {"ward_code": "W1"}, "geometry": SQUARE}], {"W1": "No panel"}, [("No panel", "N", "#E69F00")]),
                chart=Bars("Bars", ["one", "two"], {"Testshire": [10.0, None], "London": [20.0, 30.0]}),
            ),
        ),
        sources=("Source: somewhere, OGL v3.0",),
        last_import=dt.date(2024, 1, 5),
    )


def test_pdf_carries_cover_findings_tables_and_sources():
    reader = PdfReader(io.BytesIO(render_pdf(tiny_pack())))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert reader.pages[0].mediabox.width == 595.2756  # A4 portrait, in points
    for expected in ("Testshire", "Test BCU", "October to December 2023", "23 November 2026", "5 January 2024",
                     "SAMPLE DATA", "Two wards have no panel.", "5 November 2023", "Source: somewhere, OGL v3.0"):
        assert expected in text, expected
    assert "=HYPERLINK" in text  # shown as text, as entered


def test_workbook_has_real_dates_numbers_and_no_formulas():
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(tiny_pack())))
    assert book.sheetnames == ["About this pack", "Attention"]
    sheet = book["Attention"]
    assert [c.value for c in sheet[1]] == ["ward", "due on", "meetings", "share pct", "members"]
    assert sheet["E2"].value == 12 and sheet["E2"].data_type == "n"
    assert sheet["E3"].value == "fewer than 5"
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].value == dt.datetime(2023, 11, 5) and sheet["B2"].is_date
    assert sheet["C4"].value == 12 and sheet["C4"].data_type == "n"
    assert sheet["D2"].value == 12.5
    assert sheet["B3"].value is None
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} would run as a formula"
    assert sheet["A3"].value == '=HYPERLINK("http://x")' and sheet["A3"].data_type == "s"
    assert sheet["A4"].value == "+44 20" and sheet["A4"].data_type == "s"


def test_real_data_pack_has_no_sample_banner():
    reader = PdfReader(io.BytesIO(render_pdf(tiny_pack(sample=False))))
    assert "SAMPLE DATA" not in "\n".join(p.extract_text() for p in reader.pages)
