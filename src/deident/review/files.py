"""Which files a command works on, and their digests."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from deident.fileutil import SKIP_DIRS, Displayer, display_path

__all__ = ["Displayer", "display_path", "iter_files"]


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
