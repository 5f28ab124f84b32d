"""Second reading of images: the metadata a viewer shows, parsed from the bytes.

PNG tEXt/iTXt/zTXt/eXIf chunks, JPEG COM and APPn segments (EXIF ImageDescription,
UserComment, XP* tags, XMP), TIFF tag strings, and bytes after the image's end. The pixels
are the structured reader's (OCR); this reading does not need them.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

from deident.verify.exif_gps import gps_piece, xmp_gps_piece
from deident.verify.piece import Piece
from deident.verify.strings import printable_runs, visible


def _png(data: bytes) -> Iterator[Piece]:
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        ctype = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        name = ctype.decode("latin-1")
        if ctype == b"tEXt":
            yield Piece({"png chunk": name}, visible(body.replace(b"\x00", b"\n").decode("latin-1")))
        elif ctype == b"zTXt":
            key, _, rest = body.partition(b"\x00")
            try:
                text = zlib.decompressobj().decompress(rest[1:], 16 * 1024 * 1024)
            except zlib.error:
                text = b""
            yield Piece({"png chunk": name}, visible(key.decode("latin-1") + "\n" + text.decode("latin-1")))
        elif ctype == b"iTXt":
            key, _, rest = body.partition(b"\x00")
            compressed = rest[:1] == b"\x01"
            parts = rest[2:].split(b"\x00", 2)
            text = parts[2] if len(parts) == 3 else b""
            if compressed:
                try:
                    text = zlib.decompressobj().decompress(text, 16 * 1024 * 1024)
                except zlib.error:
                    text = b""
            head = b"\n".join([key, *parts[:2]]).decode("utf-8", "replace")
            yield Piece({"png chunk": name}, visible(head + "\n" + text.decode("utf-8", "replace")))
            xmp = xmp_gps_piece(text, {"png chunk": name})
            if xmp is not None:
                yield xmp
        elif ctype == b"eXIf":
            yield Piece({"png chunk": name}, visible(printable_runs(body)), binary=True)
            gps = gps_piece(body, {"png chunk": name})
            if gps is not None:
                yield gps
        elif ctype not in (b"IDAT", b"IHDR", b"PLTE", b"IEND", b"tRNS", b"gAMA", b"pHYs", b"sRGB", b"cHRM"):
            yield Piece({"png chunk": name}, visible(printable_runs(body)), binary=True)
        if ctype == b"IEND":
            break
    if data[pos:].strip(b"\x00"):
        yield Piece({"image": "bytes after the end"}, visible(printable_runs(data[pos:])), binary=True)


def _jpeg(data: bytes) -> Iterator[Piece]:
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        body = data[pos + 4 : pos + 2 + length]
        if marker == 0xFE:
            yield Piece({"jpeg segment": "COM"}, visible(body.decode("utf-8", "replace")))
        elif 0xE0 <= marker <= 0xEF:
            place = {"jpeg segment": f"APP{marker - 0xE0}"}
            yield Piece(place, visible(_exif_text(body)))
            gps = (
                gps_piece(body[6:], place) if body.startswith(b"Exif\x00\x00") else xmp_gps_piece(body, place)
            )
            if gps is not None:
                yield gps
        if marker == 0xDA:  # start of scan: entropy-coded data follows until EOI
            end = data.rfind(b"\xff\xd9")
            if end >= 0 and data[end + 2 :].strip(b"\x00"):
                yield Piece(
                    {"image": "bytes after the end"}, visible(printable_runs(data[end + 2 :])), binary=True
                )
            return
        pos += 2 + length


def _exif_text(body: bytes) -> str:
    """Strings of an EXIF/XMP block: ASCII and UTF-8 runs, UTF-16 (XP tags, UserComment UNICODE)
    in both byte orders."""
    texts = [printable_runs(body)]
    for marker in (b"UNICODE\x00",):
        i = body.find(marker)
        while i >= 0:
            chunk = body[i + 8 : i + 8 + 4096]
            for enc in ("utf-16-le", "utf-16-be"):
                texts.append(chunk[: len(chunk) // 2 * 2].decode(enc, "replace").split("\x00")[0])
            i = body.find(marker, i + 1)
    return "\n".join(texts)


def read_image(data: bytes) -> Iterator[Piece]:
    if data.startswith(b"\x89PNG"):
        yield from _png(data)
    elif data.startswith(b"\xff\xd8"):
        yield from _jpeg(data)
    elif data.startswith((b"II*\x00", b"MM\x00*", b"GIF8", b"RIFF")):
        # TIFF tags, GIF comments, WebP chunks: every printable run outside the pixel data is
        # too costly to separate here; the runs of the whole file are read (pixels rarely
        # form text of four printable characters in a row that is also a valid ID).
        yield Piece({"image": "strings"}, visible(printable_runs(data)), binary=True)
        gps = gps_piece(data, {"image": "tiff"}) or xmp_gps_piece(data, {"image": "xmp"})
        if gps is not None:
            yield gps
