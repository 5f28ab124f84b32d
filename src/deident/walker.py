"""Walking the paths a command names: every file comes out, or a reason why it cannot be read.

Fail closed: nothing under a named folder is dropped silently.

- A symlinked folder inside the named folder: its files come out once, under their own path
  (or under the link's, when the target sits in a skipped tool folder); a loop is not walked
  twice. One pointing outside the named folder comes out *blocked*, never skipped.
- A folder that cannot be listed comes out *blocked*.
- A FIFO, socket or device comes out *blocked* before anything opens it (opening a FIFO
  waits for a writer: it would hang scan, approve and gate).
- Tool state (`.git`, `__pycache__`, …) is not content: it is skipped, and counted in
  `Walk.skipped` so that the command can say so.
- A path named on the command line that does not exist is a usage error (`PathNotFound`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from deident.errors import ConfigError
from deident.fileutil import SKIP_DIRS, special_problem


class PathNotFound(ConfigError):
    """A path named by the caller does not exist (a usage error, not a blocked file)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"no such file or folder: {os.fsdecode(path)!r}; check the path")


@dataclass(frozen=True, slots=True)
class Entry:
    path: Path  # the file (or the folder or special file that is blocked)
    base: Path  # the folder its relative output path is computed from
    problem: str | None = None  # why it is blocked without being read; None: a file to read

    @property
    def relative(self) -> Path:
        return self.path.relative_to(self.base)


@dataclass
class Walk:
    """Iterate to get the entries; afterwards `skipped` maps each skipped tool folder name to
    the number of files it held (the folders are counted, never read)."""

    paths: Iterable[Path]
    exclude: Path | None = None
    real: bool = False
    skipped: dict[str, int] = field(default_factory=dict)
    skipped_folders: int = 0

    def __iter__(self) -> Iterator[Entry]:
        excluded = os.path.realpath(self.exclude) if self.exclude is not None else None
        paths = list(self.paths)
        for p in paths:  # every named path exists, before any is walked
            if not os.path.lexists(p):
                raise PathNotFound(p)
        for p in paths:
            try:
                st = os.lstat(p)
            except OSError as exc:
                yield Entry(p, p.parent, f"unreadable: {exc.strerror or type(exc).__name__}")
                continue
            if stat.S_ISLNK(st.st_mode):
                try:
                    st = os.stat(p)
                except OSError:
                    yield Entry(p, p.parent, "broken symbolic link")
                    continue
            if stat.S_ISDIR(st.st_mode):
                top = Path(os.path.realpath(p)) if self.real else p
                yield from self._folder(top, excluded)
            else:
                q = Path(os.path.realpath(p)) if self.real else p
                yield Entry(q, q.parent, special_problem(st.st_mode))

    def _folder(self, top: Path, excluded: str | None) -> Iterator[Entry]:
        root_real = os.path.realpath(top)
        seen: set[str] = {root_real}
        stack: list[Path] = [top]
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as it:
                    listing = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                yield Entry(folder, top, f"unreadable folder: {exc.strerror or type(exc).__name__}")
                continue
            subfolders: list[Path] = []
            for e in listing:
                path = Path(folder, e.name)
                try:
                    st = e.stat(follow_symlinks=False)
                    if stat.S_ISLNK(st.st_mode):
                        st = os.stat(path)
                except OSError:
                    yield Entry(path, top, "broken symbolic link")
                    continue
                if not stat.S_ISDIR(st.st_mode):
                    yield Entry(path, top, special_problem(st.st_mode))
                    continue
                if e.name in SKIP_DIRS:
                    self._count_skipped(e.name, path)
                    continue
                real = os.path.realpath(path)
                if excluded is not None and real == excluded:
                    continue
                if e.is_symlink():
                    if not _inside(real, root_real):
                        yield Entry(path, top, "symbolic link to a folder outside the scanned folder")
                        continue
                    if real in seen or not _hidden(real, root_real):
                        # Walked already, or walked under its own path: its files come out once.
                        continue
                seen.add(real)
                subfolders.append(path)
            stack.extend(reversed(subfolders))

    def _count_skipped(self, name: str, folder: Path) -> None:
        n = 0
        for _, _, files in os.walk(folder):
            n += len(files)
        self.skipped_folders += 1
        self.skipped[name] = self.skipped.get(name, 0) + n

    def skipped_note(self) -> str | None:
        """One line for the user, or None when nothing was skipped."""
        if not self.skipped_folders:
            return None
        files = sum(self.skipped.values())
        names = ", ".join(sorted(self.skipped))
        return (
            f"skipped {self.skipped_folders} tool folder(s) ({names}) holding {files} file(s): "
            "they are not scanned; name them explicitly to scan them"
        )


def _hidden(real: str, root_real: str) -> bool:
    """Whether a folder inside the root lies in a tool folder the walk skips: a symlink to it
    is followed, so that data cannot hide behind one."""
    parts = Path(os.path.relpath(real, root_real)).parts
    return any(p in SKIP_DIRS for p in parts)


def _inside(real: str, root_real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)
