"""The driver of a spark-scan run: list, skip what is done, scan, write, reconcile.

1. binaryFile lists INPUT (recursive, --glob as pathGlobFilter, any Hadoop filesystem); a local
   folder is listed by the driver in Python with the same rules and paths (listing.py), which
   spares a Spark job per run.
2. Who reads the bytes: for a file: input (a local disk, a mount every executor has) only
   (path, length) are listed and the executors read each file themselves (fetch.py); for any
   other filesystem binaryFile reads them (`content`), hashed in the JVM.
3. A file larger than the limit is a blocked row without its bytes ever being read (binaryFile
   evaluates the length filter before it opens a file; the executor checks the listed length).
4. Files whose (path, sha256) is already in OUTPUT/files are skipped: the done keys are
   broadcast, and the JVM (Spark reads) or the executor after hashing (file: input) drops them,
   so they never reach the scanner.
5. The rest go through `executor.scan_partition` (mapPartitions: one task per input split when
   Spark reads the bytes; for a file: input the files dealt over tasks largest first); the
   result rows go to a few cached partitions, written as OUTPUT/findings (the job that scans),
   then OUTPUT/files: a file row is the mark of a finished file, so it is written last (findings
   of a run whose files write failed carry a run_id no file row has).
6. Every listed file that has no row yet (a file that vanished or could not be read, which
   binaryFile skips under ignoreMissingFiles/ignoreCorruptFiles) gets a blocked row: nothing
   listed is ever silently dropped. A first run counts its verdicts in the cache; a later one
   reads the tables for the latest verdict of every listed file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from pyspark import RDD, StorageLevel
from pyspark.sql import DataFrame, Observation, SparkSession
from pyspark.sql import functions as F

from deident.errors import ConfigError
from deident.fileutil import SKIP_DIRS
from deident.spark import schema
from deident.spark.clock import Clock
from deident.spark.executor import FileWork, Span, scan_partition
from deident.spark.fetch import TOO_LARGE_DETAIL, UNREAD_DETAIL
from deident.spark.listing import Earlier, Listed, done_marks, earlier_rows, local_listing
from deident.spark.options import JobOptions
from deident.spark.session import plain_execution
from deident.spark.sink import Sink, is_local
from deident.spark.verdicts import Counts, latest_counts

SKIP_NAMES = "^(?:" + "|".join(re.escape(d) for d in sorted(SKIP_DIRS)) + ")$"


@dataclass(frozen=True, slots=True)
class RunSummary:
    run_id: str
    scanned: int  # files given a row by this run
    listed: int  # files under INPUT (after --glob)
    clean: int  # the latest verdict of every listed file, this run or an earlier one
    with_findings: int
    blocked: int
    findings: int
    notes: tuple[str, ...] = ()  # what this Spark could not do (e.g. list hidden names)
    # Where the time went (wall-clock seconds; see Clock): for sizing and the benchmark.
    seconds: dict[str, float] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _hadoop_path(spark: SparkSession, uri: str) -> tuple[Any, Any]:
    jvm = spark.sparkContext._jvm  # type: ignore[attr-defined]
    path = jvm.org.apache.hadoop.fs.Path(uri)
    fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())  # type: ignore[attr-defined]
    return fs, path


def _exists(spark: SparkSession, uri: str) -> bool:
    fs, path = _hadoop_path(spark, uri)
    return bool(fs.exists(path))


def _root(spark: SparkSession, uri: str) -> str:
    """The qualified folder that relative paths (of masked copies) start from: INPUT, its
    folder when it is a file, the part before the first wildcard when it is a glob."""
    fs, path = _hadoop_path(spark, uri)
    if any(ch in uri for ch in "*?[{"):
        if not fs.globStatus(path):
            raise ConfigError(f"INPUT {uri} matches nothing")
        first = min(uri.index(ch) for ch in "*?[{" if ch in uri)
        return _qualified(spark, uri[: uri.rfind("/", 0, first) + 1] or ".")
    if not fs.exists(path):
        raise ConfigError(f"INPUT {uri} does not exist")
    if fs.getFileStatus(path).isFile():
        path = path.getParent()
    return str(fs.makeQualified(path).toString()).rstrip("/")


def _qualified(spark: SparkSession, uri: str) -> str:
    fs, path = _hadoop_path(spark, uri)
    return str(fs.makeQualified(path).toString()).rstrip("/")


def _below(child: str, parent: str) -> bool:
    return child == parent or child.startswith(parent + "/")


def prepare(spark: SparkSession, opts: JobOptions) -> JobOptions:
    """Check the URIs and fill in what the executors need to know (input root, run id)."""
    root = _root(spark, opts.input_uri)
    out = _qualified(spark, opts.output_uri)
    if _below(out, root):
        raise ConfigError("OUTPUT must not be inside INPUT: the next run would scan the tables")
    if opts.mask_to is not None:
        Sink(opts.mask_to)  # fails early when the target cannot be written from Python
        if _below(_qualified(spark, opts.mask_to), root):
            raise ConfigError("--mask-to must not be inside INPUT: masked copies would be scanned as sources")
    # Sortable, so "the latest verdict of a file" is the row with the greatest run_id.
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    run_id = f"{stamp}-{secrets.token_hex(4)}"
    return dataclasses.replace(opts, input_root=root, run_id=run_id)


def _listing(spark: SparkSession, opts: JobOptions) -> DataFrame:
    reader = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .option("ignoreMissingFiles", "true")
        .option("ignoreCorruptFiles", "true")
    )
    if opts.glob:
        reader = reader.option("pathGlobFilter", opts.glob)
    # Spark skips names starting with "_" or "." by default; `deident scan` skips only the
    # folders of version control and tool state. (Spark >= 4.3; older versions ignore this.)
    reader = reader.option("ignoredPathSegmentRegex", SKIP_NAMES)
    return reader.load(opts.input_uri)


def _version_notes(spark: SparkSession) -> tuple[str, ...]:
    major, minor = (int(x) for x in spark.version.split(".")[:2])
    if (major, minor) >= (4, 3):
        return ()
    return (
        f"Spark {spark.version} does not list files or folders whose names start with '_' or '.'; "
        "Spark >= 4.3 does (ignoredPathSegmentRegex): scan such files with `deident scan`",
    )


def _too_large(big: DataFrame, opts: JobOptions) -> DataFrame:
    limit = opts.config.limits.max_file_bytes
    return big.select(
        F.col("path"),
        F.lit(None).cast("string").alias("sha256"),
        F.col("length").alias("size"),
        F.lit("blocked").alias("status"),
        F.lit("too large").alias("reason"),
        F.concat(F.col("length").cast("string"), F.lit(TOO_LARGE_DETAIL.format(size="", limit=limit))).alias(
            "detail"
        ),
        F.lit(0).alias("findings"),
        F.create_map().cast("map<string,int>").alias("entities"),
        F.array().cast("array<string>").alias("notes"),
        F.lit(None).cast("string").alias("masked_to"),
        F.lit(opts.run_id).alias("run_id"),
        F.array().cast(schema.RESULT["found"].dataType).alias("found"),
    )


def _unread(missing: DataFrame, opts: JobOptions) -> DataFrame:
    return (
        _too_large(missing, opts)
        .drop("found")
        .withColumn("reason", F.lit("unreadable"))
        .withColumn("detail", F.lit(UNREAD_DETAIL))
    )


def _read_by_spark(
    listing: DataFrame, done: DataFrame | None, opts: JobOptions
) -> tuple[DataFrame, DataFrame]:
    """binaryFile reads and hashes the bytes (any Hadoop filesystem); files done by an earlier
    run are dropped in the JVM. Files over the limit are listed apart and never read."""
    limit = opts.config.limits.max_file_bytes
    todo = listing.where(F.col("length") <= limit).select(
        "path", "length", F.sha2("content", 256).alias("sha256"), "content"
    )
    big = listing.where(F.col("length") > limit).select("path", "length")
    if done is not None:
        keys = done.where(F.col("sha256").isNotNull()).select("path", "sha256").distinct()
        todo = todo.join(F.broadcast(keys), ["path", "sha256"], "left_anti")
        big_done = done.where(F.col("reason") == "too large").select("path", F.col("size").alias("length"))
        big = big.join(F.broadcast(big_done.distinct()), ["path", "length"], "left_anti")
    return todo, big


def _listed_here(spark: SparkSession, opts: JobOptions) -> list[tuple[str, int]] | None:
    """file: input, Spark >= 4.3: (path, length) listed by the driver in Python (listing.py),
    without a Spark job; None where Spark must list."""
    if opts.spark_reads or not is_local(opts.input_root):
        return None
    return local_listing(spark, opts.input_uri, opts.input_root, opts.glob, SKIP_NAMES)


# Files per scanning task of a file: input: a lost task costs little to redo, and the cost of
# a task (scheduling, handing rows to a Python worker: tens of ms) stays small beside its files.
FILES_PER_TASK = 128


def _dealt(spark: SparkSession, listed: list[Any], parallelism: int) -> RDD[Any]:
    """file: input: the listed files (path, length, done marks) dealt over the scanning tasks,
    largest first, round robin.

    binaryFile packs files into splits by size, largest first, so one task would hold all the
    biggest files of an archive (here: every .docx of the benchmark, 40% of its work, in one of
    62 tasks): the job's tail. Dealt, every task gets the same mix of sizes and starts with its
    biggest file; there are ~FILES_PER_TASK files per task, and at least two tasks per core so
    a slow file does not leave a core idle at the end. The listing (about 200 bytes a file) is on
    the driver (listed there, or collected: Spark lists on the driver too) and goes out with the
    tasks: no shuffle, no extra stage."""
    files = len(listed)
    tasks = max(1, min(files, max(-(-files // FILES_PER_TASK), 2 * parallelism)))
    rows = sorted(listed, key=lambda r: (-r.length, r.path))
    return spark.sparkContext.parallelize([rows[k::tasks] for k in range(tasks)], tasks).flatMap(_each)


def _each(group: list[Any]) -> list[Any]:
    return group


def _write_parts(scan_tasks: int, parallelism: int) -> int:
    """Partitions of the tables a run writes: a few bigger Parquet files per run (reruns read
    the tables), but not one task writing every row while the other cores wait."""
    return max(1, scan_tasks // 64, min(scan_tasks // 8, parallelism))


def _scan_and_write(
    spark: SparkSession,
    opts: JobOptions,
    rows: RDD[Any],
    big: DataFrame | None,
    parallelism: int,
    make_work: Callable[[JobOptions], Any],
    clock: Clock,
    rows_back: bool = False,
) -> tuple[Counts, list[tuple[str, str, int]]]:
    """Scan `rows` (and the too large files `big`), write OUTPUT/findings then OUTPUT/files;
    the verdicts written, counted while the file rows are written, and with `rows_back` the
    (path, status, findings) of every file row."""
    span = spark.sparkContext.accumulator(Span.EMPTY, Span())
    scan = partial(scan_partition, opts=opts, make_work=make_work, span=span)
    scanned = spark.createDataFrame(rows.mapPartitions(scan), schema.RESULT, verifySchema=False)
    # The result rows go to a few partitions (a few bigger Parquet files per run instead of one
    # per scanning task: reruns read the tables), which are cached: the findings write runs the
    # scan, the files write and the counts read the cache.
    results = scanned if big is None else scanned.unionByName(_too_large(big, opts))
    results = results.repartition(_write_parts(rows.getNumPartitions(), parallelism))
    merged = results.persist(StorageLevel.MEMORY_AND_DISK)
    clock.lap("plan")
    try:
        found = merged.select("path", "sha256", F.explode("found").alias("f"), "run_id")
        found.select("path", "sha256", "f.*", "run_id").write.mode("append").parquet(opts.findings_uri())
        clock.lap("scan and findings")
        # Every verdict of a first run is this run's: it is counted while the file rows are
        # written (observed metrics of that write's one result stage), not by another job.
        seen = Observation("verdicts")
        tally = _tally_exprs()
        if rows_back:
            tally.append(F.collect_list(F.struct("path", "status", "findings")).alias("rows"))
        merged.drop("found").observe(seen, *tally).write.mode("append").parquet(opts.files_uri())
        clock.lap("files")
        clock.scan(span.value)
        metrics = seen.get
        return _observed(metrics), [tuple(r) for r in metrics.get("rows") or ()]
    finally:
        merged.unpersist()


def run(
    spark: SparkSession, opts: JobOptions, *, make_work: Callable[[JobOptions], Any] = FileWork
) -> RunSummary:
    clock = Clock()
    opts = prepare(spark, opts)
    # Task output lands when the task commits: a write job that fails halfway keeps the rows its
    # finished tasks wrote (each row complete; the rerun skips those files).
    spark.sparkContext._jsc.hadoopConfiguration().set(  # type: ignore[attr-defined]
        "mapreduce.fileoutputcommitter.algorithm.version", "2"
    )
    files_uri = opts.files_uri()
    earlier = _exists(spark, files_uri)
    done = spark.read.schema(schema.FILES).parquet(files_uri) if earlier else None
    parallelism = spark.sparkContext.defaultParallelism
    here = _listed_here(spark, opts)
    by_spark = _listing(spark, opts) if here is None else None
    listed = len(here) if by_spark is None else len(by_spark._jdf.inputFiles())

    def listing() -> DataFrame:  # (path, length) of the listed files, for a rerun's summary
        return by_spark if by_spark is not None else spark.createDataFrame(here, "path string, length long")

    before: list[Earlier] | None = None  # OUTPUT/files on the driver (a local folder's rerun)
    if opts.spark_reads or not is_local(opts.input_root):
        if done is not None and opts.rescan_blocked:
            done = done.where(F.col("status") != "blocked")
        todo, big = _read_by_spark(listing(), done, opts)
        rows = todo.rdd
    else:
        if here is None:  # Spark lists: one job brings (path, length) to the driver
            here = [(r.path, r.length) for r in listing().select("path", "length").collect()]
        before = earlier_rows(done) if done is not None else None
        marks = done_marks(before or [], opts.rescan_blocked)
        rows = _dealt(spark, [Listed(p, n, marks.get(p)) for p, n in here], parallelism)
        big = None

    counted_here = before is not None and by_spark is None
    with plain_execution(spark):
        counts, now = _scan_and_write(spark, opts, rows, big, parallelism, make_work, clock, counted_here)
    if not earlier and sum(c[0] for c in counts.values()) == listed:
        return _summary(spark, opts, counts, clock)
    if counted_here and here is not None and before is not None:
        latest_here = latest_counts((p for p, _ in here), before, now, opts.run_id)
        if latest_here is not None:
            return _summary(spark, opts, latest_here, clock)
    return summarize(spark, listing(), opts, clock)


def latest(files: DataFrame) -> DataFrame:
    """The latest row of every path (run ids sort by time)."""
    newest = files.groupBy("path").agg(F.max("run_id").alias("run_id"))
    return files.join(newest, ["path", "run_id"])


def _counts(spark: SparkSession, listing: DataFrame, opts: JobOptions) -> Counts:
    """status -> (files, findings, files given a row by this run), over the listed files; the
    status None counts listed files that have no row at all."""
    files = latest(spark.read.schema(schema.FILES).parquet(opts.files_uri()))
    verdicts = listing.select("path").join(
        files.select("path", "status", "findings", "run_id"), "path", "left"
    )
    return _tally(verdicts, opts)


STATUSES = ("clean", "findings", "blocked")


def _tally_exprs() -> list[Any]:
    is_ = {s: F.col("status") == s for s in STATUSES}
    return [F.sum(F.when(is_[s], 1).otherwise(0)).alias(f"n_{s}") for s in STATUSES] + [
        F.sum(F.when(is_[s], F.col("findings")).otherwise(0)).alias(f"f_{s}") for s in STATUSES
    ]


def _observed(metrics: dict[str, Any]) -> Counts:
    """status -> (files, findings, files of this run), all of them this run's."""
    counts = {s: (int(metrics.get(f"n_{s}") or 0), int(metrics.get(f"f_{s}") or 0)) for s in STATUSES}
    return {s: (n, f, n) for s, (n, f) in counts.items() if n}


