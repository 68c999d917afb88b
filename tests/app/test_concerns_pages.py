"""Community concerns in the app: the map measure, and the public ward page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def start(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_borough_map_colours_wards_by_how_far_promises_follow_concerns(app_env):
    at = start()
    at.switch_page("pages/borough_map.py").run()
    at.selectbox(key="map_metric").set_value("Promises follow concerns").run()
    assert not at.exception, at.exception
    title = at.subheader[0].value
    assert "wards' promises left out their residents' top concern" in title, title
    table = next(d.value for d in at.dataframe if "Promises follow concerns" in d.value.columns)
    labels = set(table["Promises follow concerns"])
    assert "No concerns recorded" in labels
    assert any(label.endswith("; top concern not promised") for label in labels)


# --- The public ward page ----------------------------------------------------------------------

import datetime as dt  # noqa: E402
import re  # noqa: E402

import polars as pl  # noqa: E402
import pytest  # noqa: E402
import streamlit as st  # noqa: E402
from sqlalchemy import text as sql  # noqa: E402

from dashboard.figures import concern_form as cf  # noqa: E402
from dashboard.figures import public_ward as pw  # noqa: E402
from data_access import engine as eng  # noqa: E402
from data_access import writes  # noqa: E402

ABBEY = "E05014053"


def ward_page(ward: str | None = ABBEY) -> AppTest:
    at = start(**({"ward": ward} if ward else {}))
    at.switch_page("pages/ward.py").run()
    assert not at.exception, at.exception
    return at


def everything_shown(at: AppTest) -> str:
    """Every piece of text the page put on screen, tables included."""
    # The sources footer's attribution lines ("- Source: ... Licence v.3.0") are left out.
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "success", "error", "warning")
             for e in at.get(kind) if isinstance(getattr(e, "value", None), str) and not e.value.startswith("- ")]
    for d in at.dataframe:
        parts.append(" ".join(map(str, d.value.columns)))
        parts.extend(str(x) for x in d.value.to_numpy().ravel())
    return "\n".join(parts)


RESTRICTED = re.compile(r"member_ref|M-E05\d{6}-\d{3}|ethnic_group|age_band|\bsex\b|is_chair|attendees|people_reached", re.I)
# A number that counts something: digits not part of a date ("3 November 2025") or a code.
COUNT_1_TO_4 = re.compile(
    r"(?<![\w/-])[1-4](?![\w/%-])(?!\s+(?:January|February|March|April|May|June|July|August|September|October|November|December))"
)


def test_a_link_with_a_ward_code_opens_that_wards_page(app_env, through_the_entry_script):
    at = ward_page()
    assert at.header[0].value == "Abbey, Barking and Dagenham"
    assert at.selectbox(key="public_ward").value == ABBEY
    assert [s.value for s in at.subheader] == ["How to get involved", "When the panel meets", "Coming up in the next three months",
                                              "Your ward officers", "What the panel has promised", "You said, we did",
                                              "Raise a concern with the panel"]
    assert at.text[0].value == "Email abbey.wardpanel@example.org, or ask the ward officers at a contact session"
    meets = next(m.value for m in at.markdown if m.value.startswith("The panel last met on"))
    assert re.fullmatch(r"The panel last met on \d{1,2} [A-Z][a-z]+ 20\d\d\. The date of the next meeting has not been "
                        r"published yet\.", meets)
    # Promises are lines of text, which read whole on a phone: what, what came of it, when residents were told.
    assert not at.dataframe
    promised = next(m.value for m in at.markdown if m.value.startswith("- **") and "(set on " in m.value).splitlines()
    assert promised and all(re.fullmatch(r"- \*\*.+\*\*: .+ \(set on \d{1,2} [A-Z][a-z]+ 20\d\d\)", line) for line in promised)
    done = next(m.value for m in at.markdown if "Told residents on" in m.value)
    outcomes = re.findall(r"\n  \*\*([^*]+)\.\*\* ", done)
    assert outcomes and set(outcomes) <= set(pw.STATUS_WORDS.values())
    assert all(re.search(r"Told residents on \d{1,2} [A-Z][a-z]+ 20\d\d\.$", item) for item in done.split("\n- "))
    assert not at.metric
    # A visitor who is not signed in (here: open mode) gets no staff banner and nothing in the sidebar;
    # a staff page in the same session still has both.
    assert not [w for w in at.warning if "Sign-in is not configured" in w.value]
    assert not at.sidebar.children
    at.switch_page("pages/overview.py").run()
    assert [w for w in at.warning if "Sign-in is not configured" in w.value] and at.sidebar.children


def test_choosing_a_ward_puts_its_code_in_the_address(app_env):
    at = ward_page(None)
    assert "Choose your ward" in at.info[0].value
    at.selectbox(key="public_ward").set_value("E05009317").run()  # Bethnal Green
    assert not at.exception
    assert at.header[0].value == "Bethnal Green, Tower Hamlets"
    assert at.query_params["ward"] == ["E05009317"] or at.query_params["ward"] == "E05009317"


def test_unknown_or_city_ward_code_gets_a_plain_message(app_env):
    at = ward_page("E05999999")
    assert at.info[0].value == "We could not find that ward. Please choose your ward from the list."
    at = ward_page("<script>alert(1)</script>")
    assert "could not find" in at.info[0].value and "script" not in everything_shown(at)
    city = eng.make_engine(app_env)
    with city.connect() as conn:
        code = conn.execute(sql("SELECT code FROM ward WHERE borough_code = 'E09000001' LIMIT 1")).scalar()
    city.dispose()
    at = ward_page(code)
    assert "City of London Police" in at.info[0].value


@pytest.mark.parametrize("ward", ["E05014053", "E05009317", "E05013725", "E05011236", "E05000593", "E05013808"])
def test_the_rendered_page_shows_nothing_restricted(app_env, ward):
    at = ward_page(ward)
    shown = everything_shown(at)
    assert not RESTRICTED.search(shown), RESTRICTED.search(shown)
    body = shown.replace("101", "").replace("999", "")  # the police's phone numbers
    assert not COUNT_1_TO_4.search(body), body[COUNT_1_TO_4.search(body).start() - 60:][:120]
    for d in at.dataframe:
        assert set(d.value.columns) <= pw.PUBLIC_COLUMNS


# --- The concern form: refusals store nothing; a concern counts only once accepted --------------


@pytest.fixture
def writable_env(writable_url, monkeypatch) -> str:
    """A copy of the seeded database this test may write to (the shared one stays read-only)."""
    url = writable_url
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(ROOT)
    return url


def concern_rows(url: str) -> list[tuple]:
    engine = eng.make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sql("SELECT ward_code, source, category, count, note, status FROM concern "
                                "WHERE submitted_at IS NOT NULL ORDER BY id")).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def send(at: AppTest, category: str | None, text: str) -> AppTest:
    if category is not None:
        at.selectbox(key="concern_category").set_value(category)
    at.text_area(key="concern_text").set_value(text)
    next(b for b in at.get("button") if "Send to the ward panel" in str(b.proto.label)).click()
    return at.run()


@pytest.mark.parametrize(
    ("category", "text", "message"),
    [
        ("drugs", "", cf.EMPTY),
        ("drugs", "   ", cf.EMPTY),
        (None, "Dealing by the station", cf.NO_CATEGORY),
        ("drugs", "y" * 600, cf.TOO_LONG.format(n=600)),
        ("drugs", "<script>alert('x')</script>", cf.MARKUP),
        ("drugs", '<img src=x onerror="alert(1)">', cf.MARKUP),
    ],
    ids=["empty", "spaces", "no-category", "oversized", "script", "img-onerror"],
)
def test_the_form_refuses_with_a_clear_message_and_stores_nothing(writable_env, category, text, message):
    at = ward_page()
    at = send(at, category, text)
    assert not at.exception
    assert [e.value for e in at.error] == [message]
    assert not at.success
    assert concern_rows(writable_env) == []


def test_a_sent_concern_waits_then_counts_once_accepted(writable_env):
    from dashboard.domain.periods import period_ending
    from dashboard.figures import alignment as al
    from data_access import queries

    at = send(ward_page(), "road safety", "  Cars race down Movers Lane by the school <3 times a day>? No, all day.  ".replace("<3 times a day>", "three times a day"))
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("Thank you. Your concern was sent to the Abbey ward panel on ")
    assert concern_rows(writable_env) == [(ABBEY, "online", "road safety", 1, "Cars race down Movers Lane by the school three "
                                           "times a day? No, all day.", "pending")]
    assert at.text_area(key="concern_text").value in ("", None)  # the form is cleared for the next one

    engine = eng.make_engine(writable_env)
    wards = queries.wards(engine).filter(pl.col("ward_code") == ABBEY)
    import datetime as dt

    today = period_ending(dt.date.today(), "quarter")
    before = al.ward_alignment(queries.concerns(engine), queries.promises(engine), wards, today).row(0, named=True)
    assert before["concerns"] == 0  # pending: counts nowhere

    # A board member reviews it on the Data page: shown as text, then accepted.
    staff = start()
    staff.switch_page("pages/data.py").run()
    assert not staff.exception
    waiting = next(d.value for d in staff.dataframe if "What the resident wrote" in d.value.columns)
    assert list(waiting["What the resident wrote"]) == ["Cars race down Movers Lane by the school three times a day? No, all day."]
    next(b for b in staff.get("button") if "Accept" in str(b.proto.label)).click()
    staff.run()
    assert not staff.exception
    assert any("accepted" in s.value for s in staff.success)
    assert concern_rows(writable_env)[0][-1] == "accepted"
    after = al.ward_alignment(queries.concerns(engine), queries.promises(engine), wards, today).row(0, named=True)
    assert after["concerns"] == 1 and after["top_concerns"] == "road safety (1)"
    engine.dispose()


def test_markup_a_resident_slips_past_is_still_shown_to_staff_as_text(writable_env):
    import datetime as dt

    from data_access import writes

    engine = eng.make_engine(writable_env)
    writes.submit_concern(engine, ward_code=ABBEY, category="drugs", text_="**bold** [link](http://x) <b>tag</b>",
                          now=dt.datetime.now())
    engine.dispose()
    staff = start()
    staff.switch_page("pages/data.py").run()
    waiting = next(d.value for d in staff.dataframe if "What the resident wrote" in d.value.columns)
    assert list(waiting["What the resident wrote"]) == ["**bold** [link](http://x) <b>tag</b>"]
    assert not any("<b>tag</b>" in m.value or "**bold**" in m.value for m in staff.markdown)


def test_a_client_may_send_three_an_hour_whatever_its_browser_and_across_a_restart(writable_env):
    at = ward_page()
    for i in range(cf.CLIENT_LIMIT):
        at = send(at, "theft", f"Bikes stolen from the racks, report number {i + 10}")
        assert at.success, i
    at = send(at, "theft", "Bikes stolen again from the racks")
    assert [e.value for e in at.error] == [cf.TOO_MANY_CLIENT]
    # A second browser (a new session from the same address) and a restart (every cache dropped)
    # keep the count: it is in the database, not the browser session.
    st.cache_resource.clear()
    again = send(ward_page(), "theft", "Bikes stolen from the racks once more")
    assert [e.value for e in again.error] == [cf.TOO_MANY_CLIENT]
    assert len(concern_rows(writable_env)) == cf.CLIENT_LIMIT


def test_a_flood_on_one_ward_does_not_refuse_the_next_genuine_concern(writable_env):
    """Many senders (other addresses) fill the ward's hour: a resident's concern still goes in, to wait for review."""
    engine = eng.make_engine(writable_env)
    now = dt.datetime.now()
    for i in range(cf.WARD_LIMIT + 5):
        writes.submit_concern(engine, ward_code=ABBEY, category="drugs", text_=f"flood {i}", now=now,
                              client_key=cf.client_key(f"198.51.100.{i}", "flood"))
    engine.dispose()
    at = send(ward_page(), "road safety", "Cars speed past the primary school at home time")
    assert not at.error
    assert cf.BUSY_NOTE in at.success[0].value
    rows = concern_rows(writable_env)
    assert rows[-1] == (ABBEY, "online", "road safety", 1, "Cars speed past the primary school at home time", "pending")
