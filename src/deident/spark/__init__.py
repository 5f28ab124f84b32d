"""`deident spark-scan`: the per-file scan of `deident scan` as a PySpark job over an archive.

A thin shell around the library, which knows nothing of Spark: files come from Spark's
binaryFile source, each executor's Python worker builds the engine once and scans every file of
its partitions in a child process it can kill (a per-file timeout, a crash or a memory limit
becomes a blocked row, never a failed task), and verdicts go to Parquet.

    options.py   JobOptions: what one run does (frozen, shipped to the executors)
    rows.py      a FileReport as table rows: masked text and keyed HMACs, no plaintext by default
    child.py     the child process that scans, and the watchdog around it (no Spark here)
    executor.py  what runs on an executor: bytes -> temporary file -> child -> row (+ masked copy)
    sink.py      writing masked copies to a local or fsspec URI
    schema.py    the Parquet schemas (imports pyspark)
    job.py       the driver: list, skip what is done, scan, write, reconcile (imports pyspark)
    clock.py     where the time of a run went (phases on the driver, the span of the scan)
    __main__.py  `python -m deident.spark` / the file given to spark-submit

pyspark is imported by schema.py and job.py only, so `import deident.spark` works without it.
"""

from deident.spark.options import JobOptions

__all__ = ["JobOptions"]
