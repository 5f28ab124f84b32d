"""Which files a command works on: every file under the given paths, none skipped silently
(see `deident.walker`: symlinks, unreadable folders, FIFOs and devices, tool folders)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from deident.config import ScanConfig
from deident.fileutil import display_path
from deident.model import FileReport, MaskReport, Status
from deident.walker import Entry, Walk

Item = Entry

__all__ = ["Item", "blocked_mask", "blocked_report", "display", "iter_files", "masked_folders"]


def iter_files(
    paths: list[Path], *, exclude: Path | None = None, skipped: dict[str, int] | None = None
) -> Iterator[Item]:
    """Entries under `paths` in a stable order; an entry with a `problem` is blocked unread.
    A named path that does not exist raises PathNotFound (a usage error). Skipped tool
    folders are counted (into `skipped`: folder name -> files held) and reported on stderr
    once the walk is done."""
    walk = Walk(paths, exclude=exclude)
    yield from walk
    if skipped is not None:
        skipped.update(walk.skipped)
    note = walk.skipped_note()
    if note:
        print(f"deident: {note}", file=sys.stderr)


def blocked_report(path: str, shown: str, problem: str) -> FileReport:
    """The report of an entry that is blocked without being read."""
    return FileReport(shown, None, Status.BLOCKED, "unreadable", detail=problem)


def blocked_mask(path: str, shown: str, problem: str) -> MaskReport:
    return MaskReport(shown, None, blocked_report(path, shown, problem))


def masked_folders(
    targets: list[tuple[Item, Path]], out: Path, config: ScanConfig, policy: str
) -> list[tuple[Item, Path]]:
    """Targets under `out` with personal data in their folder names masked (文件/张三_138…/a.txt
    goes to out/文件/张三_138****8000/a.txt); the pipeline masks the file name itself."""
    from deident.api import engine_for, policy_for
    from deident.naming import masked_file_name

    engine, pol = None, policy_for(policy)
    cache: dict[str, str] = {}
    result = []
    for item, dst in targets:
        rel = dst.relative_to(out)
        parts = list(rel.parts)
        for k, name in enumerate(parts[:-1]):
            if name not in cache:
                engine = engine or engine_for(config)
                cache[name] = masked_file_name(Path(name), engine, pol).name
            parts[k] = cache[name]
        result.append((item, out.joinpath(*parts)))
    return result


def display(path: Path) -> str:
    """A path as reports and the ledger show it: relative to the working directory when below it."""
    return display_path(path)
