"""File facts every layer shares: the digest approvals are bound to, and the folders that are
tool state rather than content (never scanned, masked, reviewed or gated)."""

from __future__ import annotations

import hashlib
from pathlib import Path

SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".deident", "__pycache__"})


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
