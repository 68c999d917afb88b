"""The Data page in AppTest: upload, problem report, preview, import, history and undo."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from data_access import engine as eng
from data_access import writes

ROOT = Path(__file__).resolve().parents[2]
MEETINGS = (ROOT / "sample_data" / "templates" / "meetings.csv").read_bytes()


@pytest.fixture
def own_db(writable_url, monkeypatch) -> str:
    """A private copy of the seeded database: these tests write to it."""
    url = writable_url
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(ROOT)
    return url


def table_with(at: AppTest, column: str):
    """The first st.dataframe showing ``column`` (AppTest does not expose dataframe keys)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def data_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()
    return at.switch_page("pages/data.py").run()


def test_bad_upload_shows_every_problem_and_no_import_button(own_db):
    at = data_page()
    bad = b"Ward Code;Held On;attendees;public_attendees;dwo_present;promises_reviewed;minutes_published;format\r\n" \
          b"E05014053;2023-02-30;twelve;1;y;y;y;online\r\n"
    at.file_uploader(key="upload_0").set_value([("bad.csv", bad, "text/csv")]).run()
    assert not at.exception
    report = table_with(at, "Problem")
    assert report[["File", "Row", "Column"]].values.tolist() == [["bad.csv", 2, "held_on"], ["bad.csv", 2, "attendees"]]
    assert "Nothing can be imported" in at.error[0].value
    assert [b.key for b in at.button if b.key == "import"] == []
    assert at.selectbox(key=next(s.key for s in at.selectbox if s.key.startswith("table_0"))).value == "meetings"


def test_good_upload_previews_imports_and_undoes(own_db):
    engine = eng.make_engine(own_db)
    before = writes.existing(engine, "meetings").height
    data = MEETINGS.replace(b"2023-", b"2024-")  # dates the sample (2014 to 2023) does not have: 4 new meetings
    at = data_page()
    at.file_uploader(key="upload_0").set_value([("meetings.csv", data, "text/csv")]).run()
    preview = table_with(at, "Unchanged rows")
    assert preview[["Table", "New rows", "Changed rows", "Unchanged rows"]].values.tolist() == [["meetings", 4, 0, 0]]
    at.button(key="import").click().run()
    assert not at.exception
    assert "meetings 4 new, 0 changed, 0 unchanged" in at.success[0].value
    assert writes.existing(engine, "meetings").height == before + 4
    history = table_with(at, "Imported at")
    assert history.iloc[0]["File"] == "meetings.csv" and history.iloc[0]["Kind"] == "upload"
    at.selectbox(key="undo_table").set_value("meetings").run()
    at.button(key="undo").click().run()
    at.button(key="undo_confirm").click().run()
    assert "4 rows removed" in at.success[0].value
    assert writes.existing(engine, "meetings").height == before
    # Both are in the audit trail, newest first; sign-in is off, so "open mode".
    from data_access import audit

    log = audit.events(engine).select("who", "action", "rows").rows()
    assert log[:2] == [("open mode", "undo", 4), ("open mode", "import", 4)]
    assert "meetings.csv into meetings" in audit.events(engine)["what"][1]
    engine.dispose()


def test_unrecognised_file_lets_the_user_choose_the_table(own_db):
    at = data_page()
    at.file_uploader(key="upload_0").set_value([("odd.csv", b"colour,size\nred,3\n", "text/csv")]).run()
    report = table_with(at, "Problem")
    assert "does not match any table" in report.iloc[0]["Problem"]
    box = next(s for s in at.selectbox if s.key.startswith("table_0"))
    assert box.value is None
    box.set_value("meetings").run()
    report = table_with(at, "Problem")
    assert report.iloc[0]["Row"] == 1 and "which the meetings table needs" in report.iloc[0]["Problem"]
    assert not at.exception


def test_a_file_name_is_shown_as_plain_text_never_as_markdown(own_db):
    """A file name is the user's text: one holding a link or an address must not become a live link."""
    name = "[click here](http://evil.example) www.evil.example.csv"
    at = data_page()
    at.file_uploader(key="upload_0").set_value([(name, MEETINGS, "text/csv")]).run()
    assert not at.exception
    assert f"Table for {name}" in [t.value for t in at.text]  # st.text: never read as Markdown
    box = next(s for s in at.selectbox if s.key.startswith("table_0"))
    assert box.label == "Table for file 1" and box.value == "meetings"
    assert not any("evil.example" in m.value for m in at.markdown)


