"""The day's protected member counts are worked out in a worker process: the same answer, another
interpreter (so a long build does not hold up the app's other sessions), and the visitor's own
thread when the worker cannot be used."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from dashboard.app import worker
from dashboard.figures import privacy
from tests.unit.test_privacy import EVEN, WARDS, people, world


def where_and_what(d):
    """The process that published, and what it published (module level, so the worker can run it)."""
    return os.getpid(), privacy.publish(d, WARDS)


def test_the_publication_is_worked_out_in_another_process_with_the_same_answer(monkeypatch):
    monkeypatch.delenv(worker.WORKER_ENV, raising=False)
    d = world({**EVEN, "W00": people("White", 7) + people("Asian", 6) + people("Black", 2)})
    pid, published = worker.run(where_and_what, d)
    assert pid != os.getpid()
    assert published == privacy.publish(d, WARDS)
    assert published.cell(("ward", "W00"), "ethnic_group", "Black") != "2"  # a count under 5 stays hidden after the trip


def test_an_error_in_the_work_reaches_the_caller(monkeypatch):
    monkeypatch.delenv(worker.WORKER_ENV, raising=False)
    try:
        worker.run(int, "not a number")
    except ValueError as problem:
        assert "not a number" in str(problem)
    else:
        raise AssertionError("the worker swallowed the error")


def test_without_a_worker_the_work_is_done_here(monkeypatch, caplog):
    d = world(EVEN)
    monkeypatch.setenv(worker.WORKER_ENV, "off")
    assert worker.run(where_and_what, d)[0] == os.getpid()

    monkeypatch.delenv(worker.WORKER_ENV)

    def cannot_start():
        raise OSError("no processes left")

    monkeypatch.setattr(worker, "_executor", cannot_start)
    pid, published = worker.run(where_and_what, d)
    assert pid == os.getpid() and published.problem is None
    assert "could not be started" in caplog.text


CHILD = """
import os, sys
sys.path.insert(0, {root!r})
from dashboard.app import worker
if __name__ == "__main__":
    print(worker.run(os.getpid), flush=True)
    os.kill(os.getpid(), 9)  # killed outright: no exit handler runs
"""


def test_the_worker_leaves_when_its_app_process_is_killed(tmp_path):
    """An app process killed outright (a crash, an out-of-memory kill, SIGKILL on restart) must not
    leave its worker behind holding memory."""
    script = tmp_path / "app.py"
    script.write_text(CHILD.format(root=str(Path(__file__).resolve().parents[2])))
    env = {k: v for k, v in os.environ.items() if k != worker.WORKER_ENV}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == -signal.SIGKILL, done.stderr
    worker_pid = int(done.stdout.split()[0])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{worker_pid}").exists():
        time.sleep(0.2)
    assert not Path(f"/proc/{worker_pid}").exists() or "zombie" in Path(f"/proc/{worker_pid}/status").read_text().lower(), \
        "the worker outlived its app process"


def test_a_worker_that_dies_is_replaced_and_no_answer_is_lost(monkeypatch):
    monkeypatch.delenv(worker.WORKER_ENV, raising=False)
    first = worker.run(os.getpid)
    os.kill(first, signal.SIGKILL)
    time.sleep(0.5)
    assert worker.run(abs, -3) == 3  # the broken worker is noticed: worked out here, or by a new worker
    second = worker.run(os.getpid)
    assert second not in (first, os.getpid())  # a new worker serves again
