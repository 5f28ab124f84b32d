"""Second reading of PDF: a second text engine and every other place a value can hide.

- PDFium's text of every page (lines stay lines; it shares nothing with the pdfminer walk
  of `deident.formats`);
- every string object of every object in the cross-reference table, referenced or not
  (annotations, link URIs and /Launch targets, /ActualText, form fields and combo-box /Opt,
  page labels, outlines, JavaScript strings, the Info dictionary);
- streams that are not pictures or fonts: XMP and other XML, JavaScript, and the string
  operands of content streams (form XObjects and tiling patterns no page shows included);
- embedded files and /AF associated files, read by their own kind;
- every old revision (PDFium's text of the file cut at each earlier %%EOF, and the raw
  objects of the file body) and every byte after the last %%EOF.
Optionally rendered pages are OCR'd (`deident.verify.ocr`).
"""

from __future__ import annotations

import contextlib
import re
import zlib
from collections.abc import Iterator
from typing import Any

from deident.config import Limits
from deident.errors import BlockedError
from deident.verify import handoff
from deident.verify.image import read_image
from deident.verify.piece import Piece, Recurse
from deident.verify.strings import printable_runs, visible

_EOF = re.compile(rb"%%EOF")
_RAW_OBJ = re.compile(rb"(\d{1,10})\s+(\d{1,5})\s+obj\b(.*?)\bendobj", re.DOTALL)
_RAW_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_LITERAL = rb"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)"
_ARRAY = re.compile(rb"\[((?:\s*(?:" + _LITERAL + rb"|<[0-9A-Fa-f\s]*>|-?[\d.]+))*)\s*\]")
_STRING = re.compile(_LITERAL + rb"|<([0-9A-Fa-f\s]{2,})>(?!>)")
_ESC = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_MAX_REVISIONS = 1000
# Hex strings of one to four bytes on a line of a ToUnicode map, with the spaces between them.
_CMAP_CODES = re.compile(rb"(?<![0-9A-Fa-f<])[ \t]*<[0-9A-Fa-f]{1,8}>[ \t]*(?=[\s<\[\]]|$)")
_MAX_STREAM = 32 * 1024 * 1024


def _literal(raw: bytes) -> bytes:
    out = bytearray()
    i, n = 1, len(raw) - 1
    while i < n:
        c = raw[i : i + 1]
        if c == b"\\" and i + 1 < n:
            e = raw[i + 1 : i + 2]
            if e in _ESC:
                out += _ESC[e]
                i += 2
            elif e.isdigit():
                m = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
                out.append(int(m.group(), 8) & 0xFF if m else 0)
                i += 1 + (len(m.group()) if m else 1)
            elif e in b"\r\n":
                i += 2
            else:
                out += e
                i += 2
        else:
            out += c
            i += 1
    return bytes(out)


def _decode_pdf_string(b: bytes) -> str:
    if b.startswith((b"\xfe\xff", b"\xff\xfe")):
        return b.decode("utf-16", "replace")
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b.decode("latin-1")


def _one(m: re.Match[bytes]) -> str:
    if m.group(1) is not None:
        hexs = re.sub(rb"\s", b"", m.group(1))
        try:
            b = bytes.fromhex(hexs.decode() + ("0" if len(hexs) % 2 else ""))
        except ValueError:
            return ""
        if b.startswith((b"\xfe\xff", b"\xff\xfe")):
            return b.decode("utf-16", "replace")
        return b.decode("latin-1") if all(32 <= x < 127 for x in b) else ""
    return _decode_pdf_string(_literal(m.group()))


