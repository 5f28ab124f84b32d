"""Getting a listed file ready to scan: what Spark read is staged; a file: input is read by the
executor itself, and whatever it cannot read in full is a blocked row, never a partial scan."""

from __future__ import annotations

import hashlib
from collections import namedtuple
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from deident.spark.fetch import TOO_LARGE, Staged, local_file, stage

Listed = namedtuple("Listed", "path length done")  # the local route: Spark listed, did not read
Read = namedtuple("Read", "path length sha256 content")  # Spark read the bytes


def _listed(path: Path, done: list[str] | None = None, length: int | None = None) -> Listed:
    return Listed(f"file:{path}", path.stat().st_size if length is None else length, done)


def test_a_local_file_is_hashed_and_scanned_where_it_is(tmp_path: Path) -> None:
    src = tmp_path / "名单 #1?.txt"  # Spark does not percent-encode: '#' and '?' are name characters
    src.write_text("张三，手机13812345678", encoding="utf-8")
    got = stage(_listed(src), tmp_path / "unused", limit=1_000)
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    assert got == Staged(f"file:{src}", sha, src.stat().st_size, src)
    assert not (tmp_path / "unused").exists()


def test_a_file_an_earlier_run_did_is_skipped_and_a_changed_one_is_not(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("无个人信息。", encoding="utf-8")
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    assert stage(_listed(src, [sha]), tmp_path / "x", limit=1_000) is None
    src.write_text("手机13812345678", encoding="utf-8")
    assert isinstance(stage(_listed(src, [sha]), tmp_path / "x", limit=1_000), Staged)


def test_what_cannot_be_read_in_full_is_blocked(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2_000)
    row = stage(_listed(big), tmp_path / "x", limit=1_000)
    assert isinstance(row, dict)
    assert (row["status"], row["reason"], row["sha256"], row["size"]) == ("blocked", "too large", None, 2_000)
    # blocked as too large at this size before: done, its bytes are not read again
    assert stage(_listed(big, [f"{TOO_LARGE}2000"]), tmp_path / "x", limit=1_000) is None
    # listed small, grew before it was read: never scanned in part
    row = stage(_listed(big, length=10), tmp_path / "x", limit=1_000)
    assert isinstance(row, dict) and (row["reason"], row["sha256"]) == ("too large", None)
    # listed, then gone
    row = stage(_listed(tmp_path / "gone.txt", length=5), tmp_path / "x", limit=1_000)
    assert isinstance(row, dict)
    assert (row["status"], row["reason"], row["sha256"], row["size"]) == ("blocked", "unreadable", None, 5)


def test_bytes_spark_read_are_staged(tmp_path: Path) -> None:
    data = "手机13812345678".encode()
    row = Read("hdfs://nn/a/名单.txt", len(data), hashlib.sha256(data).hexdigest(), data)
    got = stage(row, tmp_path / "名单.txt", limit=1_000)
    assert got == Staged(row.path, row.sha256, len(data), tmp_path / "名单.txt")
    assert (tmp_path / "名单.txt").read_bytes() == data


@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/"), min_size=1))
def test_local_file_keeps_every_name(name: str) -> None:
    assert local_file(f"file:/data/{name}") == Path("/data") / name
    assert local_file(f"file:///data/{name}") == Path("/data") / name
