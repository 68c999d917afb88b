"""Streamlit's metrics address is closed by serve.py, and the app refuses to serve data otherwise."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from dashboard.app.serving import SERVED_ENV, CloseInternalEndpoints, closes, serving_problem


@pytest.mark.parametrize("path", ["/_stcore/metrics", "/_stcore/metrics/", "//_stcore//metrics",
                                  "/panels/_stcore/metrics", "/_STCORE/Metrics"])
def test_the_metrics_address_is_closed_however_it_is_written(path):
    assert closes(path)


@pytest.mark.parametrize("path", ["/", "/_stcore/health", "/_stcore/stream", "/coverage",
                                  "/app/static/favicon.png", "/_stcore/metrics-help"])
def test_other_addresses_are_left_to_streamlit(path):
    assert not closes(path)


def _call(path: str) -> tuple[list[dict], list[str]]:
    reached: list[str] = []
    sent: list[dict] = []

    async def inner(scope, receive, send):
        reached.append(scope["path"])

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    # In a thread of its own: a browser test in the same worker may have left an event loop running here.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, CloseInternalEndpoints(inner)({"type": "http", "path": path}, receive, send)).result()
    return sent, reached


def test_the_middleware_answers_404_without_reaching_streamlit():
    sent, reached = _call("/_stcore/metrics")
    assert reached == []
    assert sent[0]["status"] == 404 and b"cache" not in sent[1]["body"]
    sent, reached = _call("/_stcore/health")
    assert reached == ["/_stcore/health"] and sent == []


def test_started_without_serve_py_the_app_serves_nothing_and_says_how_to_start_it():
    problem = serving_problem({})
    assert "streamlit run serve.py" in problem and f"{SERVED_ENV}=proxy" in problem
    assert serving_problem({SERVED_ENV: "   "}) is not None
    assert serving_problem({SERVED_ENV: "serve.py"}) is None
    assert serving_problem({SERVED_ENV: "proxy"}) is None
