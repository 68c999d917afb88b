"""The briefing pack through the app: same figures as the Overview, and a download."""

import io
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def run_page(path: str, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180)
    at.run()
    at.switch_page(path).run()
    # Set every filter before one rerun: AppTest does not write bound widgets back to the URL,
    # so a later rerun would read the (unchanged) URL again. A real browser keeps them (e2e tests).
    for key, value in params.items():
        at.sidebar.selectbox(key=key).set_value(value)
    at.run()
    assert not at.exception, at.exception
    return at


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.sqlite_only("the pack and the overview are worked out from the same frames")
def test_pack_figures_match_the_overview(app_env):
    overview = run_page("pages/overview.py", borough="E09000008", quarter="2023-Q2")  # Croydon
    shown = {m.label: m.value for m in overview.metric}
    at = run_page("pages/briefing.py", borough="E09000008", quarter="2023-Q2")
    downloads = {d.proto.label: d for d in at.get("download_button")}
    assert {"Download the PDF", "Download the Excel workbook"} <= set(downloads)
    import datetime as dt

    from dashboard.app import views
    from dashboard.domain import periods

    pdf, xlsx = views.briefing_files(views.selection(periods.period_ending(dt.date(2023, 6, 30), "quarter"), borough="E09000008"))
    text = pdf_text(pdf)
    assert "Croydon" in text and "South BCU" in text and "April to June 2023" in text
    with_panel = shown["Wards with a panel"].split(" ")[0]  # "27 (96%)" -> "27"
    assert f"{with_panel} of 28 wards" in text
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["Headline figures"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert rows["Panel meetings held"][2].value == int(shown["Panel meetings held"].replace(",", ""))
    achieved = shown["Promises achieved"].split("%")[0]
    # The workbook keeps one decimal (54.5), the page a whole percentage (55%): the same figure.
    assert abs(rows["Promises achieved, of those closed"][2].value - int(achieved)) <= 0.5


def test_pack_for_a_borough_with_no_panel_data_says_so_plainly(app_env):
    at = run_page("pages/briefing.py", borough="E09000001")  # City of London: outside the Met's scheme
    findings = [m.value for m in at.markdown if m.value.startswith("**")]
    assert any("no wards policed by the Met" in f for f in findings), findings
    assert any("no Public Attitude Survey figures" in f for f in findings), findings
    import datetime as dt

    from dashboard.app import views
    from dashboard.domain import periods

    pdf, _ = views.briefing_files(views.selection(periods.period_ending(dt.date(2023, 12, 31), "quarter"), borough="E09000001"))
    assert "City of London" in pdf_text(pdf)


def test_london_wide_asks_for_a_borough(app_env):
    at = run_page("pages/briefing.py")
    assert "choose one" in at.info[0].value
    assert not at.get("download_button")


def test_pack_shows_member_counts_only_as_published(app_env):
    """The pack is a file: its diversity sheets carry the day's published counts ("fewer than 5",
    "withheld"), never the exact ones. Bromley's groups include small ones the pack must hide."""
    import datetime as dt

    from dashboard.app import state, views
    from dashboard.domain import periods
    from dashboard.figures import privacy

    day = dt.date(2023, 12, 31)
    _, xlsx = views.briefing_files(views.selection(periods.period_ending(day, "quarter"), borough="E09000006"))  # Bromley
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    pub = state._publication(state.database_url(), day)
    node = ("borough", "E09000006")
    keys = {"Ethnic group": "ethnic_group", "Age": "age_band", "White British and White other": "white_detail", "Sex": "sex"}
    rows = list(book["Groups against ward profiles"].iter_rows(min_row=2, values_only=True))
    header = [c.value for c in book["Groups against ward profiles"][1]]
    actual = header.index("Actual members")
    shown = {(keys[r[0]], r[1]): r[actual] for r in rows}
    assert len(shown) >= 10
    for (dim, group), value in shown.items():
        assert str(value).replace(".0", "") == pub.cell(node, dim, group), (dim, group, value)
    assert any(value in (privacy.FEWER, privacy.WITHHELD) for value in shown.values())  # some are hidden
    panels = book["Panel diversity"]
    members = [c.value for c in panels[1]].index("Members")
    assert panels.max_row > 15  # Bromley's panels are all there
    assert all(str(row[members].value) not in {"1", "2", "3", "4"} for row in panels.iter_rows(min_row=2))


@pytest.mark.sqlite_only("the pack and the pages are worked out from the same frames")
def test_pack_sections_carry_the_meetings_and_promises_pages_figures(app_env):
    """The pack's meetings-below-minimum and promises-past-review figures are the pages' own."""
    import datetime as dt
    import re

    from dashboard.app import views
    from dashboard.domain import periods

    meetings = run_page("pages/meetings.py", borough="E09000008", quarter="2023-Q2")
    below_title = next(s.value for s in meetings.subheader if "Met wards" in s.value)
    promises = run_page("pages/promises.py", borough="E09000008", quarter="2023-Q2")
    overdue_title = next(s.value for s in promises.subheader if "past review" in s.value)
    overdue = int(re.search(r"Croydon: ([\d,]+) open promises", overdue_title).group(1).replace(",", ""))

    period = periods.period_ending(dt.date(2023, 6, 30), "quarter")
    sections = {s.key: s for s in views.briefing_pack(views.selection(period, borough="E09000008")).sections}
    assert sections["meetings"].finding == below_title + "."
    assert sections["promises"].finding.startswith(f"{overdue} open promises were past review on 30 June 2023")
    by_origin = sections["promises"].tables[0].frame
    assert by_origin["promises past review"].sum() == overdue

    pdf, xlsx = views.briefing_files(views.selection(period, borough="E09000008"))
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book["Promises past review"].max_row - 1 == overdue  # every row, though the PDF lists the first 30
    below_n = int(re.search(r": (\d+) of 28", below_title).group(1))
    assert book["Meetings below minimum"].max_row - 1 == below_n
    text = " ".join(pdf_text(pdf).split())
    for heading in ("Wards needing a remedy plan", "Meetings below the minimum", "Promises open past review",
                    "You said, we did", "Engagement: outputs beside outcomes"):
        assert heading in text, heading
    assert f"The first 30 of {overdue} are listed here" in text


def test_pack_from_a_database_with_no_activity_at_all(tmp_path, monkeypatch):
    """A shared database just created (reference data, no panels yet): every section says so plainly."""
    import datetime as dt

    from data_access import engine as eng
    from data_access import seed

    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    engine = eng.make_engine(url)
    seed.prepare(engine)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(ROOT)
    at = run_page("pages/briefing.py", borough="E09000008")
    assert "There is no activity data yet" in at.info[0].value  # the page says so, no traceback

    from dashboard.app import views
    from dashboard.domain import periods

    period = periods.period_ending(dt.date(2025, 12, 31), "quarter")
    findings = " ".join(s.finding for s in views.briefing_pack(views.selection(period, borough="E09000008")).sections)
    assert "0 of 28 wards (0%) had a panel" in findings
    assert "no promise was closed in the period" in findings
    assert "28 wards had no panel and 0 had a panel that was not functioning" in findings
    assert "No panel in Croydon had members recorded" in findings
    assert "no Public Attitude Survey figures for Croydon" in findings
    pdf, _ = views.briefing_files(views.selection(period, borough="E09000008"))
    assert "Croydon" in pdf_text(pdf)


def test_pack_has_a_section_on_promises_and_concerns(app_env):
    """The pack says whether the borough's promises follow the community's concerns."""
    import datetime as dt
    import re

    from dashboard.app import views
    from dashboard.domain import periods

    period = periods.period_ending(dt.date(2023, 12, 31), "year")
    pack = views.briefing_pack(views.selection(period, borough="E09000012"))  # Hackney
    section = next(s for s in pack.sections if s.key == "alignment")
    assert re.fullmatch(r"Hackney: promises covered \d+% of what residents raised most; \d+ of \d+ wards' promises ignored "
                        r"their top concern, and [\d,]+ of [\d,]+ promises had no recorded concern behind them\.", section.finding)
    from dashboard.domain.areas import Area
    from dashboard.domain.selection import Selection
    from dashboard.figures import alignment

    assert section.finding[:-1] == views.view(alignment.alignment_view, Selection(Area("borough", "Hackney", "E09000012"), period, None)).finding
    pdf, xlsx = views.briefing_files(views.selection(period, borough="E09000012"))
    assert "Promises and community concerns" in pdf_text(pdf)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["Alignment by ward"]
    assert sheet.max_row == 22  # header and Hackney's 21 wards
