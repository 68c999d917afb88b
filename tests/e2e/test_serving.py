"""The server the README starts (`streamlit run serve.py`) closes Streamlit's metrics address."""

import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.e2e


def _status(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_metrics_answer_nobody_while_the_app_and_its_health_check_answer(app_url):
    for path in ("/_stcore/metrics", "/_stcore/metrics?families=session_state", "//_stcore/metrics"):
        status, body = _status(app_url + path)
        assert status == 404 and b"cache" not in body, path
    assert _status(app_url + "/_stcore/health")[0] == 200
    assert _status(app_url + "/")[0] == 200
    assert _status(app_url + "/app/static/favicon.png")[0] == 200  # the local map style is served
