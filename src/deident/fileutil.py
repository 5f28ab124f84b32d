"""File facts every layer shares: the digest approvals are bound to, how a path is shown in
reports and the ledger, and the folders that are tool state rather than content (never
scanned, masked, reviewed or gated)."""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import stat
import tempfile
import threading
from pathlib import Path
from typing import BinaryIO

from deident.errors import BlockedError

SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".deident", "__pycache__"})
_CHUNK = 1 << 20


class NotRegularFile(OSError):
    """The path is a FIFO, socket, device or folder: never read (a FIFO would block)."""


def special_problem(mode: int) -> str | None:
    """The block reason of a path that is not a regular file, without opening it."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "not a regular file: a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "not a regular file: a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "not a regular file: a device"
    if stat.S_ISDIR(mode):
        return "not a regular file: a folder"
    return "not a regular file"


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading. A FIFO is opened without waiting for a writer and
    refused, as is any other file that is not regular: the check is on the opened file
    itself, so a file swapped for a FIFO after a `stat` is refused too."""
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    )
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(special_problem(mode) or "not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open_regular(path) as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


class Snapshot:
    """A private copy of a file's bytes, hashed while they are copied: a reader of `path` and
    the digest `sha256` see the same bytes, even if the original is rewritten or swapped
    meanwhile (an approval binds to what was scanned). The copy keeps the file name (readers
    choose by suffix) in a fresh private folder, removed by `close` or on leaving a `with`.

    Raises BlockedError when the file cannot be read, is not a regular file or is larger
    than `max_bytes`."""

    def __init__(self, source: Path, max_bytes: int) -> None:
        self._dir: Path | None = _FOLDERS.take()
        self.path = Path(self._dir, _safe_name(source))
        try:
            self.sha256 = _copy_hashed(source, self.path, max_bytes)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._dir is not None:
            _FOLDERS.give(self._dir)
            self._dir = None

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Folders:
    """Private snapshot folders, emptied and kept for the next file of this process: removing a
    folder costs milliseconds on some filesystems (ext4 with `discard`: 4 ms, a tenth of a small
    PDF's scan), removing a file does not. A folder something else wrote into is removed, not kept;
    the kept ones go when the process exits."""

    _KEEP = 8

    def __init__(self) -> None:
        self._free: list[Path] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def take(self) -> Path:
        with self._lock:
            if self._pid != os.getpid():  # a forked worker: the parent's folders are not its own
                self._free, self._pid = [], os.getpid()
            while self._free:
                folder = self._free.pop()
                if folder.is_dir():
                    return folder
        return Path(tempfile.mkdtemp(prefix="deident-snap-"))

    def give(self, folder: Path) -> None:
        try:
            for entry in os.scandir(folder):
                if entry.is_dir(follow_symlinks=False):
                    raise IsADirectoryError(entry.path)
                os.unlink(entry.path)
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            return
        with self._lock:
            if self._pid == os.getpid() and len(self._free) < self._KEEP:
                self._free.append(folder)
                return
        shutil.rmtree(folder, ignore_errors=True)

    def clear(self) -> None:
        with self._lock:
            free, self._free = self._free, []
        for folder in free:
            shutil.rmtree(folder, ignore_errors=True)


_FOLDERS = _Folders()
atexit.register(_FOLDERS.clear)


def _safe_name(source: Path) -> str:
    name = source.name
    return name if name not in ("", ".", "..") else "file"


def _copy_hashed(source: Path, target: Path, max_bytes: int) -> str:
    h = hashlib.sha256()
    total = 0
    try:
        src = open_regular(source)
    except NotRegularFile as exc:
        raise BlockedError("unreadable", str(exc)) from None
    except OSError as exc:
        raise BlockedError("unreadable", exc.strerror or type(exc).__name__) from None
    with src, target.open("xb") as out:
        try:
            size = os.fstat(src.fileno()).st_size
            if size > max_bytes:
                raise BlockedError("too large", f"{size} bytes, limit {max_bytes}")
            for chunk in iter(lambda: src.read(_CHUNK), b""):
                total += len(chunk)
                if total > max_bytes:
                    raise BlockedError("too large", f"more than {max_bytes} bytes")
                h.update(chunk)
                out.write(chunk)
        except OSError as exc:
            raise BlockedError("unreadable", exc.strerror or type(exc).__name__) from None
    return h.hexdigest()


class Displayer:
    """Paths as shown and recorded: relative to `root` (or the working directory) in POSIX
    form when under it, else as given. Ledger entries never depend on where a command ran."""

    def __init__(self, root: Path | None = None) -> None:
        bases = [os.path.realpath(b) for b in (root, Path.cwd()) if b is not None]
        self._bases = [b if b.endswith(os.sep) else b + os.sep for b in bases]

    def __call__(self, path: Path, *, real: bool = False) -> str:
        s = str(path) if real else os.path.realpath(path)
        for base in self._bases:
            if s.startswith(base):
                return printable_path(Path(s[len(base) :]).as_posix())
        return printable_path(path.as_posix())


def printable_path(shown: str) -> str:
    """A path with the bytes of a file name that is not valid UTF-8 written as ``\\xff``: JSON,
    SARIF, terminals and the ledger get valid text, and the name is still recognisable."""
    if shown.isascii() or not any("\udc80" <= c <= "\udcff" for c in shown):
        return shown
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def display_path(path: Path, root: Path | None = None) -> str:
    return Displayer(root)(path)
