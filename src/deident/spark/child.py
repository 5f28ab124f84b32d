"""Scan one file at a time in a child process that a watchdog can kill.

A parser stuck in C code (a PDF that loops pdfium, a picture that makes OCR run for an hour)
cannot be interrupted by a thread: Python only checks for signals between bytecodes, and a
thread cannot be killed at all. So each executor worker forks a child that does the scanning,
sends it one request at a time over a pipe and waits at most `timeout_s` for the answer. When
the time is up the child is killed (its whole process group) and the file becomes a blocked row;
when the child dies (a segfault, the kernel's OOM killer, the address-space limit) the same.
The next file gets a new child.

The work object (engine, policy, key) is built in the parent before the first fork, so every
child, including the one started after a kill, inherits it copy-on-write: a restart costs a
fork, not an engine build. Nothing here knows about Spark.
"""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing
import os
import resource
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

Work = Callable[[Any], Any]

# Outcome kinds: ("ok", result), ("timeout", None), ("crashed", detail), ("error", exception type).
OK, TIMEOUT, CRASHED, ERROR = "ok", "timeout", "crashed", "error"


def _release_libreoffice_profiles() -> None:
    # A forked child leaves through os._exit, which skips atexit: the LibreOffice profiles it
    # created would be left in /tmp on every executor.
    lo = sys.modules.get("deident.formats.libreoffice")
    if lo is not None:
        with contextlib.suppress(Exception):
            lo._PROFILES.clear()


def _serve(conn: Connection, parent_end: Connection, work: Work, max_memory_bytes: int | None) -> None:
    # The fork copied the parent's end of the pipe: without closing it here, the child would
    # never see end of file when the parent (a Spark Python worker) goes away, and would stay.
    parent_end.close()
    parent = os.getppid()
    os.setsid()  # its own process group: a kill reaches whatever it started
    faulthandler.disable()  # a crash is reported as a blocked row, not as a stack dump in the logs
    if max_memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (max_memory_bytes, max_memory_bytes))
    try:
        while True:
            try:
                while not conn.poll(5.0):
                    if os.getppid() != parent:
                        return  # orphaned (the parent was killed): nobody will ask again
                request = conn.recv()
            except (EOFError, OSError):
                return  # the parent is gone or closed the pipe
            try:
                answer: tuple[str, Any] = (OK, work(request))
            except BaseException as exc:  # the type only: a message may quote document text
                answer = (ERROR, type(exc).__name__)
            conn.send(answer)
    finally:
        _release_libreoffice_profiles()


def describe_exit(code: int | None) -> str:
    if code is None:
        return "the scanning process stopped answering"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (often the memory limit or the kernel's OOM killer)" if -code == signal.SIGKILL else ""
        return f"the scanning process was killed by {name}{hint}"
    return f"the scanning process exited with code {code}"


class Watchdog:
    """Runs `work(request)` in a child process, at most `timeout_s` seconds per request."""

    def __init__(self, work: Work, *, timeout_s: float, max_memory_bytes: int | None = None) -> None:
        self._work = work
        self.timeout_s = timeout_s
        self._max_memory = max_memory_bytes
        self._proc: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self.restarts = 0

    def _start(self) -> Connection:
        ctx = multiprocessing.get_context("fork")
        parent, child = ctx.Pipe(duplex=True)
        proc = ctx.Process(target=_serve, args=(child, parent, self._work, self._max_memory), daemon=True)
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent
        return parent

    def _stop(self, kill: bool) -> int | None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if conn is not None:
            conn.close()
        if proc is None:
            return None
        if kill and proc.is_alive():
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                proc.kill()  # killed before setsid: its group is still ours
        proc.join(10)
        self.restarts += 1
        return proc.exitcode

    def run(self, request: Any) -> tuple[str, Any]:
        conn = self._conn or self._start()
        try:
            conn.send(request)
        except OSError:
            return CRASHED, describe_exit(self._stop(kill=True))
        if not conn.poll(self.timeout_s):
            self._stop(kill=True)
            return TIMEOUT, None
        try:
            return conn.recv()
        except (EOFError, OSError):
            return CRASHED, describe_exit(self._stop(kill=True))

    def close(self) -> None:
        """Let the child finish (it sees end of file and cleans up)."""
        proc = self._proc
        if proc is not None and self._conn is not None:
            self._conn.close()
            self._conn = None
            proc.join(10)
            if proc.is_alive():
                proc.kill()
                proc.join(10)
            self._proc = None
