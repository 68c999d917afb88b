"""Long figures worked out in a worker process, so one visitor's first build does not slow the others.

Streamlit serves every session of a process from threads of one Python interpreter, and only one
thread runs Python at a time. The day's protected member counts (``privacy.publish``: suppression
and the attacker's linear programmes) take many seconds of CPU, nearly all of it holding that lock,
so while the first visitor of the day waited for them every other session of the process crawled
(its Python ran at about a fifth of its speed, measured). Run here, the work holds another process's
lock; the visitor's thread only waits on a pipe, and the process goes on serving everyone else.

The worker is one process per app process, started the first time it is needed (spawned, not forked:
forking a threaded server is unsafe), and kept; it exits within a second of its app process, however
that process ends. If it cannot be started or dies, the work is done on
the visitor's own thread as before, and the log says why; ``WARD_PANEL_WORKER=off`` does that always.
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import logging
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

WORKER_ENV = "WARD_PANEL_WORKER"
LOG = logging.getLogger("ward_panel_monitor")

_lock = threading.Lock()
_pool: cf.ProcessPoolExecutor | None = None


def enabled() -> bool:
    return os.environ.get(WORKER_ENV, "").strip().lower() not in ("off", "0", "no", "false")


def _executor() -> cf.ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = cf.ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                           initializer=_leave_with, initargs=(os.getpid(),))
            atexit.register(_forget, _pool)  # a clean stop while the interpreter can still run it
        return _pool


def _leave_with(parent: int) -> None:
    """In the worker: exit as soon as the app process that started it is gone. A process stopped
    cleanly stops its worker (``_forget`` at exit), but one killed outright cannot, and its worker
    would otherwise live on, holding its memory, for every restart of the app."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="leave with the app").start()


def _forget(pool: cf.ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def run(fn: Callable[..., T], *args) -> T:
    """``fn(*args)`` in the worker process (``fn`` a module-level function, ``args`` picklable).

    What ``fn`` raises is raised here. Where the worker cannot be used (it cannot be started, it
    died, the arguments cannot be sent), ``fn`` runs on this thread instead: slower for the others,
    never a different answer.
    """
    if not enabled():
        return fn(*args)
    pool = None
    try:
        pool = _executor()
        future = pool.submit(fn, *args)
    except (OSError, RuntimeError) as problem:  # RuntimeError: a pool already broken, or stopped
        LOG.warning("The worker process could not be started (%s); working on the page's own thread.", problem)
        if pool is not None:
            _forget(pool)  # the next call starts a new worker
        return fn(*args)
    try:
        return future.result()
    except (cf.process.BrokenProcessPool, pickle.PicklingError, OSError) as problem:
        LOG.warning("The worker process failed (%s: %s); working on the page's own thread.", type(problem).__name__, problem)
        _forget(pool)
        return fn(*args)
