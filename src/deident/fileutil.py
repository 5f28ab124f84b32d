"""File facts every layer shares: the digest approvals are bound to, how a path is shown in
reports and the ledger, and the folders that are tool state rather than content (never
scanned, masked, reviewed or gated)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".deident", "__pycache__"})


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
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
                return Path(s[len(base) :]).as_posix()
        return path.as_posix()


def display_path(path: Path, root: Path | None = None) -> str:
    return Displayer(root)(path)
