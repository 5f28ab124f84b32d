"""Bad input for .docx/.xlsx is blocked with a stable reason, never clean, never a traceback;
the package writer keeps every other member as it was; text streams map edits to the right
nodes."""

from __future__ import annotations

import io
import itertools
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from deident.config import Limits, ScanConfig
from deident.errors import BlockedError
from deident.formats.base import FormatContext, Replacement
from deident.formats.ooxml import open as ooxml_open
from deident.formats.ooxml.package import Package
from deident.formats.ooxml.text import TextStream, apply_to_string
from tests.factories import documents, office

CTX = FormatContext()


def blocked_reason(tmp_path: Path, data: bytes, suffix: str = ".docx", ctx: FormatContext = CTX) -> str:
    path = tmp_path / f"附件{suffix}"
    path.write_bytes(data)
    with pytest.raises(BlockedError) as info:
        doc = ooxml_open.open_document(path, ctx)
        list(doc.segments())
    return info.value.reason


def rezip(data: bytes, *, drop: str | None = None, add: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != drop:
                out.writestr(info, src.read(info))
        for name, blob in (add or {}).items():
            out.writestr(name, blob)
    return buf.getvalue()


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_password_protected_file_is_encrypted(tmp_path: Path, suffix: str) -> None:
    msoffcrypto = pytest.importorskip("msoffcrypto.format.ooxml")
    data, _ = office.docx_split_runs() if suffix == ".docx" else office.xlsx_roster(2)
    out = io.BytesIO()
    msoffcrypto.OOXMLFile(io.BytesIO(data)).encrypt("口令123", out)
    assert out.getvalue()[:4] == b"\xd0\xcf\x11\xe0"
    assert blocked_reason(tmp_path, out.getvalue(), suffix) == "encrypted"


def test_not_a_zip_is_corrupt(tmp_path: Path) -> None:
    assert blocked_reason(tmp_path, "这不是压缩包".encode() * 20) == "corrupt: not a zip archive"


def test_truncated_zip_is_corrupt(tmp_path: Path) -> None:
    data, _ = office.docx_split_runs()
    assert blocked_reason(tmp_path, data[: len(data) // 2]).startswith("corrupt")


def test_crc_error_is_corrupt(tmp_path: Path) -> None:
    data, (rid,) = office.docx_split_runs()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name in src.namelist():
            zf.writestr(name, src.read(name))
    damaged = bytearray(buf.getvalue())
    pos = bytes(damaged).find(rid[5:12].encode())
    damaged[pos] = ord("x")  # stored member: flip one byte of content, CRC no longer matches
    assert blocked_reason(tmp_path, bytes(damaged)) == "corrupt: bad zip"


def test_missing_content_types_is_corrupt(tmp_path: Path) -> None:
    data, _ = office.docx_split_runs()
    reason = blocked_reason(tmp_path, rezip(data, drop="[Content_Types].xml"))
    assert reason == "corrupt: not an Office Open XML package"


def test_bad_xml_is_corrupt(tmp_path: Path) -> None:
    data, _ = office.docx_split_runs()
    broken = rezip(data, drop="word/document.xml", add={"word/document.xml": b"<w:document><unclosed>"})
    assert blocked_reason(tmp_path, broken) == "corrupt: bad XML"


def test_compression_ratio_bomb_is_too_large(tmp_path: Path) -> None:
    data, _ = office.docx_split_runs()
    bomb = rezip(data, add={"customXml/item9.xml": b"<a>" + b" " * (20 * 1024 * 1024) + b"</a>"})
    assert blocked_reason(tmp_path, bomb) == "too large: compression ratio"


def test_total_uncompressed_size_is_limited(tmp_path: Path) -> None:
    data, _ = office.docx_split_runs()
    ctx = FormatContext(ScanConfig(limits=Limits(max_uncompressed_bytes=1000)))
    assert blocked_reason(tmp_path, data, ctx=ctx) == "too large: uncompressed size"


def test_zip_entry_count_is_limited(tmp_path: Path) -> None:
    data, _ = office.docx_split_runs()
    ctx = FormatContext(ScanConfig(limits=Limits(max_zip_entries=3)))
    assert blocked_reason(tmp_path, data, ctx=ctx) == "too large: too many zip entries"


def test_file_size_is_limited(tmp_path: Path) -> None:
    data, _ = office.docx_split_runs()
    ctx = FormatContext(ScanConfig(limits=Limits(max_file_bytes=100)))
    assert blocked_reason(tmp_path, data, ctx=ctx) == "too large"


@pytest.mark.parametrize("suffix", [".docm", ".xlsm"])
def test_macros_block(tmp_path: Path, suffix: str) -> None:
    data, _ = office.docx_split_runs() if suffix == ".docm" else office.xlsx_roster(1)
    folder = "word" if suffix == ".docm" else "xl"
    with_macros = rezip(data, add={f"{folder}/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really"})
    assert blocked_reason(tmp_path, with_macros, suffix) == "contains macros"


def test_embedded_ole_object_blocks(tmp_path: Path) -> None:
    data, _ = office.docx_split_runs()
    with_ole = rezip(data, add={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 100})
    assert blocked_reason(tmp_path, with_ole) == "embedded object cannot be read"


def test_strict_open_xml_is_unsupported(tmp_path: Path) -> None:
    data, _ = office.docx_split_runs()
    strict = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    strict = strict.replace(office.W.encode(), b"http://purl.oclc.org/ooxml/wordprocessingml/main")
    converted = rezip(data, drop="word/document.xml", add={"word/document.xml": strict})
    assert blocked_reason(tmp_path, converted) == "unsupported type"


def test_imported_html_chunk_blocks(tmp_path: Path) -> None:
    data, _ = office.docx_split_runs()
    with_chunk = rezip(data, add={"word/afchunk.mht": "MIME-Version: 1.0\n\n电话13800138000".encode()})
    assert blocked_reason(tmp_path, with_chunk) == "embedded object cannot be read"


def test_bad_shared_string_index_is_corrupt(tmp_path: Path) -> None:
    x = office.Xlsx()
    x.sheets.append(office.Sheet("表", [["数据"]]))
    data = x.to_bytes()
    sheet = (
        zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").replace(b"<v>0</v>", b"<v>7</v>")
    )
    broken = rezip(data, drop="xl/worksheets/sheet1.xml", add={"xl/worksheets/sheet1.xml": sheet})
    assert blocked_reason(tmp_path, broken, ".xlsx") == "corrupt: bad shared string index"


def test_unreadable_embedded_workbook_blocks(tmp_path: Path) -> None:
    data, _ = office.docx_split_runs()
    broken = rezip(data, add={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": b"PK\x03\x04garbage"})
    assert blocked_reason(tmp_path, broken) == "embedded object cannot be read"


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("13800138000")
    data, _ = office.docx_split_runs()
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<w:document xmlns:w="{office.W}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>'
    ).encode()
    doc = ooxml_open.open_package(
        Package(rezip(data, drop="word/document.xml", add={"word/document.xml": xxe}), CTX.limits),
        "t.docx",
        CTX,
    )
    assert not any("13800138000" in s.text for s in doc.segments())


def test_billion_laughs_is_not_expanded() -> None:
    data, _ = office.docx_split_runs()
    lol = '<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE d [{lol}]><w:document xmlns:w="{office.W}"><w:body><w:p><w:r>'
        "<w:t>&i;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    pkg = Package(rezip(data, drop="word/document.xml", add={"word/document.xml": bomb}), CTX.limits)
    try:
        texts = [s.text for s in ooxml_open.open_package(pkg, "t.docx", CTX).segments()]
    except BlockedError as exc:
        assert exc.reason.startswith("corrupt")
    else:
        assert sum(len(t) for t in texts) < 10_000


def test_writer_keeps_order_compression_and_stored_members() -> None:
    data, _ = office.docx_split_runs()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as out:
        for i, name in enumerate(src.namelist()):
            method = zipfile.ZIP_STORED if i % 2 else zipfile.ZIP_DEFLATED
            out.writestr(zipfile.ZipInfo(name, (2020, 1, 2, 3, 4, 6)), src.read(name), compress_type=method)
    pkg = Package(buf.getvalue(), CTX.limits)
    written = pkg.to_bytes({"word/document.xml": b"<changed/>"})
    before, after = zipfile.ZipFile(buf), zipfile.ZipFile(io.BytesIO(written))
    assert [(i.filename, i.compress_type, i.date_time) for i in before.infolist()] == [
        (i.filename, i.compress_type, i.date_time) for i in after.infolist()
    ]
    for info in before.infolist():
        expected = b"<changed/>" if info.filename == "word/document.xml" else before.read(info)
        assert after.read(info.filename) == expected


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_text_stream_edits_equal_string_edits(data: st.DataObject) -> None:
    """However the text is cut into nodes, editing the nodes gives the same text as editing
    the joined string."""
    text = data.draw(st.text(alphabet="0123456789张三X", min_size=1, max_size=40))
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(text) - 1)), max_size=6)))
    bounds = [0, *[c for c in cuts if c < len(text)], len(text)]
    root = etree.Element("p")
    stream = TextStream()
    for a, b in itertools.pairwise(bounds):
        node = etree.SubElement(root, "t")
        node.text = text[a:b]
        stream.add_node(node)
    assert stream.text == text
    points = sorted(data.draw(st.sets(st.integers(0, len(text)), min_size=2, max_size=6)))
    reps = []
    for a, b in zip(points[0::2], points[1::2], strict=False):
        if a < b:
            new = data.draw(st.sampled_from(["*" * (b - a), "某", "", "〔已屏蔽〕"]))
            reps.append(Replacement(a, b, new, "TEST"))
    stream.apply(reps)
    assert "".join(n.text or "" for n in root) == apply_to_string(text, reps)


