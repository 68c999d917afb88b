"""The README's deployment recipe, started for real: Debian's nginx with deploy/nginx.conf in front
of two app processes on one PostgreSQL database. The page works through it (Streamlit's websocket
included) and the metrics address is closed at the door."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, _free_port, serve
from tests.e2e.pages import settle
from tests.postgres import copy_of_database

pytestmark = pytest.mark.e2e
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except urllib.error.URLError:  # not listening yet
        return 0


def test_two_processes_behind_nginx_serve_the_app_and_close_the_metrics(seeded_postgres_template, visit, tmp_path):
    if not os.path.exists(NGINX):
        (pytest.fail if os.environ.get("CI") else pytest.skip)("nginx is not installed (apt-get install nginx-light)")
    ports = [_free_port(), _free_port()]
    front = _free_port()
    recipe = (ROOT / "deploy" / "nginx.conf").read_text()
    recipe = recipe.replace("127.0.0.1:8501", f"127.0.0.1:{ports[0]}").replace("127.0.0.1:8502", f"127.0.0.1:{ports[1]}")
    recipe = recipe.replace("listen 8080;", f"listen 127.0.0.1:{front};")
    (tmp_path / "site.conf").write_text(recipe)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path}/body;\n  proxy_temp_path {tmp_path}/proxy;\n"
        f"  fastcgi_temp_path {tmp_path}/fastcgi;\n  uwsgi_temp_path {tmp_path}/uwsgi;\n  scgi_temp_path {tmp_path}/scgi;\n"
        f"  include {tmp_path}/site.conf;\n}}\n")
    proxy_env = {"WARD_PANEL_PROXY_HEADER": "X-Forwarded-For"}
    with copy_of_database(seeded_postgres_template) as url, \
            serve(url, tmp_path / "a.log", port=ports[0], env=proxy_env), serve(url, tmp_path / "b.log", port=ports[1], env=proxy_env):
        nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{front}"
            deadline = time.monotonic() + 20
            while _status(f"{base}/_stcore/health") != 200:
                assert nginx.poll() is None, nginx.stdout.read().decode()
                assert time.monotonic() < deadline, (tmp_path / "error.log").read_text()
                time.sleep(0.2)
            for path in ("/_stcore/metrics", "/_STCORE/metrics", "/x/_stcore/metrics?families=cache_memory_bytes"):
                assert _status(base + path) == 404, path
            page = visit.page
            page.goto(f"{base}/coverage?borough=Hackney")
            settle(page)
            expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
            expect(page.get_by_test_id("stException")).to_have_count(0)
            assert visit.outside == [], visit.outside
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)
