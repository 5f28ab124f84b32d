"""Getting one listed file ready for the child to scan, on the executor.

Two routes, chosen by the driver for the whole run:
- Spark read the bytes (binaryFile's `content`, any Hadoop filesystem, sha256 computed in the
  JVM, files already done filtered out there): they are written to a staging file.
- A `file:` input (a local disk, a shared mount on every executor): Spark only lists (path,
  length) without opening a file, and the bytes never travel JVM -> Python. The executor hashes
  the file (to skip what an earlier run did: the row carries that run's sha256s and `too large:
  <size>` marks as `done`, and to name the bytes in a blocked row), and the child scans the file
  itself, through the private copy every scan makes (pipeline.Snapshot: the report's sha256 is
  the digest of the bytes scanned, the size limit applies while copying).

Fail closed either way: a file that cannot be read, or grew past the limit after the listing,
is a blocked row; nothing is half-scanned.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deident.spark.rows import blocked_row

TOO_LARGE = "too large:"  # a `done` mark: this path was blocked as too large at this size
UNREAD_DETAIL = (
    "Spark listed the file but could not read it (it vanished or the filesystem refused it); "
    "check it and rerun"
)
TOO_LARGE_DETAIL = "{size} bytes, limit {limit}"
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Staged:
    path: str  # the file's URI, as the tables show it
    sha256: str
    size: int
    src: Path  # the bytes to scan: the staged copy, or the local file itself


def too_large_detail(size: int, limit: int) -> str:
    return TOO_LARGE_DETAIL.format(size=size, limit=limit)


def local_file(uri: str) -> Path:
    """`file:/a/b` or `file:///a/b` as a Path; not through urlsplit: Spark does not
    percent-encode, so a name may hold '#' or '?'."""
    rest = uri[len("file:") :] if uri.startswith("file:") else uri
    return Path(rest[len("//") :] if rest.startswith("///") else rest)


def _staging_failed(row_in: Any, sha: str | None, exc: OSError) -> dict[str, Any]:
    return blocked_row(
        row_in.path, sha, row_in.length, "internal error",
        f"{type(exc).__name__} while staging the file on the executor (local disk full?)",
    )  # fmt: skip


def stage(row_in: Any, dst: Path, limit: int) -> Staged | dict[str, Any] | None:
    """What to scan for `row_in` (bytes Spark read are written to `dst`), a blocked row, or None
    for a file an earlier run already did (local route only)."""
    content = getattr(row_in, "content", None)
    if content is not None:  # Spark read it
        try:
            dst.write_bytes(content)
        except OSError as exc:
            return _staging_failed(row_in, row_in.sha256, exc)
        return Staged(row_in.path, row_in.sha256, row_in.length, dst)
    done = set(getattr(row_in, "done", None) or ())
    if row_in.length > limit:
        if f"{TOO_LARGE}{row_in.length}" in done:
            return None
        return blocked_row(
            row_in.path, None, row_in.length, "too large", too_large_detail(row_in.length, limit)
        )
    return _hash_local(row_in, limit, done)


def _hash_local(row_in: Any, limit: int, done: set[str]) -> Staged | dict[str, Any] | None:
    path = local_file(row_in.path)
    digest, size = hashlib.sha256(), 0
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                size += len(chunk)
                if size > limit:  # it grew after the listing
                    return blocked_row(
                        row_in.path,
                        None,
                        size,
                        "too large",
                        too_large_detail(size, limit) + " (while reading)",
                    )
                digest.update(chunk)
    except OSError:
        return blocked_row(row_in.path, None, row_in.length, "unreadable", UNREAD_DETAIL)
    sha = digest.hexdigest()
    return None if sha in done else Staged(row_in.path, sha, size, path)
