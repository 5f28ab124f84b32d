"""Which files a command works on, and their digests."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

# Tool state, never content to publish or review.
_SKIP_DIRS = frozenset({".git", ".deident", ".hg", ".svn", "__pycache__"})


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every file named, and every file under every directory named (sorted, so reports
    and gate output are stable). A missing path is yielded as is: the caller reports it."""
    for p in paths:
        if p.is_dir():
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
                for name in sorted(filenames):
                    yield Path(dirpath) / name
        else:
            yield p


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def display_path(path: Path, root: Path | None = None) -> str:
    """`path` relative to `root` (or the working directory) in POSIX form when it lies
    under it, else as given: ledger entries and reports never depend on where they ran."""
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()
