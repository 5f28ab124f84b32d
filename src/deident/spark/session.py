"""The SparkSession a spark-scan run uses: the one spark-submit set up, or a new one."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from pyspark.sql import SparkSession


def get_session(master: str | None = None, conf: Mapping[str, str] | None = None) -> SparkSession:
    """`master` None: whatever spark-submit (or an existing session) says, else local[*]."""
    builder = SparkSession.builder.appName("deident spark-scan")
    if master:
        builder = builder.master(master)
    if (master or "").startswith("local") and not os.environ.get("PYSPARK_PYTHON"):
        # Local workers run this interpreter, which has deident (Spark would start `python3`,
        # which may not). On a cluster the executors' Python is spark.pyspark.python's.
        os.environ["PYSPARK_PYTHON"] = sys.executable
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