def operand_strings(content: bytes) -> str:
    """The string operands of a content stream or raw object: a TJ array is one string (its
    kerning numbers dropped), every other string its own line."""
    arrays: list[tuple[int, int, str]] = []
    for a in _ARRAY.finditer(content):
        arrays.append((a.start(), a.end(), "".join(_one(m) for m in _STRING.finditer(a.group(1)))))
    lines: list[str] = []
    k = 0
    for m in _STRING.finditer(content):
        while k < len(arrays) and arrays[k][1] <= m.start():
            lines.append(arrays[k][2])
            k += 1
        if k < len(arrays) and arrays[k][0] <= m.start() < arrays[k][1]:
            continue
        lines.append(_one(m))
    lines.extend(a[2] for a in arrays[k:])
    return "\n".join(s for s in lines if s.strip())


def _pdfium_pages(data: bytes, place: dict[str, Any]) -> Iterator[Piece]:
    import pypdfium2 as pdfium

    offered = handoff.take(data)
    if offered is not None:  # PDFium's text of these pages, read by the first reading (`handoff`)
        for i, text in enumerate(offered):
            if text.strip():
                yield Piece({**place, "page": i + 1}, visible(text))
        return
    doc = pdfium.PdfDocument(data)
    try:
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            text = tp.get_text_bounded()
            tp.close()
            page.close()
            if text.strip():
                yield Piece({**place, "page": i + 1}, visible(text))
    finally:
        doc.close()


def _strings_of(obj: Any, out: list[str], depth: int = 0) -> None:
    import pikepdf

    if depth > 64:
        return
    if isinstance(obj, pikepdf.String):
        out.append(_decode_pdf_string(bytes(obj)) if not bytes(obj).startswith(b"\xfe\xff") else str(obj))
    elif isinstance(obj, pikepdf.Name):
        s = str(obj)
        if not s.isascii():
            out.append(s[1:])
    elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
        for key in obj.keys():  # noqa: SIM118 - a pikepdf Dictionary
            if not key.isascii():
                out.append(key[1:])
            child = obj.get(key)
            if child is not None and not getattr(child, "is_indirect", False):
                _strings_of(child, out, depth + 1)
    elif isinstance(obj, pikepdf.Array):
        for child in obj:
            if not getattr(child, "is_indirect", False):
                _strings_of(child, out, depth + 1)


# In an object's own syntax: a literal string, a hex string (a "<" that does not open or close a
# dictionary) or a name with an escaped byte (every non-ASCII name has one).
_TEXT_SYNTAX = re.compile(rb"[(#]|(?<!<)<(?!<)")


def _may_hold_text(obj: Any) -> bool:
    """False when the object's own syntax (its direct children included) holds no string and no
    non-ASCII name: most objects are numbers, names and references, and walking them in Python
    is the slow part of this reading."""
    import pikepdf

    try:
        raw = (obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj).unparse(resolved=True)
    except Exception:  # an object qpdf cannot write back: walk it
        return True
    return _TEXT_SYNTAX.search(raw) is not None


def _stream_pieces(
    obj: Any, where: dict[str, Any], recurse: Recurse, shown: set[tuple[int, int]]
) -> Iterator[Piece]:
    import pikepdf

    subtype, kind = obj.get("/Subtype"), obj.get("/Type")
    if subtype == pikepdf.Name.Image:
        yield from _photo_position(obj, where)
    if (
        subtype == pikepdf.Name.Image
        or "/FontFile" in str(obj.get("/Length1", ""))
        or kind
        in (
            pikepdf.Name.XRef,
            pikepdf.Name.ObjStm,
        )
    ):
        return
    if any(k in obj for k in ("/Length1", "/Length2", "/Length3")) or subtype in (
        pikepdf.Name("/Type1C"),
        pikepdf.Name("/CIDFontType0C"),
        pikepdf.Name("/OpenType"),
    ):
        return  # a font program
    try:
        body = obj.read_bytes()
    except pikepdf.PdfError:
        return  # a filter only a picture decoder knows; pictures are read by OCR in the reader
    if len(body) > _MAX_STREAM:
        raise BlockedError("too large", "a PDF stream unpacks beyond the second reading's limit")
    if kind == pikepdf.Name.EmbeddedFile:
        for p in recurse(body, ""):
            yield Piece({**where, "embedded file": True, **p.place}, p.text)
        return
    if subtype == pikepdf.Name.XML or body.lstrip()[:1] == b"<":
        from deident.verify.package import xml_pieces

        yield from xml_pieces(body.decode("utf-8", "replace"), {**where})
        return
    # The content streams of pages are PDFium's to read (its text, above); the string operands
    # of every other stream (unused forms, tiling patterns, annotation appearances) are read here.
    cmap = b"begincmap" in body[:4096]  # a ToUnicode map: codes to single characters
    text = "" if obj.objgen in shown or cmap else operand_strings(body)
    if text:
        yield Piece({**where, "text": "stream strings"}, visible(text))
    content = b"BT" in body and b"ET" in body  # text operators: the string operands are read above
    if not content and _printable(body):  # JavaScript and other plain text
        if cmap:
            # A ToUnicode map's codes and characters (<01> <5173>: PDFium's text shows what they
            # map to) are left out; what else it holds (comments, long hex strings) is read.
            body = _CMAP_CODES.sub(b"", body)
        yield Piece({**where, "text": "stream text"}, visible(body.decode("utf-8", "replace")))


