"""spark-scan in Spark's local mode on the bundled corpus, against a local scan file by file."""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from pathlib import Path

import pytest

import deident
from deident.config import Limits, ScanConfig
from deident.review.keys import Key
from deident.spark.options import JobOptions
from tests.spark.conftest import copy_corpus

pytestmark = pytest.mark.slow


def _tables(spark, out: Path) -> tuple[dict[str, dict], dict[str, list[dict]]]:
    """Latest file row per path, and the findings of exactly those rows."""
    from deident.spark.job import latest

    files = {r["path"]: r.asDict() for r in latest(spark.read.parquet(str(out / "files"))).collect()}
    found: dict[str, list[dict]] = {}
    for r in spark.read.parquet(str(out / "findings")).collect():
        if files.get(r["path"], {}).get("run_id") == r["run_id"]:
            found.setdefault(r["path"], []).append(r.asDict())
    return files, found


def _rel(path: str, root: Path) -> str:
    assert path.startswith(f"file:{root}/"), path
    return path[len(f"file:{root}/") :]


ROUTES = pytest.mark.parametrize("spark_reads", [False, True], ids=["executor-reads", "bytes-from-spark"])


@ROUTES
def test_the_verdict_of_every_file_is_the_local_scans(
    spark, key: Key, tmp_path: Path, spark_reads: bool
) -> None:
    from deident.spark.job import run

    src = copy_corpus(tmp_path / "in")
    out = tmp_path / "out"
    opts = JobOptions(str(src), str(out), key_secret=key.secret, spark_reads=spark_reads)
    summary = run(spark, opts)
    files, found = _tables(spark, out)
    local = {
        p.relative_to(src).as_posix(): deident.scan_file(p) for p in sorted(src.rglob("*")) if p.is_file()
    }
    assert {_rel(p, src) for p in files} == set(local)
    assert summary.scanned == summary.listed == len(local)
    for path, row in files.items():
        want = local[_rel(path, src)]
        rows = found.get(path, [])
        assert (row["status"], row["reason"], row["findings"], len(rows)) == (
            want.status.value,
            want.reason,
            len(want.findings),
            len(want.findings),
        ), path
        assert row["sha256"] == want.sha256
        assert dict(row["entities"] or {}) == dict(Counter(f.entity_type for f in want.findings))
        assert Counter(r["value_hmac"] for r in rows) == Counter(
            key.value_hmac(f.entity_type, f.text) for f in want.findings
        )
        assert all(r["value"] is None for r in rows)  # no plaintext without --with-values
    assert summary.findings == sum(len(r.findings) for r in local.values())
    assert 0 < summary.seconds["scan span"] < summary.seconds["scan and findings"]
    assert summary.seconds["scan busy"] > 0

    # A rerun skips what is done: only a changed file and a new one (with a name Spark would
    # hide by default, which `deident scan` reads) are scanned again.
    changed = src / "samples" / "行政处罚决定书.txt"
    changed.write_text("经查，当事人手机13812345678。", encoding="utf-8")
    (src / "dev" / "_new.txt").write_text("无个人信息。", encoding="utf-8")
    (src / "dev" / ".git").mkdir()  # tool state, skipped as `deident scan` skips it
    (src / "dev" / ".git" / "COMMIT_EDITMSG").write_text("手机13812345678", encoding="utf-8")
    again = run(spark, opts)
    assert (again.scanned, again.listed) == (2, len(local) + 1)
    files, found = _tables(spark, out)
    assert files[f"file:{changed}"]["findings"] == len(deident.scan_file(changed).findings) == 1
    assert files[f"file:{src / 'dev' / '_new.txt'}"]["status"] == "clean"


