"""The server's allocator settings: freed memory handed back unless someone chose otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

from dashboard.app import allocator


def test_nothing_set_or_polars_default_inherited_becomes_hand_back():
    assert allocator.settings(None) == allocator.HAND_BACK
    assert allocator.settings("") == allocator.HAND_BACK
    # A parent Python process that imported polars passes its default on: not a choice anyone made.
    assert allocator.settings("dirty_decay_ms:500,muzzy_decay_ms:1000") == allocator.HAND_BACK


def test_a_value_someone_chose_is_kept():
    assert allocator.settings("narenas:1") == "narenas:1"
    env = {"_RJEM_MALLOC_CONF": "dirty_decay_ms:100"}
    allocator.configure(env)
    assert env == {"_RJEM_MALLOC_CONF": "dirty_decay_ms:100"}


def test_polars_still_writes_the_default_this_module_expects():
    # If a new polars changes its default, the inherited value would be kept as if chosen.
    env = {k: v for k, v in os.environ.items() if k != allocator.VARIABLE}
    out = subprocess.run([sys.executable, "-c", "import os, polars; print(os.environ['_RJEM_MALLOC_CONF'])"],
                         env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == allocator.POLARS_DEFAULT
