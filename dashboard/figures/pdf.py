"""Render a briefing pack as an A4 PDF with ReportLab.

ReportLab is pure Python: it installs from PyPI with no Debian packages, and draws the charts
and the ward map itself, so nothing is fetched or rendered by a browser. The pack reads in
black and white: every status carries its word and letter, bars carry their values, and fills
differ in lightness as well as hue.
"""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

import polars as pl
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from dashboard.domain.formatting import uk_date
from dashboard.figures.briefing import Bars, Pack, Section, WardMap

WIDTH = A4[0] - 36 * mm
STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontName="Helvetica", fontSize=9.5, leading=12.5)
FINDING = ParagraphStyle("finding", parent=BODY, fontName="Helvetica-Bold", fontSize=10.5, leading=14, spaceAfter=4)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8, leading=10, alignment=TA_LEFT)
HEAD = ParagraphStyle("head", parent=CELL, fontName="Helvetica-Bold", textColor=colors.white)
H1 = ParagraphStyle("h1", parent=STYLES["Heading1"], fontName="Helvetica-Bold", fontSize=15, spaceBefore=6, spaceAfter=6)
TITLE = ParagraphStyle("title", parent=STYLES["Title"], fontName="Helvetica-Bold", fontSize=24, leading=29, alignment=TA_LEFT)
BAR_FILLS = (colors.HexColor("#1f4e79"), colors.HexColor("#a6bddb"))  # dark and light: distinct in grey


MISSING = "\u2014"  # an em dash: no value (never "none", which reads as a value)


def cell_text(value, *, percent: bool = False) -> str:
    """How a value reads in a printed table: UK dates, one decimal, a dash for missing; in a
    column of percentages (0 to 100) a whole percentage, 66.4 -> '66%'."""
    if value is None:
        return MISSING
    if isinstance(value, dt.date):
        return uk_date(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if percent and isinstance(value, int | float):
        return f"{value:.0f}%" if value == value else MISSING
    if isinstance(value, float):
        return f"{value:,.1f}".rstrip("0").rstrip(".") if value == value else MISSING
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def header_text(column: str) -> str:
    return column.replace("_", " ")


# Type sizes (points) and cell padding each side, largest first: a table takes the largest at which
# every column is as wide as its longest word, so Paragraph cells wrap between words and never
# inside one ("Memb ers", "Hackne y"); a wide table is set smaller rather than broken.
SIZES = ((8.0, 4.0), (7.5, 3.0), (7.0, 2.5), (6.5, 2.0), (6.0, 1.5), (5.5, 1.5))
FONT, BOLD = "Helvetica", "Helvetica-Bold"


def _texts(frame: pl.DataFrame, percent: tuple[str, ...] = ()) -> list[list[str]]:
    """Each column's cell texts, as printed."""
    return [[cell_text(v, percent=c in percent) for v in frame[c].to_list()] for c in frame.columns]


def column_widths(frame: pl.DataFrame, *, size: float = 8.0, padding: float = 4.0, percent: tuple[str, ...] = ()) -> list[float]:
    """Share the page width by how much each column holds: a column of sentences (reasons) gets
    more room than one of codes. Each column first gets room for its longest word, measured in
    the font it is printed in (the header bold); the rest of the width is shared by the average
    width of the cells."""
    floor, need = [], []
    for c, texts in zip(frame.columns, _texts(frame, percent)):
        longest = max([stringWidth(w, BOLD, size) for w in header_text(c).split()]
                      + [stringWidth(w, FONT, size) for t in texts for w in t.split()] or [size])
        floor.append(longest + 2 * padding + 1)  # a point to spare: Paragraph wraps a word that only just fits
        need.append(max(sum(stringWidth(t, FONT, size) for t in texts) / len(texts) if texts else 0, longest))
    if sum(floor) >= WIDTH:
        return [WIDTH * f / sum(floor) for f in floor]
    spare, total = WIDTH - sum(floor), sum(need)
    return [f + spare * x / total for x, f in zip(need, floor)]


def table_layout(frame: pl.DataFrame, percent: tuple[str, ...] = ()) -> tuple[float, float, list[float]]:
    """(type size, padding, column widths): the largest size at which every word fits its column."""
    for size, padding in SIZES:
        widths = column_widths(frame, size=size, padding=padding, percent=percent)
        if fits(frame, widths, size=size, padding=padding, percent=percent):
            break
    return size, padding, widths


def fits(frame: pl.DataFrame, widths: list[float], *, size: float, padding: float, percent: tuple[str, ...] = ()) -> bool:
    """Whether the longest word of every column (its header bold) fits inside the column's padding."""
    for c, texts, width in zip(frame.columns, _texts(frame, percent), widths):
        words = [(w, BOLD) for w in header_text(c).split()] + [(w, FONT) for t in texts for w in t.split()]
        if any(stringWidth(w, font, size) > width - 2 * padding for w, font in words):
            return False
    return True


def _table(frame: pl.DataFrame, percent: tuple[str, ...] = ()) -> LongTable:
    size, padding, widths = table_layout(frame, percent)
    cell = ParagraphStyle(f"cell{size}", parent=CELL, fontSize=size, leading=size * 1.25)
    head = ParagraphStyle(f"head{size}", parent=HEAD, fontSize=size, leading=size * 1.25)
    header = [Paragraph(escape(header_text(c)), head) for c in frame.columns]
    columns = _texts(frame, percent)
    body = [[Paragraph(escape(columns[j][i]), cell) for j in range(len(columns))] for i in range(frame.height)]
    # repeatRows: a table that runs over a page starts the next with its header again.
    t = LongTable([header, *body], repeatRows=1, colWidths=widths)
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f4e79")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f0f0f0")]),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), padding),
                ("RIGHTPADDING", (0, 0), (-1, -1), padding),
            ]
        )
    )
    return t


