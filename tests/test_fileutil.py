"""Snapshots: a private copy hashed while copied, its folder emptied and reused, nothing left
behind (no copy of a scanned file outlives its scan)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deident.errors import BlockedError
from deident.fileutil import _FOLDERS, Snapshot


def test_the_copy_is_hashed_and_gone_after_close(tmp_path: Path) -> None:
    src = tmp_path / "名单.txt"
    src.write_bytes(b"110101199003071234\n")
    with Snapshot(src, 1 << 20) as snap:
        assert snap.path.read_bytes() == src.read_bytes() and snap.path.name == "名单.txt"
        assert snap.sha256 == hashlib.sha256(src.read_bytes()).hexdigest()
        folder = snap.path.parent
        assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert not snap.path.exists()
    assert not folder.exists() or not any(folder.iterdir())  # kept for reuse only when empty


def test_a_folder_is_reused_and_what_else_was_written_there_goes(tmp_path: Path) -> None:
    src = tmp_path / "a.pdf"
    src.write_bytes(b"%PDF-1.4\n")
    with Snapshot(src, 1 << 20) as first:
        (first.path.parent / "converted.docx").write_bytes(b"x")  # a reader's side product
        (first.path.parent / "sub").mkdir()
        kept = first.path.parent
    assert not kept.exists()  # not empty after the copy went: removed, not kept
    with Snapshot(src, 1 << 20) as a:
        reused = a.path.parent
    with Snapshot(src, 1 << 20) as b:
        assert b.path.parent == reused and sorted(os.listdir(reused)) == ["a.pdf"]


def test_a_refused_file_leaves_nothing(tmp_path: Path) -> None:
    src = tmp_path / "big.bin"
    src.write_bytes(b"0" * 2048)
    with pytest.raises(BlockedError):
        Snapshot(src, 1024)
    _FOLDERS.clear()
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob("deident-snap-*/big.bin"))


@settings(max_examples=30, deadline=None)
@given(data=st.binary(max_size=4096), name=st.sampled_from(["a.txt", "名单.xlsx", "..", "x y.pdf"]))
def test_property_every_snapshot_holds_exactly_its_source(tmp_path_factory, data: bytes, name: str) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path_factory.mktemp("src") / (name if name != ".." else "file")
    src.write_bytes(data)
    with Snapshot(src, 1 << 20) as snap:
        assert snap.path.read_bytes() == data and os.listdir(snap.path.parent) == [snap.path.name]
        assert snap.sha256 == hashlib.sha256(data).hexdigest()
