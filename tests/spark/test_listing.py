"""The driver's listing of a file: INPUT is binaryFile's, row for row (real Spark, local mode):
paths a rerun matches against tables written from binaryFile's listing must be identical."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from deident.spark.job import SKIP_NAMES
from deident.spark.listing import local_listing
from deident.spark.options import JobOptions

pytestmark = pytest.mark.slow

NAMES = [
    "a.txt", "sp ace.txt", "pct%20and%.txt", "hash#1?.md", "名单 (2).docx", "b.md", "x._COPYING_",
    "_under.txt", ".dot.txt", "_metadata", "_common_metadata_x", "_k=v/inner.txt", "a=b/c.txt",
    ".git/COMMIT_EDITMSG", "__pycache__/m.pyc", "sub/.hidden/f.txt", "sub/_tmp/g.txt",
    "sub/deep/更深/b.txt", "sub/deep/big.bin", "node.git/h.txt", "sub/_metadata/y.txt", "[x]{y}.txt",
]  # fmt: skip


def _tree(root: Path) -> Path:
    for i, name in enumerate(NAMES):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * (7 * i + 1))
    (root / "empty").mkdir()
    os.symlink(root / "a.txt", root / "link.txt")
    os.symlink(root / "sub" / "deep", root / "linked dir")
    os.symlink(root / "nowhere.txt", root / "dangling.txt")
    return root


def _binary_file(spark, opts: JobOptions) -> set[tuple[str, int]]:
    from deident.spark.job import _listing

    return {(r.path, r.length) for r in _listing(spark, opts).select("path", "length").collect()}


@pytest.mark.parametrize("glob", [None, "*.txt", "*.{txt,md}", "[!a]*", "名单*", "*\\?.md", "\\[x\\]*"])
def test_the_driver_lists_what_binary_file_lists(spark, tmp_path: Path, glob: str | None) -> None:
    from deident.spark.job import prepare

    root = _tree(tmp_path / "in")
    for uri in (str(root), f"file://{root}", f"file:{root}/"):
        opts = prepare(spark, JobOptions(uri, str(tmp_path / "out"), glob=glob))
        here = local_listing(spark, uri, opts.input_root, glob, SKIP_NAMES)
        assert here is not None
        assert len(here) == len({p for p, _ in here})
        assert set(here) == _binary_file(spark, opts)
    assert ("file:" + str(root / "_under.txt"), 50) in set(here) or glob is not None


def test_spark_lists_what_the_driver_cannot(spark, tmp_path: Path) -> None:
    from deident.spark.job import prepare

    root = _tree(tmp_path / "in")
    for uri in (str(root / "a.txt"), f"{root}/sub/*"):  # one file, a glob: Spark's own rules
        opts = prepare(spark, JobOptions(uri, str(tmp_path / "out")))
        assert local_listing(spark, uri, opts.input_root, None, SKIP_NAMES) is None
    opts = prepare(spark, JobOptions(str(root), str(tmp_path / "out")))
    assert local_listing(spark, str(root), opts.input_root, "[x", SKIP_NAMES) is None  # Spark says why


@pytest.mark.parametrize("first", ["spark-lists", "spark-reads"])
def test_a_rerun_into_tables_written_from_spark_s_listing_skips_every_file(
    spark, key, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    # OUTPUT written as before the driver listed (Spark listed, or read, the files): a rerun
    # matches path + sha256, so every file must be found done, odd names included.
    from deident.spark import job

    src = tmp_path / "in"
    for i, name in enumerate(["名单 (1).txt", "sp ace%20#?.md", "_u.txt", "sub/更深/a=b.csv", "[x]{y}.txt"]):
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(f"申请人张三，手机1381234567{i}。", encoding="utf-8")
    opts = JobOptions(str(src), str(tmp_path / "out"), key_secret=key.secret)
    with monkeypatch.context() as patched:
        patched.setattr(job, "local_listing", lambda *args: None)
        before = job.run(spark, dataclasses.replace(opts, spark_reads=first == "spark-reads"))
    assert (before.scanned, before.with_findings) == (5, 5)
    again = job.run(spark, opts)
    assert (again.scanned, again.listed, again.with_findings) == (0, 5, 5)
