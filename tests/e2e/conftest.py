"""The real app in a real browser: `streamlit run` on a free port, driven by Debian's chromium.

Chromium is Debian's (`apt-get install chromium`): Playwright cannot download its own browser
here. Without it these tests skip locally and fail on CI, like the PostgreSQL tests.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(database_url: str, log: Path, *, port: int | None = None, args: tuple[str, ...] = (),
          env: dict[str, str] | None = None, script: str = "serve.py") -> Iterator[str]:
    """`streamlit run serve.py` (or ``script``) on a free port until the block ends; yields its URL.

    ``args`` are more ``streamlit run`` options (e.g. ``--secrets.files``), ``env`` more variables.
    """
    port = port or _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, **(env or {})}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", *args],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if proc.returncode not in (0, -15, None):
            print(log.read_text())


@pytest.fixture(scope="session")
def app_url(seeded_sqlite_url, tmp_path_factory) -> Iterator[str]:
    with serve(seeded_sqlite_url, tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic", "--use-gl=angle", "--use-angle=swiftshader",
                  "--enable-unsafe-swiftshader"],
        )
        yield b
        b.close()


class Visit:
    """A browser page that records every request and console error it sees."""

    def __init__(self, page):
        self.page = page
        self.outside: list[str] = []
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        page.on("request", self._request)
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}"))
        page.on("console", self._console)

    def _console(self, message):
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        # Opening a page by its own address (/coverage), Streamlit's frontend first probes
        # /coverage/_stcore/health and /host-config for a base path, gets 404, then uses /.
        # That probe is Streamlit's, not ours; every other error counts.
        if url.endswith(("/_stcore/health", "/_stcore/host-config")):
            return
        self.console_errors.append(f"{message.text} ({url})" if url else message.text)

    def _request(self, request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            return
        self.outside.append(request.url)

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def visit(browser) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1400, "height": 2000})
    page = context.new_page()
    yield Visit(page)
    context.close()