def _raw_members(data: bytes) -> dict[str, bytes]:
    """name -> compressed bytes, read from the local headers (independent of deident)."""
    out: dict[str, bytes] = {}
    for info in zipfile.ZipFile(io.BytesIO(data)).infolist():
        start = info.header_offset
        n_len, e_len = (
            int.from_bytes(data[start + 26 : start + 28], "little"),
            int.from_bytes(data[start + 28 : start + 30], "little"),
        )
        begin = start + 30 + n_len + e_len
        out[info.filename] = data[begin : begin + info.compress_size]
    return out


def test_unchanged_members_keep_their_compressed_bytes() -> None:
    data, values = office.docx_headers_footers()
    doc = ooxml_open.open_package(Package(data, CTX.limits), "t.docx", CTX)
    only_first = [values[0]]  # mask one header: every other member must be copied raw
    out = io.BytesIO()
    doc.write_masked(documents.replacements_for(list(doc.segments()), only_first), out)
    before, after = _raw_members(data), _raw_members(out.getvalue())
    assert list(before) == list(after)
    differing = [name for name in before if before[name] != after[name]]
    assert differing == ["word/header1.xml"]
    assert office.leaks(out.getvalue(), only_first) == []


class _NoSeek(io.RawIOBase):
    """A write-only stream: zipfile then writes sizes in data descriptors after each member."""

    def __init__(self) -> None:
        self.buf = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[no-untyped-def]
        self.buf += b
        return len(b)


def test_members_with_data_descriptors_are_copied() -> None:
    data, (rid,) = office.docx_split_runs()
    stream = _NoSeek()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in src.namelist():
            zf.writestr(name, src.read(name))
    streamed = bytes(stream.buf)
    assert any(i.flag_bits & 0x08 for i in zipfile.ZipFile(io.BytesIO(streamed)).infolist())
    doc = ooxml_open.open_package(Package(streamed, CTX.limits), "t.docx", CTX)
    out = io.BytesIO()
    doc.write_masked(documents.replacements_for(list(doc.segments()), [rid]), out)
    masked = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    assert masked.testzip() is None
    assert office.leaks(out.getvalue(), [rid]) == []
    assert masked.read("_rels/.rels") == zipfile.ZipFile(io.BytesIO(data)).read("_rels/.rels")
