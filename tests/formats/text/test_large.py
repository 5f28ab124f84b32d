"""A 50 MB text file is streamed: reading and writing it keep memory far below its size."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from deident.formats.base import FormatContext, Replacement
from deident.formats.text import document as text_mod

SIZE = 50 * 1024 * 1024
# Paragraph-long lines (~1,900 bytes): the test measures streaming, not per-line overhead
# multiplied by tracemalloc.
LINE = (
    "第{n}号 申请人张三，联系电话{phone}，地址广州市天河区体育西路{n}号。"
    + "本段用于测试大文件的流式读取，" * 60
    + "\r\n"
)


def _phone(n: int) -> str:
    return f"139{n % 100_000_000:08d}"


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("large") / "big.txt"
    with path.open("w", encoding="gb18030", newline="") as fh:
        n = 0
        written = 0
        batch: list[str] = []
        while written < SIZE:
            line = LINE.format(n=n, phone=_phone(n))
            batch.append(line)
            written += len(line.encode("gb18030"))
            n += 1
            if len(batch) == 10_000:
                fh.write("".join(batch))
                batch = []
        fh.write("".join(batch))
    return path


@pytest.mark.slow
def test_fifty_megabytes_stream_in_bounded_memory(big_file: Path, tmp_path: Path) -> None:
    size = big_file.stat().st_size
    assert size >= SIZE
    tracemalloc.start()
    try:
        doc = text_mod.open_document(big_file, FormatContext())
        replacements: dict[int, list[Replacement]] = {}
        count = 0
        last_line = 0
        for seg in doc.segments():
            count += 1
            last_line = seg.location["line"]
            if seg.location["line"] % 1000 == 1:  # mask the phone on every 1000th line
                i = seg.text.index("联系电话") + 4
                replacements[seg.id] = [Replacement(i + 3, i + 7, "****", "CN_MOBILE")]
        _, read_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        out_path = tmp_path / "masked.txt"
        with out_path.open("wb") as out:
            doc.write_masked(replacements, out)
        _, write_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == last_line  # one segment per line, none lost at chunk boundaries
    # Chunks are 64 Ki characters; a pass holds a few chunks and their segments (3-4 MB).
    assert read_peak < size / 10, read_peak
    assert write_peak < size / 10, write_peak
    assert out_path.stat().st_size == size  # '****' has the same byte length as 4 digits
    with (
        big_file.open(encoding="gb18030", newline="") as src,
        out_path.open(encoding="gb18030", newline="") as dst,
    ):
        for n, (a, b) in enumerate(zip(src, dst, strict=True)):
            if n % 1000 == 0:
                phone = _phone(n)
                assert b == a.replace(phone, phone[:3] + "****" + phone[7:])
            else:
                assert a == b
