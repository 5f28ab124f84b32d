"""The watchdog around the child that scans: a request that hangs, crashes or raises is an
outcome for that request, and the next request is answered as if nothing happened."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from deident.spark import child


class Work:
    def __init__(self) -> None:
        self.built_in = os.getpid()  # the parent: children inherit the built object

    def __call__(self, request: str) -> tuple[str, int, int]:
        if request == "hang":
            time.sleep(3600)
        if request == "segv":
            os.kill(os.getpid(), signal.SIGSEGV)
        if request == "exit":
            os._exit(3)
        if request == "raise":
            raise ValueError("张三 440881199001011234")
        if request == "hog":
            _ = bytearray(2 * 1024**3)
        return request.upper(), self.built_in, os.getpid()


@pytest.fixture
def dog():
    d = child.Watchdog(Work(), timeout_s=2.0)
    yield d
    d.close()


def test_answers_come_from_one_child_built_once(dog: child.Watchdog) -> None:
    (k1, (a, built, pid1)), (k2, (b, _, pid2)) = dog.run("a"), dog.run("b")
    assert (k1, a, k2, b) == (child.OK, "A", child.OK, "B")
    assert built == os.getpid() != pid1 == pid2


@pytest.mark.parametrize(
    ("request_", "kind", "detail"),
    [
        ("hang", child.TIMEOUT, None),
        ("segv", child.CRASHED, "the scanning process was killed by SIGSEGV"),
        ("exit", child.CRASHED, "the scanning process exited with code 3"),
        ("raise", child.ERROR, "ValueError"),
    ],
)
def test_a_misbehaving_request_is_an_outcome_and_the_next_one_works(
    dog: child.Watchdog, request_: str, kind: str, detail: str | None
) -> None:
    _, (_, _, first_pid) = dog.run("before")
    assert dog.run(request_) == (kind, detail)
    outcome, (text, built, pid) = dog.run("after")
    assert (outcome, text, built) == (child.OK, "AFTER", os.getpid())
    # an exception leaves the child serving; a hang or crash costs a new child (a fork)
    assert (pid == first_pid) == (kind == child.ERROR)


def test_a_killed_child_takes_its_process_group_along() -> None:
    # What a parser started (LibreOffice, a converter) must not outlive the timeout.
    class Spawner:
        def __call__(self, request: str) -> None:
            import subprocess

            proc = subprocess.Popen(["sleep", "3600"])
            with open(request, "w") as fh:
                fh.write(str(proc.pid))
            time.sleep(3600)

    import tempfile

    with tempfile.NamedTemporaryFile("r", suffix=".pid") as tmp:
        d = child.Watchdog(Spawner(), timeout_s=1.0)
        assert d.run(tmp.name) == (child.TIMEOUT, None)
        grandchild = int(Path(tmp.name).read_text())
        for _ in range(50):
            try:
                os.kill(grandchild, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the grandchild survived the timeout")


def test_the_memory_limit_blocks_only_that_request() -> None:
    d = child.Watchdog(Work(), timeout_s=30.0, max_memory_bytes=512 * 1024**2)
    try:
        assert d.run("hog") == (child.ERROR, "MemoryError")
        assert d.run("ok")[0] == child.OK
    finally:
        d.close()


def test_the_child_leaves_when_its_parent_dies() -> None:
    # A Spark Python worker is killed when its task or session ends; its child must not stay.
    import multiprocessing

    def parent(conn) -> None:
        d = child.Watchdog(Work(), timeout_s=10.0)
        _, (_, _, pid) = d.run("a")
        conn.send(pid)
        os._exit(0)  # no close(): as when Spark kills the worker

    ctx = multiprocessing.get_context("fork")
    ours, theirs = ctx.Pipe()
    proc = ctx.Process(target=parent, args=(theirs,))
    proc.start()
    assert ours.poll(30)
    pid = ours.recv()
    proc.join(30)
    for _ in range(150):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    pytest.fail("the child outlived its parent")