def test_a_windows_1252_file_is_refused_then_read_as_windows_1252_when_chosen(own_db):
    header = b"promise_ref,ward_code,set_on,category,origin,description,status,closed_on,outcome,feedback_published_on,internal\r\n"
    data = header + "P-CAFE-1,E05014053,2023-03-02,burglary,panel,Patrols near the Caf\u00e9 on the parade,open,,,,\r\n".encode("cp1252")
    at = data_page()
    at.file_uploader(key="upload_0").set_value([("cafe.csv", data, "text/csv")]).run()
    assert not at.exception, at.exception
    # Refused as UTF-8, naming the line; nothing can be imported yet.
    report = table_with(at, "Problem")
    assert report[["File", "Row"]].values.tolist() == [["cafe.csv", 2]]
    assert report["Problem"][0].startswith("The file is not UTF-8 text: line 2 has the byte 0xE9")
    assert [b.key for b in at.button if b.key == "import"] == []
    # The offending line both ways, and the choice.
    both = table_with(at, "As Windows-1252")
    assert both.values.tolist() == [[2, "P-CAFE-1,E05014053,2023-03-02,burglary,panel,Patrols near the Caf\ufffd on the parade,open,,,,",
                                     "P-CAFE-1,E05014053,2023-03-02,burglary,panel,Patrols near the Caf\u00e9 on the parade,open,,,,"]]
    choice = next(r for r in at.radio if r.key.startswith("encoding_0"))
    assert choice.value == "utf-8"
    choice.set_value("cp1252").run()
    assert not at.exception, at.exception
    assert not [d for d in at.dataframe if "Problem" in d.value.columns]  # no problem left
    preview = table_with(at, "Unchanged rows")
    assert preview[["File", "Table", "New rows", "Changed rows"]].values.tolist() == [["cafe.csv", "promises", 1, 0]]
    at.button(key="import").click().run()
    assert not at.exception, at.exception
    assert "promises 1 new" in at.success[0].value
    engine = eng.make_engine(own_db)
    stored = writes.existing(engine, "promises").filter(promise_ref="P-CAFE-1")
    assert stored["description"].to_list() == ["Patrols near the Caf\u00e9 on the parade"]
    engine.dispose()


def test_a_utf8_file_is_offered_no_other_reading(own_db):
    at = data_page()
    at.file_uploader(key="upload_0").set_value([("meetings.csv", MEETINGS, "text/csv")]).run()
    assert not at.exception, at.exception
    assert not [r for r in at.radio if r.key.startswith("encoding_")]
    assert not [d for d in at.dataframe if "As Windows-1252" in d.value.columns]


def test_after_an_import_the_uploader_is_empty_and_the_same_file_again_records_nothing(own_db):
    """The trap: the file stayed, Import stayed enabled, and a second click recorded an empty batch
    that became "the last import" for undo."""
    engine = eng.make_engine(own_db)
    data = MEETINGS.replace(b"2023-", b"2024-")
    at = data_page()
    at.file_uploader(key="upload_0").set_value([("meetings.csv", data, "text/csv")]).run()
    at.button(key="import").click().run()
    assert not at.exception, at.exception
    # The uploader is a new, empty one: nothing to import again; what was imported stays on screen.
    assert [u.key for u in at.file_uploader] == ["upload_1"]
    assert [b.key for b in at.button if b.key == "import"] == []
    at.run()
    assert "Imported: meetings 4 new, 0 changed, 0 unchanged" in [s.value for s in at.success]
    # The same file again: it says so, offers no Import, and the last import is still the first.
    at.file_uploader(key="upload_1").set_value([("meetings again.csv", data, "text/csv")]).run()
    assert not at.exception, at.exception
    assert table_with(at, "Unchanged rows")[["New rows", "Changed rows", "Unchanged rows"]].values.tolist() == [[0, 0, 4]]
    assert any("already in the database, unchanged, so there is nothing to import" in i.value for i in at.info)
    assert [b.key for b in at.button if b.key == "import"] == []
    assert not [s for s in at.success if "Imported" in s.value]  # new files: the last result has been read
    with engine.connect() as conn:
        assert conn.execute(text("SELECT file_name FROM import_batch WHERE table_name = 'meeting' AND kind = 'upload'")).scalars().all() == [
            "meetings.csv"]
    engine.dispose()


