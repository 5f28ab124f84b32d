"""Where an unpacked member is kept while the archive is open: a file of its own, named so the
registry picks its reader by suffix (名单.xlsx stays ….xlsx, 材料.tar.gz stays ….tar.gz)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from deident.formats.archive.entries import Entry

_MAX_NAME_BYTES = 200  # file systems allow 255; leave room


def safe_basename(name: str) -> str:
    base = name.rsplit("/", 1)[-1].replace("\0", "") or "member"
    if base in (".", ".."):
        base = "member"
    if len(base.encode("utf-8", "surrogatepass")) <= _MAX_NAME_BYTES:
        return base.encode("utf-8", "replace").decode("utf-8")
    # Keep the suffixes (".tar.gz"), shorten the stem.
    stem, dot, suffixes = base.partition(".")
    suffixes = (dot + suffixes)[-40:]
    return stem.encode("utf-8", "ignore")[: _MAX_NAME_BYTES - 60].decode("utf-8", "ignore") + suffixes


def member_file(dest: Path, entry: Entry, data: bytes) -> Path:
    """`dest/<name>`, or `<a fresh folder>/<name>` when another member had that name already (a
    folder per member would cost a mkdir and an rmdir each, which a disk under load feels)."""
    base = safe_basename(entry.name)
    path = dest / base
    if path.exists():
        path = Path(tempfile.mkdtemp(dir=dest)) / base
    path.write_bytes(data)
    return path
