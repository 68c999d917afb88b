"""Sign-in and roles as a user meets them, in AppTest.

AppTest cannot sign in through a provider, so the signed-in user's claims come from the test
hook (``WARD_PANEL_TEST_USER``, an environment variable of the server process) while their role
comes from a real role mapping file (``WARD_PANEL_ROLES``). The browser test in tests/e2e signs
in for real.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.app import access as acc

ROOT = Path(__file__).resolve().parents[2]
HACKNEY, CAMDEN = "E09000012", "E09000007"

MAPPING = """
[[rule]]
email = "viewer@hackney.example.org"
role = "borough_viewer"
boroughs = ["Hackney"]

[[rule]]
email = "steward@hackney.example.org"
role = "data_steward"
boroughs = ["Hackney"]

[[rule]]
group = "admins"
role = "administrator"
"""


@pytest.fixture
def roles(app_env, tmp_path, monkeypatch):
    path = tmp_path / "roles.toml"
    path.write_text(MAPPING)
    monkeypatch.setenv("WARD_PANEL_ROLES", str(path))

    def sign_in(email: str, **claims) -> None:
        monkeypatch.setenv(acc.TEST_USER_ENV, json.dumps({"email": email, "email_verified": True, **claims}))

    return sign_in


def start(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def metrics_of(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.sqlite_only("the banner comes from a setting, not the database")
def test_open_mode_says_so_on_every_page(app_env):
    for page in (None, "pages/data.py", "pages/diversity.py"):
        at = start(page)
        assert not at.exception
        assert any("Sign-in is not configured" in w.value for w in at.warning), page


def test_with_auth_configured_nothing_shows_before_sign_in(app_env):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 40,
                          "client_id": "c", "client_secret": "s",
                          "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.dataframe
    assert not any("Sign-in is not configured" in w.value for w in at.warning)


def test_a_borough_viewer_sees_only_their_borough(roles):
    roles("viewer@hackney.example.org")
    at = start(borough="Camden")  # a link to another borough falls back to their own
    assert not at.exception
    assert at.sidebar.selectbox(key="borough").options == ["Hackney"]
    assert metrics_of(at)["Met wards"] == "21"  # Hackney's 21 (Camden has 20)
    assert at.header[0].value.startswith("Hackney: ")
    assert any("borough viewer, Hackney" in c.value for c in at.sidebar.caption)
    assert not any("Sign-in is not configured" in w.value for w in at.warning)


def test_a_borough_viewer_cannot_import_or_read_the_audit_log(roles):
    roles("viewer@hackney.example.org")
    at = start("pages/data.py")
    assert not at.exception
    assert not at.get("file_uploader")
    assert any("not change it" in i.value for i in at.info)
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    # Not in their menu; and the page itself refuses anyone who reaches it (AppTest can).
    assert [e.value for e in at.error] == ["Only administrators may read the audit log."]
    assert not at.dataframe


def test_a_steward_may_upload_for_their_borough(roles):
    roles("steward@hackney.example.org")
    at = start("pages/data.py")
    assert not at.exception
    assert len(at.get("file_uploader")) == 1
    assert any("You may import rows for Hackney only" in c.value for c in at.caption)


def test_the_diversity_page_holds_only_their_members(roles):
    roles("viewer@hackney.example.org")
    at = start("pages/diversity.py")
    assert not at.exception
    assert at.subheader[0].value.startswith("Hackney: members on ")


def test_a_steward_sees_exact_member_counts_and_a_viewer_the_published_ones(roles):
    """Small counts on screen only for those who load the member records; a viewer's screen is what
    a download shows (Hackney's panels have sectors with 1 to 4 members)."""
    hidden = {"fewer than 5", "withheld"}

    def sectors_by_panel(email: str) -> list:
        roles(email)
        at = start("pages/diversity.py", borough="Hackney")
        assert not at.exception
        table = next(d.value for d in at.dataframe if "Resident" in d.value.columns)
        return [str(x) for col in ("Business", "School", "Youth", "Agency") for x in table[col]]

    exact = sectors_by_panel("steward@hackney.example.org")
    assert any(n in {"1", "2", "3", "4"} for n in exact) and not hidden & set(exact)
    shown = sectors_by_panel("viewer@hackney.example.org")
    assert not {"1", "2", "3", "4"} & set(shown) and hidden & set(shown)
    assert len(shown) == len(exact) and all(a == b for a, b in zip(shown, exact) if a not in hidden)


def test_a_signed_in_stranger_is_told_they_have_no_access(roles):
    roles("stranger@example.org", groups=["staff"])
    at = start()
    assert not at.exception
    assert "stranger@example.org" in at.error[0].value and "not been given access" in at.error[0].value
    assert not at.metric


def test_an_administrator_reads_the_audit_log(roles, writable_url, monkeypatch):
    from data_access import audit
    from data_access import engine as eng

    monkeypatch.setenv("DATABASE_URL", writable_url)  # a private copy: the shared database stays as seeded
    engine = eng.make_engine(writable_url)
    audit.record(engine, "viewer@hackney.example.org", audit.DOWNLOAD, "diversity_panels_E09000012_2023-12-31.csv", 21)
    engine.dispose()
    roles("boss@example.org", groups=["admins"])
    at = start("pages/audit.py")
    assert not at.exception
    assert at.title[0].value == "Audit log"
    log = at.dataframe[0].value
    assert "diversity_panels_E09000012_2023-12-31.csv" in list(log["What"])


def test_a_steward_upload_with_a_camden_row_is_refused_and_their_own_is_audited(roles, writable_url, monkeypatch):
    from data_access import audit, writes
    from data_access import engine as eng

    monkeypatch.setenv("DATABASE_URL", writable_url)
    roles("steward@hackney.example.org")
    data = (b"ward_code,held_on,attendees,public_attendees,dwo_present,promises_reviewed,minutes_published,format\n"
            b"E05009367,2024-01-10,12,3,yes,yes,yes,online\n"   # Brownswood, Hackney
            b"E05013652,2024-01-11,9,2,yes,no,yes,in person\n")  # Belsize, Camden
    engine = eng.make_engine(writable_url)
    before = writes.existing(engine, "meetings").height
    at = start("pages/data.py")
    at.file_uploader(key="upload_0").set_value([("two boroughs.csv", data, "text/csv")]).run()
    assert not at.exception
    # Said before any Import button is offered; data_access refuses it again on write (tests/db).
    assert r"row 3 \(E05013652, Camden\) is outside the boroughs you may change" in at.error[0].value
    assert [b.key for b in at.button if b.key == "import"] == []
    assert writes.existing(engine, "meetings").height == before
    # Only the Hackney row: imported, and audited under the steward's name.
    at.file_uploader(key="upload_0").set_value([("hackney.csv", data.rsplit(b"E05013652", 1)[0].rsplit(b"\n", 1)[0] + b"\n",
                                               "text/csv")]).run()
    at.button(key="import").click().run()
    assert not at.exception
    assert "meetings 1 new" in at.success[0].value
    assert writes.existing(engine, "meetings").height == before + 1
    event = audit.events(engine).row(0, named=True)
    assert (event["who"], event["action"], event["rows"]) == ("steward@hackney.example.org", "import", 1)
    engine.dispose()


def test_with_sign_in_required_the_public_ward_page_stays_open_with_its_promises(app_env):
    """A resident who has not signed in (and never will) still sees the ward's page."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 40,
                          "client_id": "c", "client_secret": "s",
                          "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}
    at.query_params["ward"] = "E05014053"
    at.run()
    at.switch_page("pages/ward.py").run()
    assert not at.exception
    assert at.header[0].value == "Abbey, Barking and Dagenham"
    # its promises, read London-wide whoever is looking
    assert any(m.value.startswith("- **") and "(set on " in m.value for m in at.markdown)
    assert not any(b.label == "Sign in" for b in at.button)


def test_a_borough_viewer_cannot_review_residents_concerns(roles):
    roles("viewer@hackney.example.org")
    at = start("pages/data.py")
    assert not at.exception
    assert not any("Accept" in str(b.label) for b in at.button)
    assert any("Data stewards and administrators review the concerns" in c.value for c in at.caption)


@pytest.fixture
def secrets_file(tmp_path):
    """Point Streamlit's secrets at a file of the test's own (restored afterwards)."""
    from streamlit import config
    from streamlit.runtime.secrets import secrets_singleton

    before = config.get_option("secrets.files")
    path = tmp_path / "secrets.toml"
    config.set_option("secrets.files", [str(path)])
    secrets_singleton._reset()
    yield path
    config.set_option("secrets.files", before)
    secrets_singleton._reset()


def shows_no_data(at: AppTest) -> bool:
    return not at.metric and not at.dataframe and not at.get("plotly_chart") and not at.get("deck_gl_json_chart")


def test_a_malformed_secrets_file_serves_nothing_even_in_open_mode(app_env, secrets_file):
    """DATABASE_URL set, WARD_PANEL_OPEN=1 (conftest), and a secrets file with a TOML error: sign-in
    may be configured in it, so no figure is served and the page says what to fix."""
    secrets_file.write_text('[auth]\nredirect_uri = "http://127.0.0.1:8501/oauth2callback\ncookie_secret = "x"\n')
    for page in (None, "pages/diversity.py", "pages/data.py", "pages/ward.py"):
        at = start(page)
        assert not at.exception
        assert shows_no_data(at), page
        assert any("secrets file cannot be read" in e.value for e in at.error), [e.value for e in at.error]
        assert not any("Sign-in is not configured" in w.value for w in at.warning)


def test_an_incomplete_auth_section_serves_nothing(app_env):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "client_id": "c"}
    at.run()
    assert not at.exception and shows_no_data(at)
    assert any("incomplete" in e.value and "cookie_secret" in e.value for e in at.error)
    assert not at.button  # not even a sign-in button that could not work


def test_a_shared_database_without_sign_in_serves_nothing_unless_open_mode_is_chosen(app_env, monkeypatch):
    monkeypatch.delenv("WARD_PANEL_OPEN")
    at = start()
    assert not at.exception and shows_no_data(at)
    assert any("WARD_PANEL_OPEN=1" in e.value for e in at.error)
    monkeypatch.setenv("WARD_PANEL_OPEN", "1")
    at = start()
    assert not at.exception and metrics_of(at)["Met wards"] == "679"
    assert any("WARD_PANEL_OPEN setting asks for it" in w.value for w in at.warning)


def test_an_unverified_email_gets_no_role(roles):
    roles("steward@hackney.example.org", email_verified=False)
    at = start()
    assert not at.exception and shows_no_data(at)
    assert any("not marked verified" in e.value for e in at.error)


def test_a_hackney_steward_cannot_rewrite_a_camden_promise_from_the_data_page(roles, writable_url, monkeypatch):
    """The Data page refuses a file that reuses another borough's promise reference, before the
    Import button and without a preview (whose "changed" would say the reference exists)."""
    from sqlalchemy import text as sql

    from data_access import engine as eng

    monkeypatch.setenv("DATABASE_URL", writable_url)
    engine = eng.make_engine(writable_url)
    with engine.connect() as conn:
        ref, words = conn.execute(sql(
            "SELECT p.promise_ref, p.description FROM promise p JOIN ward w ON w.code = p.ward_code "
            "WHERE w.borough_code = 'E09000007' ORDER BY p.promise_ref LIMIT 1")).one()
    roles("steward@hackney.example.org")
    at = start("pages/data.py")
    header = "promise_ref,ward_code,set_on,category,origin,description,status,closed_on,outcome,feedback_published_on,internal\n"
    data = (header + f"{ref},E05009367,2023-06-01,drugs,panel,Hijacked,open,,,,no\n").encode()
    at.file_uploader(key="upload_0").set_value([("promises.csv", data, "text/csv")]).run()
    assert not at.exception
    refusal = " ".join(e.value for e in at.error)
    assert "row 2" in refusal and "may not change" in refusal and "nothing in this file was imported" in refusal
    assert words not in refusal
    assert not [b for b in at.button if b.key == "import"]
    assert not any("unchanged" in d.value.columns for d in at.dataframe)  # no preview for a refused file
    with engine.connect() as conn:
        assert conn.execute(sql("SELECT description FROM promise WHERE promise_ref = :r"), {"r": ref}).scalar_one() == words
    engine.dispose()


def test_started_without_serve_py_no_page_serves_data(app_env, monkeypatch):
    """`streamlit run streamlit_app.py` leaves Streamlit's metrics address open: nothing is served,
    whichever page is asked for, until the app is started with serve.py (or a proxy closes it)."""
    monkeypatch.delenv("WARD_PANEL_SERVED_BY")
    for page in (None, "pages/ward.py"):
        at = start(page)
        assert not at.exception and shows_no_data(at)
        assert any("streamlit run serve.py" in e.value for e in at.error), [e.value for e in at.error]
    monkeypatch.setenv("WARD_PANEL_SERVED_BY", "proxy")
    at = start()
    assert not at.exception and metrics_of(at)["Met wards"] == "679"


def test_a_download_is_audited_once_when_its_bytes_are_served_and_never_otherwise(roles, app_env, monkeypatch):
    """Showing the page or clicking records nothing; each serving of the file records one event (who,
    which file, how many rows); a serving that fails records nothing."""
    import streamlit.testing.v1.app_test as app_test_module

    from dashboard.app import ui
    from data_access import audit
    from data_access import engine as eng
    from tests.app.test_nothing_leaks import _download_bytes, _RecordingFiles

    monkeypatch.setattr(app_test_module, "MediaFileManager", _RecordingFiles)
    engine = eng.make_engine(app_env)
    viewer = "viewer@hackney.example.org"

    def served() -> list[tuple]:
        log = audit.events(engine).filter((pl.col("who") == viewer) & (pl.col("action") == audit.DOWNLOAD))
        return log.select("what", "rows").rows()

    before = served()
    roles(viewer)
    at = start("pages/diversity.py", borough="Hackney")
    assert not at.exception
    button = next(b for b in at.get("download_button") if b.proto.label and "sectors_by_panel" in (b.proto.id or ""))
    assert served() == before  # the page was shown: nothing served
    name, data = _download_bytes(button)  # the browser asks for the file: it is made and served
    assert name.startswith("sectors_by_panel_E09000012_") and data.startswith(b"\xef\xbb\xbfWard,")
    rows = data.count(b"\n") - 1  # one a panel open in Hackney
    assert rows >= 15 and served() == [(name, rows), *before]  # recorded once
    monkeypatch.setattr(ui, "safe_csv", lambda frame: 1 / 0)  # a serving that fails
    with pytest.raises(ZeroDivisionError):
        _download_bytes(button)
    assert served() == [(name, rows), *before]
    engine.dispose()