def _photo_position(obj: Any, where: dict[str, Any]) -> Iterator[Piece]:
    """A JPEG picture keeps the photo's EXIF: its GPS position, read by the image reading."""
    import pikepdf

    filters = obj.get("/Filter")
    last = filters[-1] if isinstance(filters, pikepdf.Array) and len(filters) else filters
    if last != pikepdf.Name.DCTDecode:
        return
    jpeg = _undo_flate(obj, filters)
    for p in read_image(jpeg or b""):
        if p.hint is not None:
            yield Piece({**where, **p.place}, p.text, hint=p.hint, hint_reason=p.hint_reason)


def _undo_flate(obj: Any, filters: Any) -> bytes | None:
    """The stream's bytes with the filters before its last one undone: only FlateDecode is
    written there in practice ([/FlateDecode /DCTDecode]); anything else gives None."""
    import zlib

    import pikepdf

    data = obj.read_raw_bytes()
    before = list(filters)[:-1] if isinstance(filters, pikepdf.Array) else []
    for f in reversed(before):
        if f != pikepdf.Name.FlateDecode:
            return None
        try:
            data = zlib.decompressobj().decompress(data, 64 * 1024 * 1024)
        except zlib.error:
            return None
    return data


# Every byte but the control characters (below 9, 14 to 31): deleting them leaves the controls.
_NOT_CONTROL = bytes(x for x in range(256) if not (x < 9 or 13 < x < 32))


def _printable(b: bytes) -> bool:
    sample = b[:4096]
    return bool(sample) and len(sample.translate(None, _NOT_CONTROL)) / len(sample) < 0.02


def _page_contents(pdf: Any) -> set[tuple[int, int]]:
    import pikepdf

    out: set[tuple[int, int]] = set()
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        for c in contents if isinstance(contents, pikepdf.Array) else [contents]:
            if isinstance(c, pikepdf.Stream) and c.is_indirect:
                out.add(c.objgen)
    return out


def _objects(data: bytes, limits: Limits, recurse: Recurse, live: set[tuple[int, int]]) -> Iterator[Piece]:
    import pikepdf

    try:
        pdf = pikepdf.open(__import__("io").BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise BlockedError("encrypted", "the PDF needs a password") from exc
    except pikepdf.PdfError as exc:
        raise BlockedError("corrupt", "the second reading cannot open the PDF") from exc
    with pdf:
        if len(pdf.pages) > limits.max_pdf_pages:
            raise BlockedError("too large", f"{len(pdf.pages)} pages, limit {limits.max_pdf_pages}")
        shown = _page_contents(pdf)
        for obj in pdf.objects:
            if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream, pikepdf.String)):
                continue
            live.add(obj.objgen)
            where = {"object": f"{obj.objgen[0]} {obj.objgen[1]}"}
            out: list[str] = []
            if _may_hold_text(obj):
                _strings_of(obj, out)
            if out:
                yield Piece({**where, "text": "strings"}, visible("\n".join(out)))
            if isinstance(obj, pikepdf.Stream):
                yield from _stream_pieces(obj, where, recurse, shown)
        if hidden_objects(data, live, pdf):
            live.add((-1, -1))


