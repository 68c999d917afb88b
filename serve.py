"""Serve the Ward Panel Monitor: ``streamlit run serve.py``.

Runs ``streamlit_app.py`` as a Streamlit ASGI app (``st.App``) with Streamlit's metrics endpoint
(``/_stcore/metrics``: cache names, timings, the number of sessions) closed, because Streamlit
answers it to anyone, signed in or not. ``streamlit_app.py`` serves nothing when it was started
another way, unless the administrator says a proxy closes the endpoint instead (README,
"Deploying behind a proxy").
"""

import os

from dashboard.app import allocator  # imports nothing heavy

# Before polars loads: hand freed memory back (dashboard/app/allocator.py).
allocator.configure(os.environ)

import streamlit as st  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from dashboard.app.serving import SERVED_ENV, CloseInternalEndpoints  # noqa: E402

os.environ[SERVED_ENV] = "serve.py"

app = st.App("streamlit_app.py", middleware=[Middleware(CloseInternalEndpoints)])
