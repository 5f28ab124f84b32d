"""Plain text and Markdown (formats/text.py): segments, locations, masked copies, bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from deident.config import Limits, ScanConfig
from deident.errors import BlockedError, MaskError
from deident.formats.base import FormatContext, Replacement
from deident.formats.common import encoding as encoding_mod
from deident.formats.text import document as text_mod
from tests.factories.documents import mask_value, render

CTX = FormatContext()
MOBILE = "13812345678"
ID = "440881199001011233"  # GB 11643 valid


def _doc(tmp_path: Path, data: bytes, name: str = "a.txt", ctx: FormatContext = CTX):
    p = tmp_path / name
    p.write_bytes(data)
    return text_mod.open_document(p, ctx)


def test_one_segment_per_non_blank_line_with_line_and_offset(tmp_path: Path) -> None:
    doc = _doc(tmp_path, f"第一行\r\n\r\n  \n联系电话：{MOBILE}\r\n最后一行".encode())
    segs = list(doc.segments())
    assert [s.text for s in segs] == ["第一行", f"联系电话：{MOBILE}", "最后一行"]
    assert [dict(s.location) for s in segs] == [
        {"line": 1, "offset": 0},
        {"line": 4, "offset": 10},
        {"line": 5, "offset": 28},
    ]
    assert doc.output_suffix is None


@pytest.mark.parametrize(
    ("codec", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("gbk", b""),
        ("gb18030", b""),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
    ],
)
def test_masked_copy_keeps_encoding_bom_and_newlines(tmp_path: Path, codec: str, bom: bytes) -> None:
    source = f"申请人：张三\r\n身份证号：{ID}\n电话 {MOBILE}\r\n\r\n结束\n"
    data = bom + source.encode(codec)
    doc = _doc(tmp_path, data)
    assert render(doc, {}) == data  # no replacements: the identical bytes
    reps = mask_value(doc, MOBILE, "138****5678")
    reps.update(mask_value(doc, ID, "440881********1233"))
    expected = bom + source.replace(MOBILE, "138****5678").replace(ID, "440881********1233").encode(codec)
    assert render(doc, reps) == expected
    assert (tmp_path / "a.txt").read_bytes() == data  # the source is never modified


def test_replacement_of_a_different_length(tmp_path: Path) -> None:
    doc = _doc(tmp_path, f"当事人张三，电话{MOBILE}。\n".encode())
    seg = next(iter(doc.segments()))
    start = seg.text.index("张三")
    assert render(doc, {seg.id: [Replacement(start, start + 2, "张某", "PERSON")]}) == (
        f"当事人张某，电话{MOBILE}。\n".encode()
    )
    assert (
        render(doc, {seg.id: [Replacement(start, start + 2, "", "PERSON")]})
        == f"当事人，电话{MOBILE}。\n".encode()
    )


def test_markdown_table_cells_carry_the_header_entity(tmp_path: Path) -> None:
    md = (
        "# 2023年公示\n\n| 序号 | 姓名 | 身份证号码 | 联系电话 |\n|:---:|---|---|---:|\n"
        f"| 1 | 张三 | {ID} | {MOBILE} |\n| 2 | **李四** | 44088119900101123 | 无 |\n\n正文段落\n"
    )
    doc = _doc(tmp_path, md.encode(), "t.md")
    segs = list(doc.segments())
    cells = {(s.location.get("row"), s.location.get("column")): s for s in segs if "row" in s.location}
    assert cells[(2, 2)].text == "张三" and cells[(2, 2)].hint_entity == "PERSON"
    assert cells[(2, 3)].hint_entity == "CN_RESIDENT_ID"
    assert cells[(2, 3)].hint_reason == "column header 身份证号码"
    assert cells[(3, 3)].text == "44088119900101123"  # a mistyped ID is still an ID
    assert cells[(2, 4)].hint_entity == "CN_MOBILE"
    assert cells[(2, 1)].hint_entity is None  # 序号 declares nothing
    assert cells[(2, 2)].location["header"] == "姓名"
    assert segs[-1].text == "正文段落" and "row" not in segs[-1].location  # the table has ended
    reps = {cells[(2, 3)].id: [Replacement(6, 14, "********", "CN_RESIDENT_ID")]}
    assert render(doc, reps).decode() == md.replace(ID, "440881********1233")


def test_markdown_pipe_without_separator_is_plain_text(tmp_path: Path) -> None:
    doc = _doc(tmp_path, b"a | b\nc | d\n", "t.md")
    assert [s.text for s in doc.segments()] == ["a | b", "c | d"]
    assert all(s.hint_entity is None for s in doc.segments())


def test_empty_file_is_read_and_has_no_segments(tmp_path: Path) -> None:
    doc = _doc(tmp_path, b"")
    assert list(doc.segments()) == []
    assert render(doc, {}) == b""
    bom_only = _doc(tmp_path, b"\xef\xbb\xbf", "b.txt")
    assert list(bom_only.segments()) == []
    assert render(bom_only, {}) == b"\xef\xbb\xbf"


@pytest.mark.parametrize(
    "data",
    [b"\x00\x01\x02binary\x00" * 50, b"\x80abc" * 40, b"\xfe\xfd\xfc\xfb" * 40, os.urandom(2048) + b"\x00"],
    ids=["nul", "invalid", "private-use-junk", "random"],
)
def test_binary_is_blocked_never_clean(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(BlockedError) as err:
        _doc(tmp_path, data)
    assert err.value.reason == "binary or undecodable content"


def test_unreadable_paths_are_blocked(tmp_path: Path) -> None:
    with pytest.raises(BlockedError) as err:
        text_mod.open_document(tmp_path / "missing.txt", CTX)
    assert err.value.reason == "unreadable"
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(BlockedError) as err:
        text_mod.open_document(tmp_path / "dir.txt", CTX)
    assert err.value.reason == "unreadable"


def test_too_large_is_blocked(tmp_path: Path) -> None:
    ctx = FormatContext(ScanConfig(limits=Limits(max_file_bytes=100)))
    with pytest.raises(BlockedError) as err:
        _doc(tmp_path, b"x" * 101, ctx=ctx)
    assert err.value.reason == "too large"


def test_bad_replacements_raise_mask_error(tmp_path: Path) -> None:
    doc = _doc(tmp_path, b"abc\n")
    with pytest.raises(MaskError):
        render(doc, {99: [Replacement(0, 1, "*", "X")]})
    with pytest.raises(MaskError):
        render(doc, {0: [Replacement(0, 10, "*", "X")]})


def test_source_changed_after_opening_refuses_to_write(tmp_path: Path) -> None:
    doc = _doc(tmp_path, f"电话{MOBILE}\n".encode())
    (tmp_path / "a.txt").write_bytes(f"电话{MOBILE}\n多了一行\n".encode())
    with pytest.raises(MaskError):
        render(doc, {0: [Replacement(2, 13, "*", "X")]})


def test_line_longer_than_a_chunk_is_cut_at_a_safe_place(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(text_mod, "CHUNK_CHARS", 64)
    monkeypatch.setattr(encoding_mod, "READ_BYTES", 16)
    line = "，".join([f"张三电话{MOBILE}"] * 40)  # one line of ~700 characters
    doc = _doc(tmp_path, (line + "\n").encode())
    segs = list(doc.segments())
    assert len(segs) > 5
    assert "".join(s.text for s in segs) == line
    assert all(s.location["line"] == 1 for s in segs)
    assert all(MOBILE in s.text for s in segs if any(c.isdigit() for c in s.text))  # never split
    assert [s.location["offset"] for s in segs] == sorted({s.location["offset"] for s in segs})


LINES = st.lists(
    st.text(alphabet=st.sampled_from(list("张三住址电话号码 \t，。abc0123456789\u3000")), max_size=40),
    max_size=30,
)
NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=LINES,
    nl=NEWLINES,
    chunk=st.integers(8, 64),
    read=st.integers(1, 32),
    codec=st.sampled_from(["utf-8", "gb18030", "utf-16"]),
)
# A tab table: the header names a column, the row below is read cell by cell.
@example(lines=["\t住址", "0\t"], nl="\n", chunk=45, read=1, codec="utf-8")
def test_property_chunking_changes_nothing(tmp_path, monkeypatch, lines, nl, chunk, read, codec) -> None:
    """Streaming in tiny chunks gives the same segments and the same masked bytes as reading
    the file at once; masking a segment changes only that segment's characters."""
    source = nl.join(lines)
    data = source.encode(codec)
    path = tmp_path / "p.txt"
    path.write_bytes(data)
    whole = list(text_mod.open_document(path, CTX).segments())
    with monkeypatch.context() as m:
        m.setattr(text_mod, "CHUNK_CHARS", chunk)
        m.setattr(encoding_mod, "READ_BYTES", read)
        doc = text_mod.open_document(path, CTX)
        streamed = list(doc.segments())
        if chunk >= 45 and nl != "\r":  # every line fits in a chunk: the same segmentation
            assert [(s.text, dict(s.location)) for s in streamed] == [
                (s.text, dict(s.location)) for s in whole
            ]
        assert render(doc, {}) == data
        reps = {s.id: [Replacement(0, len(s.text), "*" * len(s.text), "X")] for s in streamed}
        masked = render(doc, reps).decode(codec)
    # Every non-blank line is masked end to end; line breaks stay. (Whitespace at the edge
    # of a piece of a line longer than a chunk may stay unmasked: it is in no segment.)
    assert len(masked) == len(source)
    for a, b in zip(source, masked, strict=True):
        if a in "\r\n":
            assert b == a
        elif a.isspace():
            assert b in (a, "*")
        else:
            assert b == "*"
    if chunk >= 45 and nl != "\r":
        # Exactly the segments' characters are masked: whole lines, or the cells of a tab
        # table under a header that names its columns (the tabs between cells stay).
        expected = list(source)
        for seg in whole:
            off = seg.location["offset"]
            expected[off : off + len(seg.text)] = "*" * len(seg.text)
        assert masked == "".join(expected)


def test_bytes_that_go_bad_after_opening_block_the_read(tmp_path: Path) -> None:
    doc = _doc(tmp_path, f"第一行\n电话{MOBILE}\n".encode())
    (tmp_path / "a.txt").write_bytes(b"\xff\xfe\xfd" * 10 + b"\x00")
    with pytest.raises(BlockedError) as err:
        list(doc.segments())
    assert err.value.reason == "binary or undecodable content"
