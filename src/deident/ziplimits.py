"""Limits on every zip-based file (docx, xlsx, pptx, their macro twins, odt, ods), checked on
the central directory before any reader opens the package: how many members, and how many
bytes they declare uncompressed. A reader that inflates members must still count what it
inflates (a member can lie about its size); this check bounds the work before it starts, for
the readers that hand the package to LibreOffice too.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from deident.config import Limits
from deident.errors import BlockedError

ZIP_SUFFIXES = frozenset({".docx", ".docm", ".xlsx", ".xlsm", ".pptx", ".pptm", ".odt", ".ods", ".odp"})


def check_zip_limits(path: Path, limits: Limits) -> None:
    """BlockedError when the package declares more members or more bytes than the limits.
    Files that are not zip archives are left to their readers (which block them as corrupt)."""
    if path.suffix.lower() not in ZIP_SUFFIXES:
        return
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # the reader says what is wrong with it
    if len(infos) > limits.max_zip_entries:
        raise BlockedError(
            "too large: too many zip entries",
            f"{len(infos)} members, limit {limits.max_zip_entries}",
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        raise BlockedError(
            "too large: uncompressed size",
            f"{total} bytes declared, limit {limits.max_uncompressed_bytes}",
        )
