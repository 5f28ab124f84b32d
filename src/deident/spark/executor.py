"""What runs on an executor: each listed file is made ready to scan (fetch.py: the bytes Spark
read become a temporary file with the file's own name, as formats are chosen by suffix; a file:
input is scanned where it is), the child scans it with the same pipeline as `deident scan`, and
the verdict becomes a row. Nothing raises out of a partition: every failure is a blocked row
for its file, so no file's result is lost to another file's problem."""

from __future__ import annotations

import gc
import math
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deident.spark import child
from deident.spark.fetch import Staged, stage
from deident.spark.options import JobOptions
from deident.spark.rows import blocked_row, file_row
from deident.spark.sink import Sink, is_local, local_path


@dataclass(frozen=True, slots=True)
class Request:
    src: str  # the temporary copy
    display: str  # the file's URI, as the tables show it
    size: int | None
    sha256: str | None
    dst: str | None  # where the child writes the masked copy (a temporary path), or None


class FileWork:
    """The child's job: scan (or mask) one staged file. Built once per Python worker."""

    def __init__(self, opts: JobOptions) -> None:
        from deident.api import engine_for, policy_for
        from deident.review.keys import Key

        self.config = opts.config
        self.engine = engine_for(opts.config)
        self.policy = policy_for(opts.policy)
        self.key = Key(opts.key_secret)
        self.with_values = opts.with_values

    def __call__(self, req: Request) -> dict[str, Any]:
        from deident.pipeline import mask_path, scan_path

        masked: str | None = None
        if req.dst is None:
            report = scan_path(Path(req.src), self.config, engine=self.engine, display_path=req.display)
        else:
            result = mask_path(
                Path(req.src), Path(req.dst), self.config, self.policy, engine=self.engine,
                display_path=req.display,
            )  # fmt: skip
            report, masked = result.report, result.output
        row = file_row(report, size=req.size, policy=self.policy, key=self.key, with_values=self.with_values)
        row["_masked_file"] = masked
        return row


# One watchdog per Python worker and scanning setup: Spark reuses Python workers across tasks
# (spark.python.worker.reuse), so the engine is built once per worker, not once per task, and
# a second run with the same settings in the same application (a rerun) builds nothing.
_DOGS: dict[tuple[Any, ...], child.Watchdog] = {}


def _work_key(opts: JobOptions, make_work: Callable[[JobOptions], child.Work]) -> tuple[Any, ...]:
    """What the work object and its watchdog depend on (not the run id, paths or --mask-to)."""
    return (
        make_work, opts.config, opts.policy, opts.key_secret, opts.with_values,
        opts.timeout_s, opts.max_memory_bytes,
    )  # fmt: skip


def _watchdog(opts: JobOptions, make_work: Callable[[JobOptions], child.Work]) -> child.Watchdog:
    key = _work_key(opts, make_work)
    dog = _DOGS.get(key)
    if dog is None:
        for old in _DOGS.values():
            old.close()
        _DOGS.clear()
        work = make_work(opts)
        # The engine is built once and lives as long as the worker: out of the collector's
        # sight. PySpark's daemon runs gc.collect() after every task of a reused worker, which
        # walked the whole engine each time (~45 ms of CPU per task, ~1 ms per file), and the
        # scanning child, forked from here, neither walks it nor copies its pages to do so.
        gc.collect()
        gc.freeze()
        dog = _DOGS[key] = child.Watchdog(
            work, timeout_s=opts.timeout_s, max_memory_bytes=opts.max_memory_bytes
        )
    return dog


def relative_path(path: str, root: str) -> str:
    """`path` below `root`, both as Spark shows them (file:/a/b, hdfs://nn/a/b)."""
    root = root.rstrip("/") + "/"
    if path.startswith(root):
        return path[len(root) :]
    return path.split("://", 1)[-1].split(":", 1)[-1].lstrip("/")  # outside the root: its whole path


def masked_name(src_path: str, name: str, written: str) -> str:
    """The masked copy's name, as `deident mask` chooses it: a converted legacy file gets the
    modern suffix (名单.doc -> 名单.docx), or 名单.doc.docx when the source folder also holds a
    名单.docx (only visible for a local input; elsewhere the longer name, which never collides)."""
    new_suffix = Path(written).suffix
    if Path(name).suffix.lower() == new_suffix.lower():
        return name
    if is_local(src_path) and not local_path(src_path).with_suffix(new_suffix).exists():
        return Path(name).with_suffix(new_suffix).name
    return name + new_suffix


