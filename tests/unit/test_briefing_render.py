"""The pack renderers on a small hand-made pack: PDF text, workbook types, no formulas."""

import datetime as dt
import io

import openpyxl
import polars as pl
from pypdf import PdfReader

from dashboard.domain.areas import Area
from dashboard.domain.periods import period_ending
from dashboard.figures import briefing
from dashboard.figures.briefing import Bars, Pack, Section, Table, WardMap
from dashboard.figures.excel import render_xlsx
from dashboard.figures.pdf import legend_boxes, render_pdf

BOROUGH = Area("borough", "Testshire", "E09000099")
PERIOD = period_ending(dt.date(2023, 12, 31), "quarter")

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


def pdf_pages(pack: Pack) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(pack))).pages]


def pack_of(*sections: Section) -> Pack:
    return Pack(borough_code="E09000099", borough_name="Testshire", bcu="Test", period=period_ending(dt.date(2023, 12, 31), "quarter"),
                produced_on=dt.date(2026, 11, 23), is_sample=False, sections=sections, sources=())


def test_table_words_are_never_split_and_a_long_table_repeats_its_header():
    """Printed cells wrap between words ("Memb ers", "Hackne y" were the bug), even in a table too wide
    for the page at the usual size, and a table that runs over a page starts the next with its header."""
    wide = pl.DataFrame({
        "Ward": ["Walthamstow", "Clementswood", "Hackney Downs"], "Members": ["9", "fewer than 5", "12"],
        "Diversity gap (0-100)": ["37.0", "—", "35.0"], "Ethnic group index": ["24.0", "45.0", "39.0"],
        "Age index": ["50.0", "28.0", "31.0"], "Groups under-represented": ["25-34 (age)", "", "Black (ethnic group)"],
        "No resident member": ["No"] * 3, "No business member": ["No", "Yes", "No"], "Councillor-led": ["No"] * 3,
        "Months since membership review": [4, None, 13], "Review note": ["", "never recorded", ""],
    })
    long = pl.DataFrame({"ward": [f"Hackney Wick {i}" for i in range(90)], "reasons": ["No meeting since 3 November 2022"] * 90})
    pages = pdf_pages(pack_of(Section("d", "Diversity", "Wide.", tables=(Table("Panel diversity", wide), Table("Long", long)))))
    tokens = set("\n".join(pages).split())
    for frame in (wide, long):
        words = {w for c in frame.columns for w in c.split()} | {w for c in frame.columns for v in frame[c] if v for w in str(v).split()}
        assert words <= tokens, sorted(words - tokens)
    with_rows = [p for p in pages if "Hackney Wick" in p]
    assert len(with_rows) >= 2
    assert all(p.count("reasons") == 1 for p in with_rows)  # the header, once on every page the table reaches


def test_no_plan_reads_no_plan_and_missing_values_a_dash():
    from dashboard.figures import coverage as cov

    plans = pl.DataFrame({"plan": [cov.NO_PLAN], "ward": ["Abbey"], "action": [cov.NO_PLAN], "owner": [None], "due": [None]},
                         schema={"plan": pl.String, "ward": pl.String, "action": pl.String, "owner": pl.String, "due": pl.Date})
    text = "\n".join(pdf_pages(pack_of(Section("a", "Plans", "One.", tables=(Table("Remedy plans", plans),)))))
    assert "Abbey\nNo plan\n—\n—" in text
    assert "none" not in text.split()


def test_shares_print_as_percentages_beside_percentages():
    """The concerns summary printed 0.7 beside the ward table's 98%."""
    from dashboard.figures import alignment as al

    rollup = pl.DataFrame({"area": ["Testshire"], "wards": [21], "scored": [9], "coverage": [0.657], "ignoring": [2], "promises_set": [22],
                           "unbacked_promises": [5], "unbacked_share": [5 / 22], "no_concerns": [4]})
    wards = pl.DataFrame({"ward": ["Abbey"], "coverage %": [98.0], "ward_code": ["W1"]})
    view = al.AlignmentView("Testshire: promises covered 66%", pl.DataFrame(), "", "ward", rollup, wards)
    section = briefing.alignment_section(BOROUGH, PERIOD, view)
    text = "\n".join(pdf_pages(pack_of(section)))
    numbers = text.split()
    assert "66%" in numbers and "23%" in numbers and "98%" in numbers
    assert not [n for n in numbers if n.startswith("0.")], "a fraction was printed"
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(pack_of(section))))["Alignment summary"]
    assert {c.value: sheet.cell(2, c.column).value for c in sheet[1]}["coverage %"] == 66


def test_legend_letters_stay_inside_their_boxes_and_clear_of_the_words():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    legend = [("No panel", "NP", "#cc79a7"), ("Not functioning", "NF", "#d55e00"), ("At risk", "AR", "#f0e442"), ("Functioning", "F", "#0072b2")]
    placed = legend_boxes(legend)
    for (_, letter, _), (x, box, text_x) in zip(legend, placed):
        assert stringWidth(letter, "Helvetica-Bold", 7) + 2 <= box  # the letter, centred, inside its swatch
        assert text_x >= x + box  # the word starts after the box
    for (word, _, _), (_, _, text_x), (next_x, _, _) in zip(legend, placed, placed[1:]):
        assert text_x + stringWidth(word, "Helvetica", 7.5) < next_x
