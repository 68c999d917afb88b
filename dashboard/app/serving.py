"""How the app is served: Streamlit's internal endpoints that answer without sign-in are closed.

``serve.py`` wraps the app in :class:`CloseInternalEndpoints` and sets ``SERVED_ENV``;
``streamlit_app.py`` asks :func:`serving_problem` first and serves nothing if the endpoints may
be open. Imports nothing of Streamlit's, so it can be tested on its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

SERVED_ENV = "WARD_PANEL_SERVED_BY"  # set by serve.py; or "proxy" when a proxy closes the endpoints

# Streamlit's metrics (cache names and sizes, script timings, session counts), at any base path.
CLOSED = re.compile(r"(^|/)_stcore/metrics/?$", re.IGNORECASE)


def closes(path: str) -> bool:
    """Whether ``path`` (as the ASGI server received it) is one of the closed endpoints."""
    return bool(CLOSED.search(re.sub(r"/{2,}", "/", path)))


class CloseInternalEndpoints:
    """ASGI middleware: answer 404 for the closed endpoints before Streamlit sees the request."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and closes(scope.get("path", "")):
            await send({"type": "http.response.start", "status": 404,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": b"Not found"})
            return
        await self.app(scope, receive, send)


def serving_problem(environ: Mapping[str, str]) -> str | None:
    """Why the app must not serve data as it was started, or None when it may."""
    if environ.get(SERVED_ENV, "").strip():
        return None
    return (
        "This copy of the Ward Panel Monitor was started with `streamlit run streamlit_app.py`, "
        "which leaves Streamlit's metrics address (/_stcore/metrics) open to anyone who can reach "
        "the app. Start it with `streamlit run serve.py`, which closes it. If a proxy in front of "
        f"the app already blocks /_stcore/metrics, set {SERVED_ENV}=proxy instead."
    )
