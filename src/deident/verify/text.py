"""Second reading of plain text, RTF and legacy binary (OLE) files: the raw bytes decoded."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

from deident.verify.piece import Piece
from deident.verify.strings import printable_runs, visible

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_RTF_HEX = re.compile(rb"\\'([0-9a-fA-F]{2})")
_RTF_U = re.compile(rb"\\u(-?\d{1,6}) ?(?:\\'[0-9a-fA-F]{2}|\?)?")
_RTF_CTRL = re.compile(r"\\[a-zA-Z]+-?\d* ?|[{}]")


def decode_text(data: bytes) -> str:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, "replace")
    if data[:200].count(b"\x00") > 20:  # UTF-16 without BOM
        return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


def _rtf(data: bytes) -> str:
    def uni(m: re.Match[bytes]) -> bytes:
        n = int(m.group(1))
        return chr(n % 65536).encode("utf-8")

    data = _RTF_U.sub(uni, data)

    # \'hh escapes: a run of them is one GBK (or cp1252) string.
    def hexrun(m: re.Match[bytes]) -> bytes:
        raw = bytes(int(h, 16) for h in re.findall(rb"\\'([0-9a-fA-F]{2})", m.group()))
        return raw.decode("gb18030", "replace").encode("utf-8")

    data = re.sub(rb"(?:\\'[0-9a-fA-F]{2})+", hexrun, data)
    text = data.decode("utf-8", "replace")
    return _RTF_CTRL.sub("", text)


def read_other(data: bytes, kind: str) -> Iterator[Piece]:
    if kind == "rtf":
        yield Piece({"reading": "rtf source"}, visible(_rtf(data)))
        yield Piece({"reading": "raw source"}, visible(data.decode("latin-1")))
    elif kind == "ole" or _binary(data):
        yield Piece({"reading": "strings"}, visible(printable_runs(data)), binary=True)
    else:
        yield Piece({"reading": "raw text"}, visible(decode_text(data)))


_CONTROL = bytes(range(0x09)) + bytes(range(0x0E, 0x20))


def _binary(data: bytes) -> bool:
    """Compressed or binary data (a .warc.gz, an unknown format): decoded as GB 18030 it would
    read as Han text full of 'names'. Text has almost no control bytes; binary data has many."""
    head = data[:8192]
    if not head or head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:200].count(b"\x00") > 20:
        return False  # UTF-16 text, decoded as such
    return sum(head.count(c) for c in _CONTROL) > len(head) // 100