def _raw_body(data: bytes) -> Iterator[Piece]:
    """Objects as they stand in the bytes of the file, old revisions included."""
    for m in _RAW_OBJ.finditer(data):
        where = {"raw object": f"{int(m.group(1))} {int(m.group(2))}", "offset": m.start()}
        body = m.group(3)
        s = _RAW_STREAM.search(body)
        head = body[: s.start()] if s else body
        text = operand_strings(head)
        if s and b"/FlateDecode" in head and b"/Image" not in head:
            try:
                d = zlib.decompressobj()
                plain = d.decompress(s.group(1), _MAX_STREAM)
                text += "\n" + operand_strings(plain)
            except zlib.error:
                pass
        if text.strip():
            yield Piece(where, visible(text))


_OBJ_WORD = re.compile(rb"obj\b")
_OBJ_NUMBERS = re.compile(rb"(?<!\d)(\d{1,10})\s+(\d{1,5})\s+$")


def object_heads(data: bytes) -> Iterator[tuple[int, int]]:
    """(number, generation) of every "N G obj" in the bytes: the literal word is found first
    (fast), the numbers read backwards from it."""
    for m in _OBJ_WORD.finditer(data):
        at = m.start()
        if at and data[at - 1 : at] in b" \t\r\n\x00\x0c":
            n = _OBJ_NUMBERS.search(data, max(0, at - 24), at)
            if n:
                yield int(n.group(1)), int(n.group(2))


def hidden_objects(data: bytes, live: set[tuple[int, int]], pdf: Any) -> bool:
    """True when the bytes hold an object twice or one the cross-reference table does not list
    (`live`: objects known to be listed, not looked up again)."""
    import pikepdf

    seen: set[tuple[int, int]] = set()
    for key in object_heads(data):
        if key in seen:
            return True
        seen.add(key)
        if key not in live:
            try:
                obj = pdf.get_object(key)
            except (pikepdf.PdfError, ValueError):
                return True
            if obj is None or (isinstance(obj, pikepdf.Object) and obj._type_code == pikepdf.ObjectType.null):
                return True
    return False


def read_pdf(data: bytes, limits: Limits, recurse: Recurse, *, ocr: bool = False) -> Iterator[Piece]:
    try:
        yield from _pdfium_pages(data, {})
    except BlockedError:
        raise
    except Exception as exc:  # PdfiumError: a second engine that cannot read the file
        if "password" in str(exc).lower():
            raise BlockedError("encrypted", "the PDF needs a password") from exc
        raise BlockedError("corrupt", "the second PDF engine cannot read the file") from exc
    live: set[tuple[int, int]] = set()
    yield from _objects(data, limits, recurse, live)
    eofs = [m.start() for m in _EOF.finditer(data)]
    if len(eofs) > _MAX_REVISIONS:
        raise BlockedError("too many revisions", f"{len(eofs)} revisions; save the file once and retry")
    last = eofs[-1] + 5 if eofs else len(data)
    tail = data[last:]
    if tail.strip():
        yield Piece({"bytes after the last %%EOF": True}, visible(printable_runs(tail)), binary=True)
    if len(eofs) > 1:
        for n, end in enumerate(eofs[:-1], start=1):
            # A linearization stub is no revision: it may not open; the raw objects are read below.
            with contextlib.suppress(Exception):
                yield from _pdfium_pages(data[: end + 5], {"revision": n})
    if len(eofs) > 1 or tail.strip() or (-1, -1) in live:
        yield from _raw_body(data)
    if ocr:
        from deident.verify.ocr import ocr_pdf

        yield from ocr_pdf(data)