def _bars(chart: Bars) -> Drawing:
    n = len(chart.categories)
    height = 40 + n * 9 * max(len(chart.series), 1) + n * 6
    d = Drawing(WIDTH, height + 20)
    d.add(String(0, height + 8, chart.title, fontName="Helvetica-Bold", fontSize=9))
    bc = HorizontalBarChart()
    bc.x, bc.y, bc.width, bc.height = 195, 34, WIDTH - 235, height - 34
    bc.data = [[v if v is not None else 0 for v in values] for values in chart.series.values()]
    bc.categoryAxis.categoryNames = [c if len(c) <= 50 else c[:48] + "…" for c in chart.categories]
    bc.categoryAxis.labels.fontSize = 7
    bc.categoryAxis.reverseDirection = True
    bc.valueAxis.valueMin = 0
    bc.valueAxis.labels.fontSize = 7
    bc.barLabelFormat = "%.0f"
    bc.barLabels.fontSize = 6.5
    bc.barLabels.nudge = 8
    for i, _ in enumerate(chart.series):
        bc.bars[i].fillColor = BAR_FILLS[i % 2]
        bc.bars[i].strokeColor = colors.black
        bc.bars[i].strokeWidth = 0.3
    d.add(bc)
    x = 195
    for i, name in enumerate(chart.series):  # legend, so grey-scale prints still say which is which
        d.add(Rect(x, 2, 8, 8, fillColor=BAR_FILLS[i % 2], strokeColor=colors.black, strokeWidth=0.3))
        d.add(String(x + 11, 3, name, fontName=FONT, fontSize=7))
        x += 11 + stringWidth(name, FONT, 7) + 12
    return d


LEGEND_GAP = 3  # points between a legend's lettered box, its word and the next box


def legend_boxes(legend: list[tuple[str, str, str]], *, size: float = 7) -> list[tuple[float, float, float]]:
    """(box x, box width, word x) for each (word, letter, colour): each box as wide as its letter
    and the word after it, so no letter runs over its swatch's edge and no box over a word."""
    placed, x = [], 0.0
    for word, letter, _ in legend:
        box = max(10.0, stringWidth(letter, BOLD, size) + 4)
        placed.append((x, box, x + box + LEGEND_GAP))
        x += box + LEGEND_GAP + stringWidth(word, FONT, size + 0.5) + 4 * LEGEND_GAP
    return placed


