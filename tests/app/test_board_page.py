"""The Board page in AppTest for Barking and Dagenham, its board replaced by the four templates'
rows (a small fixture whose figures are checked by hand), and the pack's board section beside it."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import delete
from streamlit.testing.v1 import AppTest

from dashboard.domain import areas
from dashboard.domain.periods import period_ending
from dashboard.figures import board as bd
from dashboard.figures import briefing
from dashboard.figures import diversity as dv
from data_access import engine as eng
from data_access import queries, writes
from data_access.models import Base

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "sample_data" / "templates"
BOROUGH = "E09000002"  # Barking and Dagenham
FILES = ("board_members", "board_meetings", "borough_commanders", "board_funding")


@pytest.fixture(scope="module")
def board_url(seeded_sqlite_url, tmp_path_factory) -> str:
    """The seeded sample with Barking and Dagenham's board as the templates give it, and nothing else of it."""
    path = tmp_path_factory.mktemp("board") / "db.sqlite"
    shutil.copy(seeded_sqlite_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    engine = eng.make_engine(url)
    with engine.begin() as conn:
        for table in ("board_member", "board_meeting", "borough_commander", "board_funding"):
            t = Base.metadata.tables[table]
            conn.execute(delete(t).where(t.c.borough_code == BOROUGH))
    files = [(f"{name}.csv", (TEMPLATES / f"{name}.csv").read_bytes()) for name in FILES]
    writes.import_checked(engine, writes.check_files(engine, files), [d for _, d in files], kind="upload")
    engine.dispose()
    return url


def open_board(url, monkeypatch) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.query_params["borough"] = "Barking and Dagenham"  # the address holds what the sidebar shows
    at.query_params["span"] = "12 months"
    at.query_params["quarter"] = "October to December 2023"
    at.switch_page("pages/board.py").run()
    assert not at.exception, at.exception
    return at


def test_the_board_page_for_a_borough_shows_the_templates_board(board_url, monkeypatch):
    at = open_board(board_url, monkeypatch)
    metrics = {m.label: m.value for m in at.metric}
    # On 31 December 2023: the chair, the panel chair and the councillor (the youth member left on 31 July).
    # In 2023: four meetings; one commander left on 28 February, the next started on 1 March (one change).
    # Financial years 2022-23 and 2023-24: 5,000 + 1,500 + 5,000 received, 4,620 + 1,500 + 3,875 spent = 87%.
    assert metrics == {"Board members": "3", "Board meetings in the period": "4", "Commander changes in the period": "1",
                       "Funding spent": "87%"}
    texts = [m.value for m in at.markdown]
    # The templates' one panel chair represents Abbey (E05014053): linked if Abbey's sample panel is open.
    engine = eng.make_engine(board_url)
    open_ = dv.open_panels(queries.panels(engine), dt.date(2023, 12, 31)).join(
        queries.wards(engine).filter(pl.col("borough_code") == BOROUGH).select("ward_code"), on="ward_code")
    engine.dispose()
    linked = int("E05014053" in open_["ward_code"].to_list())
    assert (f"Barking and Dagenham: {linked} of {open_.height} open panels ({linked / open_.height:.0%}) "
            "have their chair on the board.") in texts
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert ("Barking and Dagenham: 4 board meetings in 12 months to 31 December 2023, 3 in public; "
            "the Borough Commander attended 2 and an update was given at 3") in titles
    assert "Barking and Dagenham: £11,500 received in 2022-23 to 2023-24, £9,995 of it spent (87%)" in titles
    assert ("Barking and Dagenham: 2 Borough Commanders in post in 12 months to 31 December 2023 (1 change); "
            "the latest since 1 March 2023") in titles
    commanders = next(t.value for t in at.dataframe if "Months in post" in t.value.columns)
    # BC-0103: 1 March to 31 December 2023, 9 months, every 2023 meeting (attended 14 March and 12 December);
    # BC-0102: 15 January 2022 to 28 February 2023 (13 months), BC-0101: 1 February 2021 to 14 January 2022 (11): none.
    assert commanders[["Commander", "Months in post", "Board meetings while in post", "Meetings attended"]].values.tolist() == [
        ["BC-0103", 9, 4, 2], ["BC-0102", 13, 0, 0], ["BC-0101", 11, 0, 0]]
    roles = next(t.value for t in at.dataframe if "Role" in t.value.columns)
    assert dict(roles.values.tolist())["panel chair"] == "1"


def test_the_pack_s_board_section_equals_the_page(board_url):
    engine = eng.make_engine(board_url)
    wards = queries.wards(engine)
    t = {n: queries.table(n, engine) for n in (*FILES, "panels", "ward_population")}
    engine.dispose()
    period = period_ending(dt.date(2023, 12, 31), "year")
    d = bd.build(t["board_members"], t["ward_population"], wards, period.end)
    inputs = bd.BoardInputs(wards, t["board_members"], t["board_meetings"], t["borough_commanders"], t["board_funding"], t["panels"])
    view = bd.board_view(inputs, d, bd.publish(d, wards), areas.resolve(wards, bcu=None, borough=BOROUGH, ward=None), period)
    section = briefing.board_section(areas.resolve(wards, bcu=None, borough=BOROUGH, ward=None), period, view)
    tables = {table.name: table.frame for table in section.tables}
    assert tables["Board members by role"].equals(view.safe.role_table())
    assert tables["Board meetings"].equals(view.meeting_list)
    assert tables["Board funding"].equals(view.funding_table)
    assert tables["Borough Commanders"].equals(view.commanders)
    assert tables["Board by ethnic group"].equals(view.safe.profile(view.dims[0]))
    assert section.finding.startswith(view.safe.links_finding())
    assert pl.Series(tables["Board members by role"]["Board members"]).is_in(["0", "fewer than 5", "withheld"]).all()
