"""Sign-in through a real OpenID Connect flow in chromium, with roles scoped to boroughs.

A local OpenID Connect provider (the oidc-provider-mock package) runs on 127.0.0.1 on a free
port; the app runs with a temporary secrets file whose ``[auth]`` points at it, and a role
mapping naming a Hackney viewer and an administrator. Each test signs in through the provider's
own form and checks what that user can see and do. Nothing leaves 127.0.0.1: the provider's form
links a stylesheet on a CDN, and the browser is stopped from fetching it.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LOCAL_HOSTS, Visit, _free_port, serve
from tests.e2e.pages import settle

pytestmark = pytest.mark.e2e

VIEWER = "viewer@hackney.example.org"
ADMIN = "admin@mopac.example.org"
ROLES = f"""
[[rule]]
email = "{VIEWER}"
role = "borough_viewer"
boroughs = ["Hackney"]

[[rule]]
group = "ward-panel-admins"
role = "administrator"
"""


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """oidc-provider-mock on 127.0.0.1; the administrator's group comes in a ``groups`` claim."""
    import werkzeug.serving
    from oidc_provider_mock import User, app

    # Only a verified e-mail maps to a role: the provider says so for the viewer. (A user typed into
    # the provider's form gets an unverified e-mail claim.)
    wsgi = app(require_nonce=False, user_claims=[
        User(sub=ADMIN, claims={"email": ADMIN, "groups": ["ward-panel-admins"]}),
        User(sub=VIEWER, claims={"email": VIEWER, "email_verified": True}),
    ])
    server = werkzeug.serving.make_server("127.0.0.1", _free_port(), wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="module")
def signed_app_url(provider, seeded_sqlite_url, tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("sign_in")
    database = folder / "own.sqlite"  # downloads here are audited: keep the shared database as seeded
    shutil.copy(seeded_sqlite_url.removeprefix("sqlite:///"), database)
    port = _free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-that-is-long-enough-0123456789"\n'
        'client_id = "ward-panel-monitor"\n'
        'client_secret = "not-a-real-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    roles = folder / "roles.toml"
    roles.write_text(ROLES)
    with serve(f"sqlite:///{database}", folder / "streamlit.log", port=port, args=("--secrets.files", str(secrets)),
               env={"WARD_PANEL_ROLES": str(roles)}) as url:
        yield url


@pytest.fixture
def local_visit(browser) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    blocked: list[str] = []

    def only_local(route):
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    visit = Visit(context.new_page())
    visit.blocked = blocked
    yield visit
    context.close()


def sign_in(page: Page, app_url: str, *, as_user: str, predefined: bool = False) -> None:
    page.goto(app_url)
    expect(page.get_by_text("Sign in with your organisation's account")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)  # nothing of the data before sign-in
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Authorize Client")).to_be_visible(timeout=30_000)  # the provider's own form
    if predefined:
        page.get_by_role("button", name=as_user).click()
    else:
        page.locator("input[name=sub]").fill(as_user)
        page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_text(f"Signed in as {as_user}")).to_be_visible(timeout=60_000)
    settle(page)


def test_a_borough_viewer_signs_in_and_sees_only_hackney(signed_app_url, local_visit):
    page = local_visit.page
    sign_in(page, signed_app_url, as_user=VIEWER, predefined=True)
    expect(page.get_by_text(f"Signed in as {VIEWER}: borough viewer, Hackney")).to_be_visible()
    expect(page.locator('[data-testid="stMain"] h2').first).to_contain_text("Hackney: ")
    expect(page.get_by_text("Sign-in is not configured")).to_have_count(0)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text("Overview")).to_be_visible()
    expect(nav.get_by_text("Audit log")).to_have_count(0)
    # A link to Camden still shows Hackney: the only borough this user may see.
    page.goto(f"{signed_app_url}/overview?borough=Camden")
    settle(page)
    expect(page.locator('[data-testid="stMain"] h2').first).to_contain_text("Hackney: ")
    page.goto(f"{signed_app_url}/data")
    settle(page)
    expect(page.get_by_text("Your role lets you read the data, not change it")).to_be_visible()
    expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_have_count(0)
    page.goto(f"{signed_app_url}/audit")  # not theirs: the app opens the Overview instead
    settle(page)
    expect(page.locator('[data-testid="stMain"] h1').first).not_to_have_text("Audit log")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    local_visit.screenshot("sign_in_borough_viewer")
    # The only outside address asked for was the provider form's stylesheet, and it was blocked.
    assert all("picocss" in u for u in local_visit.outside), local_visit.outside
    assert set(local_visit.outside) <= set(local_visit.blocked)


def test_an_administrator_downloads_a_pack_and_finds_it_in_the_audit_log(signed_app_url, local_visit, tmp_path):
    page = local_visit.page
    sign_in(page, signed_app_url, as_user=ADMIN, predefined=True)
    expect(page.get_by_text(f"Signed in as {ADMIN}: administrator, all of London")).to_be_visible()
    page.goto(f"{signed_app_url}/briefing?borough=Hackney")
    settle(page)
    local_visit.screenshot("sign_in_administrator_briefing")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the PDF").click()
    assert download.value.suggested_filename.startswith("ward-panel-briefing_hackney_")
    page.goto(f"{signed_app_url}/data")
    settle(page)
    expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_be_attached()
    page.goto(f"{signed_app_url}/audit")
    settle(page)
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text("Audit log")
    expect(page.get_by_role("button", name="Download the audit log (CSV)")).to_be_visible()
    with page.expect_download() as log_download:
        page.get_by_role("button", name="Download the audit log (CSV)").click()
    log = tmp_path / "audit.csv"
    log_download.value.save_as(log)
    text = log.read_text(encoding="utf-8-sig")
    assert f"{ADMIN},download,briefing pack ward-panel-briefing_hackney_" in text
    local_visit.screenshot("sign_in_administrator_audit")
    assert all("picocss" in u for u in local_visit.outside), local_visit.outside