def _ward_map(m: WardMap) -> Drawing:
    rings = []
    for f in m.features:
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        rings.append((f["properties"]["ward_code"], [poly[0] for poly in polys]))
    points = [p for _, polys in rings for ring in polys for p in ring]
    height = 120 * mm
    d = Drawing(WIDTH, height + 40)
    d.add(String(0, height + 28, m.title, fontName="Helvetica-Bold", fontSize=9))
    if not points:
        d.add(String(0, height / 2, "No ward boundaries to draw.", fontName="Helvetica", fontSize=9))
        return d
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    # Equirectangular at London's latitude: 1 degree of longitude is 0.62 of a degree of latitude.
    kx = 0.62
    span_x, span_y = (max(lons) - min(lons)) * kx, max(lats) - min(lats)
    scale = min(WIDTH / span_x, height / span_y)
    x0 = (WIDTH - span_x * scale) / 2

    def xy(lon, lat):
        return x0 + (lon - min(lons)) * kx * scale, 24 + (lat - min(lats)) * scale

    fills = {word: (letter, colors.HexColor(colour)) for word, letter, colour in m.legend}
    for code, polys in rings:
        word = m.status.get(code, "")
        letter, fill = fills.get(word, ("?", colors.white))
        cx = cy = 0.0
        count = 0
        for ring in polys:
            coords = [c for lon, lat in ring for c in xy(lon, lat)]
            d.add(Polygon(coords, fillColor=fill, strokeColor=colors.black, strokeWidth=0.4))
            for lon, lat in ring[:-1]:
                px, py = xy(lon, lat)
                cx, cy, count = cx + px, cy + py, count + 1
        if count:
            d.add(String(cx / count, cy / count - 3, letter, fontName="Helvetica-Bold", fontSize=7, textAnchor="middle",
                         fillColor=colors.black, strokeColor=colors.white, strokeWidth=0.01))
    for (word, letter, colour), (x, box, text_x) in zip(m.legend, legend_boxes(m.legend)):
        d.add(Rect(x, 4, box, 10, fillColor=colors.HexColor(colour), strokeColor=colors.black, strokeWidth=0.4))
        d.add(String(x + box / 2, 6.5, letter, fontName=BOLD, fontSize=7, textAnchor="middle"))
        d.add(String(text_x, 6, word, fontName=FONT, fontSize=7.5))
    return d


def _section(s: Section) -> list:
    flow = [Paragraph(escape(s.title), H1), Paragraph(escape(s.finding), FINDING)]
    flow += [Paragraph(escape(p), BODY) for p in s.paragraphs]
    if s.ward_map is not None:
        flow += [Spacer(1, 4), _ward_map(s.ward_map)]
    if s.chart is not None:
        flow += [Spacer(1, 4), KeepTogether(_bars(s.chart))]
    for t in s.tables:
        flow += [Spacer(1, 6)]
        if t.note:
            flow.append(Paragraph(escape(t.note), BODY))
        frame = t.frame
        if t.pdf_rows is not None and frame.height > t.pdf_rows:
            flow.append(Paragraph(escape(f"The first {t.pdf_rows} of {frame.height:,} are listed here; the workbook's "
                                         f"sheet \u201c{t.name}\u201d has them all."), BODY))
            frame = frame.head(t.pdf_rows)
        flow.append(_table(frame, t.percent) if frame.height else Paragraph("None.", BODY))
    flow.append(Spacer(1, 10))
    return flow


def render_pdf(pack: Pack) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
        title=pack.title, author="Ward Panel Monitor", subject="Safer Neighbourhood Board briefing",
    )

    def footer(canvas, doc_):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.drawString(18 * mm, 9 * mm, pack.title + ("  (SAMPLE DATA)" if pack.is_sample else ""))
        canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, f"Page {doc_.page}")
        canvas.restoreState()

    cover = [
        Spacer(1, 30 * mm),
        Paragraph(escape(pack.borough_name), TITLE),
        Paragraph("Safer Neighbourhood ward panels: board briefing", H1),
        Spacer(1, 6 * mm),
        Paragraph(f"<b>Borough:</b> {escape(pack.borough_name)} ({escape(pack.borough_code)})", BODY),
        Paragraph(f"<b>BCU:</b> {escape(pack.bcu + ' BCU' if pack.bcu else 'none (not policed by the Met)')}", BODY),
        Paragraph(f"<b>Period:</b> {escape(pack.period.label)} ({uk_date(pack.period.start)} to {uk_date(pack.period.end)})", BODY),
        Paragraph(f"<b>Produced:</b> {uk_date(pack.produced_on)}", BODY),
        Paragraph(f"<b>Data last imported:</b> {uk_date(pack.last_import, missing='unknown')}", BODY),
    ]
    if pack.is_sample:
        cover += [
            Spacer(1, 8 * mm),
            Paragraph(
                "<b>SAMPLE DATA.</b> The panels, meetings, promises and engagement in this pack are invented for "
                "demonstration. Wards, boundaries, Census profiles and survey figures are real.",
                FINDING,
            ),
        ]
    cover += [Spacer(1, 8 * mm), Paragraph("<b>In this pack</b>", BODY)]
    cover += [Paragraph(f"{i}. {escape(s.title)}", BODY) for i, s in enumerate(pack.sections, start=1)]
    story = [*cover, PageBreak()]
    for s in pack.sections:
        story += _section(s)
    story += [Paragraph("Data sources and attribution", H1)]
    story += [Paragraph(escape(line), BODY) for line in pack.sources]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
