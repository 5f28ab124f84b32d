"""Which files a command works on, and their digests."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from deident.fileutil import SKIP_DIRS


def iter_files(paths: Iterable[Path], *, real: bool = False) -> Iterator[Path]:
    """Every file named, and every file under every directory named (sorted, so reports
    and gate output are stable). A missing path is yielded as is: the caller reports it.
    With `real`, paths come out with symlinks of the named paths resolved (which makes
    `Displayer` cheap on large trees)."""
    for p in paths:
        if p.is_dir():
            top = os.path.realpath(p) if real else str(p)
            for dirpath, dirnames, filenames in os.walk(top):
                dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
                for name in sorted(filenames):
                    yield Path(dirpath, name)
        else:
            yield Path(os.path.realpath(p)) if real and p.exists() else p


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
                return Path(s[len(base) :]).as_posix()
        return path.as_posix()


def display_path(path: Path, root: Path | None = None) -> str:
    return Displayer(root)(path)