def test_undo_names_the_import_and_waits_for_confirmation(own_db):
    engine = eng.make_engine(own_db)
    before = writes.existing(engine, "meetings").height
    data = MEETINGS.replace(b"2023-", b"2024-")
    at = data_page()
    at.file_uploader(key="upload_0").set_value([("my meetings.csv", data, "text/csv")]).run()
    at.button(key="import").click().run()
    at.selectbox(key="undo_table").set_value("meetings").run()
    named = next(t.value for t in at.text if t.value.startswith("The last import of meetings is"))
    assert re.fullmatch(r"The last import of meetings is my meetings\.csv, imported on \d{1,2} [A-Z][a-z]+ 20\d\d at "
                        r"\d\d:\d\d by open mode: 4 new rows and 0 changed rows\.", named), named
    at.button(key="undo").click().run()
    assert not at.exception, at.exception
    assert any("The 4 rows it added will be removed." in w.value for w in at.warning)
    assert writes.existing(engine, "meetings").height == before + 4  # asked, not yet done
    at.button(key="undo_cancel").click().run()
    assert not [b for b in at.button if b.key == "undo_confirm"]
    assert writes.existing(engine, "meetings").height == before + 4
    at.button(key="undo").click().run()
    at.button(key="undo_confirm").click().run()
    assert not at.exception, at.exception
    assert writes.existing(engine, "meetings").height == before
    assert "Undid the import of my meetings" in at.success[0].value
    engine.dispose()


def test_the_upload_limit_is_the_same_on_the_page_the_widget_and_the_server(own_db):
    import tomllib

    from dashboard.domain import imports

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == imports.DEFAULT_MAX_MB
    at = data_page()
    widget = at.file_uploader(key="upload_0")
    assert f"up to {imports.DEFAULT_MAX_MB} MB each" in widget.label
    assert widget.proto.max_upload_size_mb == imports.DEFAULT_MAX_MB


POLICEUK = ROOT / "sample_data" / "policeuk"


def test_a_policeuk_file_is_imported_on_the_page_and_an_unmatched_neighbourhood_is_kept(own_db):
    engine = eng.make_engine(own_db)
    at = data_page()
    at.radio(key="upload_source").set_value("policeuk").run()
    assert not [u for u in at.file_uploader if u.key.startswith("upload_")]  # one uploader at a time
    at.file_uploader(key="policeuk_0").set_value(
        [("priorities.json", (POLICEUK / "example_E05014053_priorities.json").read_bytes(), "application/json")]).run()
    assert any("Give the neighbourhood id" in i.value for i in at.info)  # nothing is checked without it
    at.text_input(key="policeuk_neighbourhood").set_value("E05014053").run()
    assert not at.exception, at.exception
    assert table_with(at, "Unchanged rows")[["Table", "New rows", "Changed rows"]].values.tolist() == [["promises", 3, 0]]
    assert "matches no promise category" in " ".join(table_with(at, "Problem")["Problem"])  # the fourth, as a note
    at.button(key="import").click().run()
    assert not at.exception, at.exception
    assert "Imported: promises 3 new" in at.success[0].value
    assert writes.existing(engine, "promises").filter(pl.col("promise_ref").str.starts_with("PUK-E05014053")).height == 3
    # An events file for a neighbourhood that is no ward: nothing imported, the id kept with the history.
    at.radio(key="policeuk_kind").set_value("events")
    at.text_input(key="policeuk_neighbourhood").set_value("HEATHROW")
    at.file_uploader(key="policeuk_1").set_value(
        [("heathrow events.json", (POLICEUK / "example_E05014053_events.json").read_bytes(), "application/json")]).run()
    assert not at.exception, at.exception
    assert any(t.value.startswith("Nothing in this file can be imported: the neighbourhood id HEATHROW") for t in at.text)
    assert not [d for d in at.dataframe if "Unchanged rows" in d.value.columns and "Imported at" not in d.value.columns]  # nothing to preview
    at.button(key="import").click().run()
    assert not at.exception, at.exception
    assert any("its 3 events are for neighbourhood HEATHROW" in i.value for i in at.info)
    kept = table_with(at, "Items not imported")
    assert kept[["Neighbourhood (police.uk)", "Holds", "File", "Items not imported"]].values.tolist() == [
        ["HEATHROW", "events", "heathrow events.json", 3]]
    engine.dispose()