@ROUTES
def test_a_file_that_hangs_crashes_raises_or_is_too_large_is_a_blocked_row(
    spark, key: Key, tmp_path: Path, spark_reads: bool
) -> None:
    from pyspark import cloudpickle

    from deident.spark.job import run
    from tests.spark import hooks

    cloudpickle.register_pickle_by_value(sys.modules[hooks.__name__])  # workers need not import tests/
    src = tmp_path / "in"
    src.mkdir()
    text = "申请人张三，身份证号码440881199001011234。"
    for name in ("hang.txt", "crash.txt", "raise.txt", "hog.txt", "a.txt", "b.txt", "c.txt"):
        (src / name).write_text(text, encoding="utf-8")
    (src / "big.txt").write_text(text * 100, encoding="utf-8")
    out = tmp_path / "out"
    config = ScanConfig(limits=Limits(max_file_bytes=2_000))
    opts = JobOptions(
        str(src), str(out), config=config, key_secret=key.secret, timeout_s=5.0, max_memory_bytes=1024**3,
        spark_reads=spark_reads,
    )  # fmt: skip
    summary = run(spark, opts, make_work=hooks.Misbehave)
    files, _ = _tables(spark, out)
    got = {_rel(p, src): (r["status"], r["reason"]) for p, r in files.items()}
    assert got == {
        "hang.txt": ("blocked", "timeout"),
        "crash.txt": ("blocked", "crashed"),
        "raise.txt": ("blocked", "internal error"),
        "hog.txt": ("blocked", "internal error"),  # MemoryError under the address-space limit
        "big.txt": ("blocked", "too large"),
        "a.txt": ("findings", None),
        "b.txt": ("findings", None),
        "c.txt": ("findings", None),
    }
    assert files[f"file:{src / 'big.txt'}"]["sha256"] is None  # its bytes were never read
    assert not any("440881199001011234" in str(r) for r in files.values())
    assert summary.blocked == 5
    assert run(spark, dataclasses.replace(opts), make_work=hooks.Misbehave).scanned == 0
    # --rescan-blocked: the blocked files are scanned again (and blocked again here), no others
    again = run(spark, dataclasses.replace(opts, rescan_blocked=True), make_work=hooks.Misbehave)
    assert (again.scanned, again.blocked, again.with_findings) == (5, 5, 3)


def test_the_command_writes_masked_copies_under_the_same_paths(spark, key: Key, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from deident.cli.app import app

    src = copy_corpus(tmp_path / "in") / "samples"
    out, masked = tmp_path / "out", tmp_path / "masked"
    args = ["spark-scan", str(src), str(out), "--mask-to", str(masked), "--with-values", "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output  # the samples hold personal data
    for p in sorted(src.iterdir()):
        copy = masked / p.name
        report = deident.scan_file(copy)
        assert report.status.value == "clean", (p.name, [f.entity_type for f in report.findings])
        local = deident.mask_file(p, tmp_path / "local" / p.name)
        assert local.ok
        if p.suffix in (".txt", ".md", ".csv", ".html"):
            assert copy.read_bytes() == Path(local.output).read_bytes()
    files, found = _tables(spark, out)
    assert {r["masked_to"] for r in files.values()} == {str(masked / p.name) for p in src.iterdir()}
    for path, rows in found.items():  # --with-values stores the plaintext
        want = deident.scan_file(src / Path(path).name).findings
        assert sorted(r["value"] for r in rows) == sorted(f.text for f in want)


def test_a_listed_file_without_a_row_is_blocked_as_unreadable(spark, key: Key, tmp_path: Path) -> None:
    # What binaryFile drops under ignoreMissingFiles/ignoreCorruptFiles (a file that vanished
    # after the listing, a read the filesystem refused) is listed but has no row.
    from deident.spark.job import prepare, run, summarize

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("无个人信息。", encoding="utf-8")
    opts = JobOptions(str(src), str(tmp_path / "out"), key_secret=key.secret)
    assert run(spark, opts).clean == 1
    listing = spark.createDataFrame(
        [(f"file:{src}/a.txt", 18), (f"file:{src}/gone.txt", 5)], "path string, length long"
    )
    summary = summarize(spark, listing, prepare(spark, opts))
    assert (summary.listed, summary.clean, summary.blocked, summary.scanned) == (2, 1, 1, 1)
    files, _ = _tables(spark, tmp_path / "out")
    gone = files[f"file:{src}/gone.txt"]
    assert (gone["status"], gone["reason"], gone["sha256"], gone["size"]) == (
        "blocked",
        "unreadable",
        None,
        5,
    )
