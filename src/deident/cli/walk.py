"""Which files a command works on: every file under the given paths, none skipped silently
(see `deident.walker`: symlinks, unreadable folders, FIFOs and devices, tool folders)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from deident.fileutil import display_path
from deident.model import FileReport, MaskReport, Status
from deident.walker import Entry, Walk

Item = Entry

__all__ = ["Item", "blocked_mask", "blocked_report", "display", "iter_files"]


def iter_files(paths: list[Path], *, exclude: Path | None = None) -> Iterator[Item]:
    """Entries under `paths` in a stable order; an entry with a `problem` is blocked unread.
    A named path that does not exist raises PathNotFound (a usage error). Skipped tool
    folders are counted and reported on stderr once the walk is done."""
    walk = Walk(paths, exclude=exclude)
    yield from walk
    note = walk.skipped_note()
    if note:
        print(f"deident: {note}", file=sys.stderr)


def blocked_report(path: str, shown: str, problem: str) -> FileReport:
    """The report of an entry that is blocked without being read."""
    return FileReport(shown, None, Status.BLOCKED, "unreadable", detail=problem)


def blocked_mask(path: str, shown: str, problem: str) -> MaskReport:
    return MaskReport(shown, None, blocked_report(path, shown, problem))


def display(path: Path) -> str:
    """A path as reports and the ledger show it: relative to the working directory when below it."""
    return display_path(path)