def _outcome_row(kind: str, payload: Any, staged: Staged, timeout_s: float) -> dict[str, Any]:
    path, sha, size = staged.path, staged.sha256, staged.size
    if kind == child.OK:
        return payload
    if kind == child.TIMEOUT:
        detail = (
            f"the scan did not finish within {timeout_s:g} s and was stopped; scan this file alone "
            "(deident scan) or rerun with a longer --timeout"
        )
        return blocked_row(path, sha, size, "timeout", detail)
    if kind == child.CRASHED:
        return blocked_row(path, sha, size, "crashed", f"{payload}; the file was not fully read")
    return blocked_row(
        path, sha, size, "internal error", f"{payload} while scanning; the file was not fully read"
    )


def scan_one(
    staged: Staged, opts: JobOptions, dog: child.Watchdog, sink: Sink | None, work_dir: Path
) -> dict[str, Any]:
    """Scan (or mask into `work_dir`) a staged file in the child; its row."""
    name = staged.src.name
    dst = str(work_dir / "masked" / name) if sink is not None else None
    req = Request(str(staged.src), staged.path, staged.size, staged.sha256, dst)
    kind, payload = dog.run(req)
    out = _outcome_row(kind, payload, staged, opts.timeout_s)
    written = out.pop("_masked_file", None)
    out["sha256"] = out["sha256"] or staged.sha256
    if sink is not None and written:
        rel = relative_path(staged.path, opts.input_root)
        rel = rel[: len(rel) - len(name)] + masked_name(staged.path, name, written)
        try:
            out["masked_to"] = sink.put(rel, Path(written))
        except Exception as exc:
            out["status"], out["reason"] = "blocked", "cannot mask: the masked copy could not be written"
            out["detail"] = f"{type(exc).__name__} writing under --mask-to; check the target and rerun"
    return out


def _one(row_in: Any, opts: JobOptions, dog: _LazyDog, sink: Sink | None, tmp: Path) -> dict[str, Any] | None:
    name = row_in.path.rstrip("/").rsplit("/", 1)[-1]
    if getattr(row_in, "content", None) is None and sink is None:
        # A file: input scanned where it is, nothing written: no folder of its own to make.
        got = stage(row_in, tmp / name, opts.config.limits.max_file_bytes)
        if got is None or isinstance(got, dict):
            return got  # done by an earlier run, or blocked before the scan
        return scan_one(got, opts, dog.get(), sink, tmp)
    work_dir = Path(tempfile.mkdtemp(dir=tmp))
    try:
        got = stage(row_in, work_dir / name, opts.config.limits.max_file_bytes)
        if got is None or isinstance(got, dict):
            return got
        return scan_one(got, opts, dog.get(), sink, work_dir)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


class _LazyDog:
    """The worker's watchdog, fetched on the first file that is scanned: a partition whose files
    are all done (a rerun) builds no engine."""

    def __init__(self, opts: JobOptions, make_work: Callable[[JobOptions], child.Work]) -> None:
        self._args = (opts, make_work)
        self._dog: child.Watchdog | None = None

    def get(self) -> child.Watchdog:
        if self._dog is None:
            self._dog = _watchdog(*self._args)
        return self._dog


class Span:
    """An accumulator's type (pyspark.AccumulatorParam by its methods, so this module needs no
    pyspark): (first start, last end, seconds inside partitions, files) of the scanning tasks,
    wall-clock seconds since the epoch. The driver reads how long the scanning itself took."""

    EMPTY = (math.inf, -math.inf, 0.0, 0)

    def zero(self, value: tuple[float, float, float, int]) -> tuple[float, float, float, int]:
        return self.EMPTY

    def addInPlace(
        self, a: tuple[float, float, float, int], b: tuple[float, float, float, int]
    ) -> tuple[float, float, float, int]:
        return (min(a[0], b[0]), max(a[1], b[1]), a[2] + b[2], a[3] + b[3])


def scan_partition(
    rows: Iterable[Any],
    opts: JobOptions,
    make_work: Callable[[JobOptions], child.Work] = FileWork,
    span: Any = None,
) -> Iterator[dict[str, Any]]:
    """mapPartitions body: listed rows (path, length and either sha256 + content, or done) ->
    result rows; files an earlier run did give none. `span`: an accumulator of `Span` (or None)."""
    start, files = time.time(), 0
    sink = Sink(opts.mask_to) if opts.mask_to else None
    dog = _LazyDog(opts, make_work)
    with tempfile.TemporaryDirectory(prefix="deident-spark-") as tmp:
        for row_in in rows:
            files += 1
            out = _one(row_in, opts, dog, sink, Path(tmp))
            if out is not None:
                out["run_id"] = opts.run_id
                yield out
    if span is not None:
        end = time.time()
        span.add((start, end, end - start, files))
