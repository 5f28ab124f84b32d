"""Second reading of zip packages (OOXML, ODF, OFD, plain zip): every string of every member.

XML members give their character data (inline markup joined, block ends as line breaks),
comments, CDATA, processing instructions, DTD text, every attribute value and every unusual
element or attribute name. Other members are read by their own kind (an embedded workbook,
a picture's metadata) or as printable runs. The zip comment, bytes before the first member
and after the end record are read too. Two members with one name block the file: readers
disagree about which one counts.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath

from deident.config import Limits
from deident.errors import BlockedError
from deident.verify.piece import Piece, Recurse, kind_of
from deident.verify.strings import attribute_values, css_unescape, markup_text, names, printable_runs, visible
from deident.verify.text import decode_text

_EOCD = b"PK\x05\x06"
_PLAIN_NAME = re.compile(r"^[A-Za-z_:][A-Za-z0-9_.:-]{0,40}$")
_DIGITS = re.compile(r"\d{5,}")
_GLUE = re.compile(r"(?<=[^\d\s])(?=\d)|(?<=\d)(?=[^\d\sXx])")


def _outside(data: bytes, zf: zipfile.ZipFile) -> Iterator[Piece]:
    end = data.rfind(_EOCD)
    if end >= 0 and end + 22 <= len(data):
        (clen,) = struct.unpack("<H", data[end + 20 : end + 22])
        tail = data[end + 22 + clen :]
        if tail.strip(b"\x00"):
            yield Piece({"zip": "bytes after the end record"}, visible(printable_runs(tail)), binary=True)
    first = min((i.header_offset for i in zf.infolist()), default=0)
    if first > 0:
        yield Piece(
            {"zip": "bytes before the first member"}, visible(printable_runs(data[:first])), binary=True
        )
    if zf.comment:
        yield Piece({"zip": "comment"}, visible(decode_text(zf.comment)))


def xml_pieces(source: str, place: dict[str, str]) -> Iterator[Piece]:
    yield Piece({**place, "text": "character data"}, visible(markup_text(source)))
    attrs = [v for v in attribute_values(source) if v.strip()]
    if attrs:
        yield Piece({**place, "text": "attribute values"}, visible("\n".join(attrs)))
    odd = sorted(n for n in names(source) if not _PLAIN_NAME.match(n) or _DIGITS.search(n))
    if odd:
        # ID110101… as a name: the letters glued to the digits would hide the number.
        split = (_GLUE.sub(" ", n) for n in odd)
        yield Piece({**place, "text": "names"}, visible("\n".join(split)))


_CELL = re.compile(r"<c\b[^>]*?>(.*?)</c>", re.DOTALL)
_CACHED = re.compile(r"<v>\s*[^<\s]|<is>")
_FORMULA = re.compile(r"<f\b[^>]*>(.*?)</f>", re.DOTALL)
# A formula that builds text (a literal, &, CONCAT, TEXT, CHAR, REPT …) shows a value that is
# in no cell: without a cached value nobody but a spreadsheet engine knows it.
_BUILDS_TEXT = re.compile(r"&quot;|\"|&amp;|&|CONCAT|TEXT\(|CHAR\(|REPT\(|MID\(|LEFT\(|RIGHT\(", re.I)


def _formulas_without_values(name: str, text: str) -> None:
    if not re.match(r"xl/worksheets/[^/]+\.xml$", name) or "<f" not in text:
        return
    for cell in _CELL.finditer(text):
        inner = cell.group(1)
        f = _FORMULA.search(inner)
        if f and not _CACHED.search(inner) and _BUILDS_TEXT.search(f.group(1)):
            raise BlockedError(
                "formula without a cached value",
                "a cell builds text by a formula and the file holds no computed value; "
                "open and save it in Excel or WPS (which stores the values) and scan again",
            )


def _member(name: str, data: bytes, recurse: Recurse) -> Iterator[Piece]:
    suffix = PurePosixPath(name).suffix.lower()
    head = data[:200].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    kind = kind_of(data, suffix)
    if kind in ("zip", "pdf", "image", "ole") or (kind == "html" and not head.startswith(b"<?xml")):
        for p in recurse(data, suffix):
            yield Piece({"member": name, **p.place}, p.text)
        return
    text = decode_text(data)
    if head.startswith(b"<") or suffix in (".xml", ".rels", ".vml", ".xhtml", ".svg"):
        _formulas_without_values(name, text)
        yield from xml_pieces(text, {"member": name})
        if "\\" in text:  # CSS-style escapes in VML styles or embedded CSS
            unescaped = css_unescape(text)
            if unescaped != text:
                yield Piece({"member": name, "text": "CSS escapes decoded"}, visible(unescaped))
    elif suffix in (".rtf",) or head.startswith(b"{\\rtf"):
        for p in recurse(data, ".rtf"):
            yield Piece({"member": name, **p.place}, p.text)
    elif _mostly_text(data):
        yield Piece({"member": name, "text": "raw text"}, visible(text))
    else:
        yield Piece({"member": name, "text": "strings"}, visible(printable_runs(data)), binary=True)


def _mostly_text(data: bytes) -> bool:
    sample = data[:4096]
    if not sample:
        return True
    bad = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bad / len(sample) < 0.02


def read_zip(data: bytes, limits: Limits, recurse: Recurse) -> Iterator[Piece]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BlockedError("corrupt: bad zip", "the second reading cannot open the package") from exc
    if len(infos) > limits.max_zip_entries:
        raise BlockedError("too large", f"{len(infos)} members, limit {limits.max_zip_entries}")
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:
            raise BlockedError(
                "ambiguous package", "two members share one name; readers disagree about which counts"
            )
        seen.add(info.filename)
    yield Piece({"zip": "member names"}, visible("\n".join(i.filename for i in infos)))
    yield from _outside(data, zf)
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        total += info.file_size
        if total > limits.max_uncompressed_bytes:
            raise BlockedError("too large", "the package unpacks beyond the size limit")
        ratio = info.file_size / info.compress_size if info.compress_size else 0.0
        if ratio > limits.max_compression_ratio and info.file_size > 1024 * 1024:
            raise BlockedError("too large", "a member is compressed beyond the ratio limit")
        try:
            with zf.open(info) as fh:
                body = fh.read(info.file_size + 1)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
            raise BlockedError("corrupt: bad zip", "a member cannot be unpacked") from exc
        if len(body) > info.file_size:
            raise BlockedError("corrupt: bad zip", "a member is longer than its declared size")
        yield from _member(info.filename, body, recurse)
