"""The driver's count of the latest verdicts (a rerun of a local folder) is Spark's summary."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deident.spark.listing import Earlier
from deident.spark.options import JobOptions
from deident.spark.verdicts import latest_counts

pytestmark = pytest.mark.slow

PATHS = [f"file:/in/{name}" for name in ("a.txt", "b.pdf", "c d.docx")]
RUNS = ["20260101T000000Z-aa", "20260102T000000Z-bb", "20260103T000000Z-cc"]
ROWS = st.lists(
    st.tuples(
        st.sampled_from(PATHS), st.sampled_from(["clean", "findings", "blocked"]), st.integers(0, 4),
        st.sampled_from(RUNS),
    ),
    max_size=8,
)  # fmt: skip


@settings(max_examples=15, deadline=None)
@given(rows=ROWS, listed=st.sets(st.sampled_from(PATHS), min_size=1), run=st.sampled_from(RUNS))
def test_the_driver_counts_what_spark_counts(spark, rows, listed: set[str], run: str) -> None:
    from deident.spark import schema
    from deident.spark.job import _counts

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        table = [(p, None, 1, s, None, None, f, {}, [], None, r) for p, s, f, r in rows]
        spark.createDataFrame(table, schema.FILES).write.mode("append").parquet(str(out / "files"))
        opts = JobOptions("/in", str(out), run_id=run)
        by_spark = _counts(
            spark, spark.createDataFrame([(p, 1) for p in listed], "path string, length long"), opts
        )
    earlier = [Earlier(p, None, s, f, r) for p, s, f, r in rows if r != run]
    now = [(p, s, f) for p, s, f, r in rows if r == run]
    got = latest_counts(sorted(listed), earlier, now, run)
    assert got == (None if None in by_spark else by_spark)
