"""How polars' allocator (jemalloc) is set up in the server. Imports nothing heavy:
streamlit_app.py calls it before polars loads, which is when jemalloc reads its settings.

Left to itself jemalloc keeps freed memory for reuse; at --scale 10 that held about 40 MB of
the server's peak. A value already in the environment wins, except polars' own default:
importing polars writes that into the environment, so a server started by a Python process
that had loaded polars (a benchmark, a test fixture) inherits it, which cost the server about
50 MB of peak memory at --scale 10.
"""

from __future__ import annotations

from collections.abc import MutableMapping

VARIABLE = "_RJEM_MALLOC_CONF"
POLARS_DEFAULT = "dirty_decay_ms:500,muzzy_decay_ms:1000"  # what polars writes when nothing is set
HAND_BACK = "background_thread:true,dirty_decay_ms:0,muzzy_decay_ms:0"  # return freed memory at once


def settings(current: str | None) -> str:
    """The allocator settings to use, given what the environment holds (None: nothing)."""
    return HAND_BACK if current in (None, "", POLARS_DEFAULT) else current


def configure(environ: MutableMapping[str, str]) -> None:
    environ[VARIABLE] = settings(environ.get(VARIABLE))