def _tally(verdicts: DataFrame, opts: JobOptions) -> Counts:
    rows = (
        verdicts.groupBy("status")
        .agg(
            F.count("*").alias("n"),
            F.sum("findings").alias("f"),
            F.sum(F.when(F.col("run_id") == opts.run_id, 1).otherwise(0)).alias("now"),
        )
        .collect()
    )
    return {r["status"]: (int(r["n"]), int(r["f"] or 0), int(r["now"] or 0)) for r in rows}


def summarize(
    spark: SparkSession, listing: DataFrame, opts: JobOptions, clock: Clock | None = None
) -> RunSummary:
    """The latest verdicts of the files in `listing` (path, length); a listed file with no row
    at all gets a blocked row `unreadable` first."""
    counts = _counts(spark, listing, opts)
    if None in counts:  # listed, but binaryFile could not read it: blocked, never dropped
        files = spark.read.schema(schema.FILES).parquet(opts.files_uri()).select("path")
        missing = listing.select("path", "length").join(files, "path", "left_anti")
        _unread(missing, opts).write.mode("append").parquet(opts.files_uri())
        counts = _counts(spark, listing, opts)
    return _summary(spark, opts, counts, clock)


def _summary(
    spark: SparkSession,
    opts: JobOptions,
    counts: Counts,
    clock: Clock | None = None,
) -> RunSummary:
    zero = (0, 0, 0)
    if clock is not None:
        clock.lap("summary")
    return RunSummary(
        run_id=opts.run_id,
        scanned=sum(c[2] for c in counts.values()),
        listed=sum(c[0] for c in counts.values()),
        clean=counts.get("clean", zero)[0],
        with_findings=counts.get("findings", zero)[0],
        blocked=counts.get("blocked", zero)[0],
        findings=sum(c[1] for c in counts.values()),
        notes=_version_notes(spark),
        seconds=clock.seconds if clock is not None else {},
    )
