"""Which files a command works on, and their digests."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from deident.fileutil import Displayer, display_path
from deident.walker import Entry, Walk

__all__ = ["Displayer", "display_path", "iter_entries", "iter_files"]


def iter_entries(
    paths: Iterable[Path], *, real: bool = False, notes: list[str] | None = None
) -> Iterator[Entry]:
    """Every file named, and every file under every folder named (sorted, so reports and gate
    output are stable), with the reason an entry is blocked unread (see `deident.walker`). A
    named path that does not exist raises PathNotFound. With `real`, paths come out with
    symlinks of the named paths resolved (which makes `Displayer` cheap on large trees).
    Skipped tool folders are described in `notes` when given."""
    walk = Walk(paths, real=real)
    yield from walk
    note = walk.skipped_note()
    if note and notes is not None:
        notes.append(note)


def iter_files(
    paths: Iterable[Path], *, real: bool = False, notes: list[str] | None = None
) -> Iterator[Path]:
    """The paths of `iter_entries`. A blocked entry (a FIFO, an unlistable folder…) comes out
    too: the pipeline blocks it without waiting on it, since it opens nothing but regular files."""
    for e in iter_entries(paths, real=real, notes=notes):
        yield e.path
