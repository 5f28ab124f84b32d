"""Encoding detection and round trip (formats/encoding.py), with real files on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deident.errors import BlockedError, MaskError
from deident.formats.base import Replacement
from deident.formats.common.encoding import (
    UNDECODABLE,
    Encoder,
    SourceMap,
    TextEncoding,
    apply_edits,
    decode_bytes,
    detect_file,
    edits_for,
    iter_decoded,
    sniff_bom,
)

SAMPLE = "关于张三同志的公示\r\n联系电话：13812345678\r\n身份证号：440881199001011233\n地址：广州市天河区\n"


def _write(tmp_path: Path, data: bytes, name: str = "f.txt") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


# (how the file is written, the TextEncoding we expect to find)
ENCODINGS = [
    (lambda s: s.encode("utf-8"), TextEncoding("utf-8")),
    (lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"), TextEncoding("utf-8", b"\xef\xbb\xbf")),
    (lambda s: s.encode("gbk"), TextEncoding("gb18030")),
    (lambda s: s.encode("gb18030"), TextEncoding("gb18030")),
    (lambda s: s.encode("utf-16"), TextEncoding("utf-16-le", b"\xff\xfe")),  # CPython writes LE + BOM
    (lambda s: b"\xfe\xff" + s.encode("utf-16-be"), TextEncoding("utf-16-be", b"\xfe\xff")),
    (lambda s: s.encode("utf-16-le"), TextEncoding("utf-16-le")),  # BOM-less: found by NUL parity
    (lambda s: s.encode("utf-16-be"), TextEncoding("utf-16-be")),
    (lambda s: b"\xff\xfe\x00\x00" + s.encode("utf-32-le"), TextEncoding("utf-32-le", b"\xff\xfe\x00\x00")),
    (lambda s: s.encode("big5"), TextEncoding("big5")),
]
IDS = [
    "utf8",
    "utf8-bom",
    "gbk",
    "gb18030",
    "utf16-bom",
    "utf16be-bom",
    "utf16le",
    "utf16be",
    "utf32",
    "big5",
]


@pytest.mark.parametrize(("make", "expected"), ENCODINGS, ids=IDS)
def test_detect_file_finds_encoding_and_round_trips(tmp_path: Path, make, expected: TextEncoding) -> None:
    text = SAMPLE if expected.codec != "big5" else "臺灣地區居民 電話：0912345678\r\n身分證：A123456789\n"
    data = make(text)
    path = _write(tmp_path, data)
    enc = detect_file(path)
    assert enc == expected
    decoded = "".join(iter_decoded(path, enc))
    assert decoded == text  # newlines are not translated
    encoder = Encoder(enc)
    assert encoder.encode(decoded) + encoder.encode("", final=True) == data


@pytest.mark.parametrize(("make", "expected"), ENCODINGS, ids=IDS)
def test_decode_bytes_agrees_with_detect_file(make, expected: TextEncoding) -> None:
    text = SAMPLE if expected.codec != "big5" else "臺灣地區居民 電話：0912345678\r\n"
    decoded, enc = decode_bytes(make(text))
    assert (decoded, enc) == (text, expected)


def test_empty_file_is_utf8_and_has_no_text(tmp_path: Path) -> None:
    path = _write(tmp_path, b"")
    assert detect_file(path) == TextEncoding("utf-8")
    assert list(iter_decoded(path, TextEncoding("utf-8"))) == []
    assert decode_bytes(b"") == ("", TextEncoding("utf-8"))


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,  # an image renamed .txt
        b"PK\x03\x04\x14\x00\x06\x00" + bytes(200),  # a zip (docx) renamed .txt
        os.urandom(4096) + b"\x00",  # random bytes
        b"\x01\x02\x03\x04\x05\x06\x07\x08" * 200,  # control characters, no NUL
        ("正常的文字" * 100).encode("utf-8") + b"\xff\xfe\xfd" + ("更多文字" * 100).encode("utf-8"),
        b"\xff" * 50 + "文字".encode("gbk"),  # invalid under every candidate
    ],
    ids=["png", "zip", "random", "controls", "broken-utf8", "invalid-everywhere"],
)
def test_binary_or_undecodable_is_blocked(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path, data)
    with pytest.raises(BlockedError) as err:
        detect_file(path)
    assert err.value.reason == UNDECODABLE
    with pytest.raises(BlockedError) as err2:
        decode_bytes(data)
    assert err2.value.reason == UNDECODABLE


def test_damaged_utf8_is_not_decoded_as_gb18030(tmp_path: Path) -> None:
    # Every byte of this decodes as GB18030, which would silently garble names: fail closed.
    # (characters chosen so that their UTF-8 bytes pair up as valid GB18030)
    good = "张三李四住广州市天河区体育西路号电话联系人王五赵六身份证公示名单" * 20
    data = good.encode("utf-8") + b"\xc3\xc3" + good.encode("utf-8")
    data.decode("gb18030")  # the trap is real
    with pytest.raises(BlockedError):
        detect_file(_write(tmp_path, data))


def test_gbk_late_in_a_large_ascii_file_is_found(tmp_path: Path) -> None:
    # The sample is pure ASCII; the whole file is verified, so UTF-8 is rejected later.
    data = b"a" * 200_000 + "张三 13812345678".encode("gbk")
    enc = detect_file(_write(tmp_path, data))
    assert enc.codec == "gb18030"


def test_declared_charset_is_used_when_utf8_fails() -> None:
    data = "<meta charset=gb2312>张三".encode("gbk")
    assert decode_bytes(data, "gb2312") == ("<meta charset=gb2312>张三", TextEncoding("gb18030"))
    # A page that says GBK but is valid UTF-8 is UTF-8 (a common CMS mistake).
    utf = "<meta charset=gbk>张三".encode()
    assert decode_bytes(utf, "gbk")[1] == TextEncoding("utf-8")


def test_unreadable_path_is_blocked(tmp_path: Path) -> None:
    with pytest.raises(BlockedError) as err:
        detect_file(tmp_path / "missing.txt")
    assert err.value.reason == "unreadable"


def test_sniff_bom_prefers_utf32_over_utf16() -> None:
    assert sniff_bom(b"\xff\xfe\x00\x00abc") == TextEncoding("utf-32-le", b"\xff\xfe\x00\x00")
    assert sniff_bom(b"\xff\xfea\x00") == TextEncoding("utf-16-le", b"\xff\xfe")
    assert sniff_bom(b"abc") is None


def test_encoder_refuses_characters_the_encoding_cannot_hold() -> None:
    with pytest.raises(MaskError):
        Encoder(TextEncoding("big5")).encode("😀")


# --- source maps and edits ---------------------------------------------------------------


def test_contiguous_map_edits() -> None:
    src = "xx电话13812345678yy"
    edits = edits_for(SourceMap(2), [Replacement(2, 13, "138****5678", "CN_MOBILE")], length=13)
    assert apply_edits(src, edits) == "xx电话138****5678yy"


def test_explicit_map_puts_replacement_in_first_span_and_empties_the_rest() -> None:
    # segment text "1381" came from "&#49;" + "38" + (tag) + "1"
    src = "&#49;38<b>1</b>"
    smap = SourceMap.from_chars([0, 5, 6, 10], [5, 6, 7, 11])
    edits = edits_for(smap, [Replacement(0, 4, "****", "X")], length=4)
    assert apply_edits(src, edits) == "****<b></b>"
    shorter = edits_for(smap, [Replacement(1, 3, "", "X")], length=4)
    assert apply_edits(src, shorter) == "&#49;<b>1</b>"


def test_out_of_range_and_overlapping_edits_raise() -> None:
    with pytest.raises(MaskError):
        edits_for(SourceMap(0), [Replacement(3, 9, "*", "X")], length=5)
    with pytest.raises(MaskError):
        apply_edits("abcdef", [(0, 3, "x"), (2, 4, "y")])


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(
        alphabet=st.sampled_from(list("张三李四王五住址电话号码身份证abcXYZ0123456789 ，。\r\n")),
        max_size=300,
    ),
    codec=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
)
def test_property_detection_round_trips_bytes(tmp_path: Path, text: str, codec: str) -> None:
    data = text.encode(codec)
    path = _write(tmp_path, data, "p.txt")
    enc = detect_file(path)
    decoded = "".join(iter_decoded(path, enc))
    encoder = Encoder(enc)
    assert encoder.encode(decoded) + encoder.encode("", final=True) == data
    if codec in ("utf-8", "utf-8-sig", "utf-16"):
        assert decoded == text
