"""What an executor does with a partition, without Spark: the same verdict as a local scan for
every file, and a blocked row (for that file only) for whatever misbehaves."""

from __future__ import annotations

import hashlib
import time
from collections import namedtuple
from dataclasses import replace
from pathlib import Path

import pytest

import deident
from deident.review.keys import Key
from deident.spark.executor import Span, masked_name, relative_path, scan_partition
from deident.spark.options import JobOptions
from tests.spark.hooks import Misbehave

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "corpora" / "samples"
Row = namedtuple("Row", "path length sha256 content")


def _row(path: Path, uri: str | None = None) -> Row:
    data = path.read_bytes()
    # Spark shows local files as file:/a/b, not percent-encoded
    return Row(uri or f"file:{path}", len(data), hashlib.sha256(data).hexdigest(), data)


def _opts(tmp_path: Path, **kw) -> JobOptions:
    return JobOptions(
        str(SAMPLES), str(tmp_path / "out"), key_secret=b"k" * 32, input_root="file:" + str(SAMPLES),
        run_id=f"test-{tmp_path.name}", **kw,
    )  # fmt: skip


Listed = namedtuple("Listed", "path length done")


@pytest.mark.parametrize("spark_reads", [True, False], ids=["bytes-from-spark", "executor-reads"])
def test_every_sample_gets_the_verdict_of_a_local_scan(tmp_path: Path, spark_reads: bool) -> None:
    files = sorted(SAMPLES.iterdir())
    listed = [_row(p) if spark_reads else Listed(f"file:{p}", p.stat().st_size, None) for p in files]
    rows = list(scan_partition(listed, _opts(tmp_path)))
    key = Key(b"k" * 32)
    for p, row in zip(files, rows, strict=True):
        local = deident.scan_file(p)
        assert (row["status"], row["reason"], row["findings"]) == (
            local.status.value,
            local.reason,
            len(local.findings),
        )
        assert row["sha256"] == local.sha256
        assert sorted(f["value_hmac"] for f in row["found"]) == sorted(
            key.value_hmac(f.entity_type, f.text) for f in local.findings
        )


def test_misbehaving_files_are_blocked_rows_and_the_others_are_scanned(tmp_path: Path) -> None:
    secret = "申请人张三，身份证号码440881199001011234"
    for name in ("hang.txt", "crash.txt", "raise.txt", "ok.txt"):
        (tmp_path / name).write_text(secret, encoding="utf-8")
    names = ["ok.txt", "hang.txt", "ok.txt", "crash.txt", "raise.txt", "ok.txt"]
    rows = list(
        scan_partition([_row(tmp_path / n) for n in names], _opts(tmp_path, timeout_s=3.0), Misbehave)
    )
    assert [(r["status"], r["reason"]) for r in rows] == [
        ("findings", None),
        ("blocked", "timeout"),
        ("findings", None),
        ("blocked", "crashed"),
        ("blocked", "internal error"),
        ("findings", None),
    ]
    assert "SIGSEGV" in rows[3]["detail"] and "RuntimeError" in rows[4]["detail"]
    assert not any("440881199001011234" in str(r) or "张三" in str(r) for r in rows)


def test_masked_copies_keep_relative_paths(tmp_path: Path) -> None:
    src = tmp_path / "in" / "2019" / "公示"
    src.mkdir(parents=True)
    (src / "名单.txt").write_text("张三，手机13812345678", encoding="utf-8")
    opts = replace(_opts(tmp_path, mask_to=str(tmp_path / "masked")), input_root=f"file:{tmp_path / 'in'}")
    (row,) = scan_partition([_row(src / "名单.txt")], opts)
    out = tmp_path / "masked" / "2019" / "公示" / "名单.txt"
    assert row["masked_to"] == str(out)
    assert out.read_text(encoding="utf-8") == Path(
        deident.mask_file(src / "名单.txt", tmp_path / "m.txt").output
    ).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("path", "root", "rel"),
    [
        ("hdfs://nn:8020/a/b/c.pdf", "hdfs://nn:8020/a", "b/c.pdf"),
        ("file:/a/b/c.pdf", "file:/a/", "b/c.pdf"),
        ("s3a://bucket/x/y.doc", "s3a://other/z", "bucket/x/y.doc"),  # outside the root: authority and path
    ],
)
def test_relative_path(path: str, root: str, rel: str) -> None:
    assert relative_path(path, root) == rel


def test_a_converted_legacy_file_is_named_as_deident_mask_names_it(tmp_path: Path) -> None:
    (tmp_path / "名单.doc").write_bytes(b"")
    uri = "file:" + str(tmp_path / "名单.doc")
    assert masked_name(uri, "名单.doc", "/tmp/x/名单.docx") == "名单.docx"
    (tmp_path / "名单.docx").write_bytes(b"")
    assert masked_name(uri, "名单.doc", "/tmp/x/名单.docx") == "名单.doc.docx"
    assert masked_name("hdfs://nn/a/名单.doc", "名单.doc", "/tmp/x/名单.docx") == "名单.doc.docx"
    assert masked_name(uri, "名单.txt", "/tmp/x/名单.txt") == "名单.txt"


class _Accumulator:
    def __init__(self) -> None:
        self.param, self.value = Span(), Span.EMPTY

    def add(self, term: tuple[float, float, float, int]) -> None:
        self.value = self.param.addInPlace(self.value, term)


def test_each_partition_adds_its_files_and_time_to_the_span(tmp_path: Path) -> None:
    span = _Accumulator()
    files = sorted(SAMPLES.iterdir())
    listed = [Listed(f"file:{p}", p.stat().st_size, None) for p in files]
    before = time.time()
    list(scan_partition(listed[:2], _opts(tmp_path), span=span))
    list(scan_partition(listed[2:], _opts(tmp_path), span=span))
    first, last, busy, count = span.value
    assert count == len(files)
    assert before <= first < last <= time.time()
    assert 0 < busy <= last - first


def test_the_worker_s_engine_is_out_of_the_collector_s_sight(tmp_path: Path) -> None:
    # PySpark's daemon collects garbage after every task of a reused worker: the engine, built
    # once per worker, must not be walked each time (nor by the child forked from it).
    import gc

    from deident.spark import executor

    built: list[object] = []

    def make_work(opts: JobOptions) -> object:
        work = {"engine": [[i] for i in range(1000)]}  # stands for the engine's object graph
        built.append(work)
        return work

    dog = executor._watchdog(_opts(tmp_path), make_work)
    try:
        assert built and gc.get_freeze_count() > 0
        assert not any(o is built[0] for o in gc.get_objects())
    finally:
        dog.close()
        executor._DOGS.clear()
        gc.unfreeze()
