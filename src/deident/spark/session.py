"""The SparkSession a spark-scan run uses: the one spark-submit set up, or a new one."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Mapping

from pyspark.sql import SparkSession

# A local run (one command, one machine) starts no web UI unless asked (--conf
# spark.ui.enabled=true): it takes a port and a second of the start for a page nobody opens.
# Its JVM compiles with C1 only: it mostly moves rows between the Python workers and Parquet,
# and a run is too short for C2's optimisations to repay their compiling, which ran on the
# other core beside the scanning slot (JFR, local[1], 784 files: the compiler threads took more
# CPU than every other JVM thread together; the JVM's CPU per file fell from 3.7 to 2.0-2.7 ms).
# A cluster's executors run long enough for C2: they keep the JVM's defaults. A user's own
# --conf spark.driver.extraJavaOptions replaces this.
LOCAL_DEFAULTS = {"spark.ui.enabled": "false", "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1"}


def get_session(master: str | None = None, conf: Mapping[str, str] | None = None) -> SparkSession:
    """`master` None: whatever spark-submit (or an existing session) says, else local[*]."""
    builder = SparkSession.builder.appName("deident spark-scan")
    if master:
        builder = builder.master(master)
    if (master or "").startswith("local") and not os.environ.get("PYSPARK_PYTHON"):
        # Local workers run this interpreter, which has deident (Spark would start `python3`,
        # which may not). On a cluster the executors' Python is spark.pyspark.python's.
        os.environ["PYSPARK_PYTHON"] = sys.executable
    for key, value in settings(master, conf).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def settings(master: str | None, conf: Mapping[str, str] | None = None) -> dict[str, str]:
    """The settings a new session gets: the local defaults for a local master, the user's own
    --conf over them."""
    local = (master or "").startswith("local")
    return {**(LOCAL_DEFAULTS if local else {}), **(conf or {})}


@contextlib.contextmanager
def plain_execution(spark: SparkSession) -> Iterator[None]:
    """Adaptive query execution off while a run scans and writes its tables: it would split
    each write into two jobs (the shuffle to the writing partitions, then, re-planned, the write)
    for nothing to adapt (the partitions are counted by the run). Measured: 0.3-0.6 s less per
    run. Summaries keep it (it merges the 200 shuffle partitions of their joins)."""
    key = "spark.sql.adaptive.enabled"
    before = spark.conf.get(key, None)
    spark.conf.set(key, "false")
    try:
        yield
    finally:
        if before is None:
            spark.conf.unset(key)
        else:
            spark.conf.set(key, before)
