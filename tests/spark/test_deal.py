"""How a file: input is spread over the scanning tasks (real Spark, local mode)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deident.spark.job import FILES_PER_TASK, _write_parts
from deident.spark.listing import Listed

pytestmark = pytest.mark.slow


def test_files_are_dealt_largest_first_over_the_tasks(spark, tmp_path: Path) -> None:
    from deident.spark.job import _dealt

    # Sizes as binaryFile would pack them: every big file into the first split.
    sizes = [50_000 - 997 * i for i in range(7)] + [100 + 13 * i for i in range(150)]
    rows = [(f"file:{tmp_path}/f{i:03d}.txt", n) for i, n in enumerate(sizes)]
    parts = _dealt(spark, [Listed(p, n) for p, n in rows], parallelism=2).glom().collect()
    tasks = max(-(-len(rows) // FILES_PER_TASK), 4)
    assert len(parts) == tasks
    assert sorted(r.path for p in parts for r in p) == sorted(p for p, _ in rows)  # each file once
    assert max(map(len, parts)) - min(map(len, parts)) <= 1
    big = sorted(sizes, reverse=True)
    for k, part in enumerate(parts):
        got = [r.length for r in part]
        assert got == big[k::tasks]  # round robin over the sizes, largest first in every task


def test_a_few_files_get_a_task_each(spark, tmp_path: Path) -> None:
    from deident.spark.job import _dealt

    listed = [Listed(f"file:{tmp_path}/a{i}", i) for i in range(3)]
    assert [len(p) for p in _dealt(spark, listed, parallelism=8).glom().collect()] == [1, 1, 1]


@settings(deadline=None)
@given(st.integers(1, 100_000), st.integers(1, 512))
def test_tables_are_written_by_at_most_one_task_per_core_and_at_least_one(tasks: int, cores: int) -> None:
    parts = _write_parts(tasks, cores)
    assert 1 <= parts <= max(1, tasks)
    assert parts <= max(cores, tasks // 64)
