"""Which files a command works on: every file under the given paths, none skipped silently."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from deident.fileutil import SKIP_DIRS, display_path


@dataclass(frozen=True, slots=True)
class Item:
    path: Path  # the file
    base: Path  # the folder its relative output path is computed from

    @property
    def relative(self) -> Path:
        return self.path.relative_to(self.base)


def iter_files(paths: list[Path], *, exclude: Path | None = None) -> Iterator[Item]:
    """Files under `paths` in a stable order. Missing paths are yielded too, so that the
    pipeline reports them as blocked (unreadable) instead of dropping them."""
    excluded = exclude.resolve() if exclude else None
    for p in paths:
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                root_path = Path(root)
                dirs[:] = sorted(
                    d
                    for d in dirs
                    if d not in SKIP_DIRS and (excluded is None or (root_path / d).resolve() != excluded)
                )
                for name in sorted(files):
                    yield Item(root_path / name, p)
        else:
            yield Item(p, p.parent)


def display(path: Path) -> str:
    """A path as reports and the ledger show it: relative to the working directory when below it."""
    return display_path(path)
