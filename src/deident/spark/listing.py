"""Listing a `file:` INPUT on the driver, in Python, as Spark's binaryFile would list it.

A run of a `file:` INPUT needs only (path, length) of every file: the executors read and hash
the files themselves (fetch.py). Asking Spark for them costs a job (binaryFile's listing, then a
collect of ~60 tasks: 0.6-1 s per run, whatever the archive's size), and the paths come to the
driver anyway to be dealt over the tasks. os.scandir gives the same in milliseconds.

The rows must be exactly what binaryFile gives, or a rerun into an OUTPUT written by binaryFile's
listing would not find its files done (the rerun matches path + sha256): the path is the
qualified root (`file:/a/b`, Hadoop's form) + "/" + the names below it, unencoded; the length is
the size of what the name points to (Hadoop follows symbolic links). Spark's rules (4.3):
- a name (file or folder) is skipped when `ignoredPathSegmentRegex` finds a match in it, unless
  it starts with "_" and holds "=" (a partition folder), or when it ends with "._COPYING_" (a
  copy in flight); names starting with "_metadata" or "_common_metadata" are never skipped;
- `pathGlobFilter` applies to file names only (Hadoop's glob, compiled by Hadoop's GlobPattern
  into a regular expression that Python's re reads the same way), the whole name must match.
Where these rules are not known to hold (Spark < 4.3, a glob or a single file as INPUT, a name
that is not UTF-8) `local_listing` returns None and Spark lists, as before.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from typing import Any, NamedTuple

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from deident.spark.fetch import TOO_LARGE, local_file
from deident.spark.sink import is_local

_METADATA = ("_metadata", "_common_metadata")  # Parquet's summaries: folders listed, files not


class Listed(NamedTuple):
    """A listed file of the executor route (fetch.stage reads path, length, done)."""

    path: str
    length: int
    done: list[str] | None = None


def _hidden(name: str, ignored: re.Pattern[str]) -> bool:
    if name.startswith(_METADATA):
        return False
    if name.endswith("._COPYING_"):
        return True
    return bool(ignored.search(name)) and not (name.startswith("_") and "=" in name)


def _walk(
    folder: str, prefix: str, ignored: re.Pattern[str], glob: re.Pattern[str] | None
) -> Iterator[tuple[str, int]]:
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if _hidden(name, ignored):
                continue
            name.encode("utf-8")  # UnicodeEncodeError for a name that is not UTF-8 (a surrogate)
            try:
                st = entry.stat()  # follows a symbolic link, as Hadoop does
            except FileNotFoundError:
                continue  # a dangling link, or gone since: Hadoop's listing skips it too
            if stat.S_ISDIR(st.st_mode):
                yield from _walk(entry.path, f"{prefix}{name}/", ignored, glob)
            elif not name.startswith(_METADATA) and (glob is None or glob.fullmatch(name)):
                yield prefix + name, st.st_size


def hadoop_glob(spark: Any, glob: str) -> re.Pattern[str]:
    """`pathGlobFilter` as Hadoop reads it (GlobPattern: * ? [a-z] [!a] {a,b} and \\ escapes)."""
    compiled = spark.sparkContext._jvm.org.apache.hadoop.fs.GlobPattern(glob).compiled()
    return re.compile(str(compiled.pattern()), re.DOTALL)


def local_listing(
    spark: Any, input_uri: str, root: str, glob: str | None, ignored: str
) -> list[tuple[str, int]] | None:
    """The files under a local folder INPUT (its qualified form `root`), or None when Spark must
    list (see the module's docstring)."""
    major, minor = (int(x) for x in spark.version.split(".")[:2])
    if (major, minor) < (4, 3) or not is_local(input_uri) or any(ch in input_uri for ch in "*?[{\\"):
        return None
    folder = local_file(root)
    if not root.startswith("file:/") or root.endswith("/") or not local_file(input_uri).is_dir():
        return None
    try:
        pattern = hadoop_glob(spark, glob) if glob else None
    except Exception:  # a glob Hadoop refuses (Spark reports it) or Python reads otherwise
        return None
    try:
        return list(_walk(str(folder), root + "/", re.compile(ignored), pattern))
    except (OSError, UnicodeEncodeError):
        return None  # a folder it may not read, a name not UTF-8: Spark lists (and says why)


class Earlier(NamedTuple):
    """A row of OUTPUT/files, as the driver keeps it: the mark a rerun skips by, the verdict."""

    path: str
    mark: str | None  # the sha256 scanned, `too large:<size>`, or None (never read: unreadable)
    status: str
    findings: int
    run_id: str


def earlier_rows(files: DataFrame) -> list[Earlier]:
    """Every row of OUTPUT/files (one scan, no join: the listing is on the driver)."""
    too_large = F.when(
        F.col("sha256").isNull() & (F.col("reason") == "too large"),
        F.concat(F.lit(TOO_LARGE), F.col("size").cast("string")),
    )
    cols = [F.coalesce("sha256", too_large), "status", "findings", "run_id"]
    return [Earlier(*r) for r in files.select("path", *cols).collect()]


def done_marks(rows: list[Earlier], rescan_blocked: bool) -> dict[str, list[str]]:
    """path -> what earlier runs did with it (the sha256s they scanned, `too large:<size>`
    marks), for the executor to skip a file whose bytes or size it finds there (fetch.py); with
    `rescan_blocked`, what they blocked is not done."""
    marks: dict[str, set[str]] = {}
    for r in rows:
        if r.mark is not None and not (rescan_blocked and r.status == "blocked"):
            marks.setdefault(r.path, set()).add(r.mark)
    return {path: sorted(m) for path, m in marks.items()}
