"""The SparkSession a spark-scan run uses: the one spark-submit set up, or a new one."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Mapping

from pyspark.sql import SparkSession

# A local run (one command, one machine) starts no web UI unless asked (--conf
# spark.ui.enabled=true): it takes a port and a second of the start for a page nobody opens.
LOCAL_DEFAULTS = {"spark.ui.enabled": "false"}


def get_session(master: str | None = None, conf: Mapping[str, str] | None = None) -> SparkSession:
    """`master` None: whatever spark-submit (or an existing session) says, else local[*]."""
    builder = SparkSession.builder.appName("deident spark-scan")
    if master:
        builder = builder.master(master)
    local = (master or "").startswith("local")
    if local and not os.environ.get("PYSPARK_PYTHON"):
        # Local workers run this interpreter, which has deident (Spark would start `python3`,
        # which may not). On a cluster the executors' Python is spark.pyspark.python's.
        os.environ["PYSPARK_PYTHON"] = sys.executable
    for key, value in {**(LOCAL_DEFAULTS if local else {}), **(conf or {})}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


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
