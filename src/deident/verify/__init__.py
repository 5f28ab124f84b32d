"""The second, independent reading of a file (DESIGN.md section 7).

The structured readers in `deident.formats` give text with locations for masking; a blind
spot of theirs (lines joined into one digit run, a part they do not know) would be invisible
to their own re-read of the masked copy. This package reads every file a second time by other
means and shares no code path with them: every string of every member of a zip package
(comments, attributes, processing instructions, names, non-XML parts, the zip comment, bytes
after the end record), PDFium's text plus every string object, embedded file, old revision
and trailing byte of a PDF, the raw HTML source with entities, CSS escapes and URLs decoded,
image metadata, the raw decoded text. Optionally (`ocr=True`) rendered PDF pages are OCR'd.

`second_reading(path)` yields `Piece`s; `deident.verify.compare` scans them with the shared
detection engine and says which values the structured reading did not see.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deident.config import Limits

# Nested containers (an .xlsx embedded in a .docx attached to a PDF) are read to this depth.
MAX_DEPTH = 4


@dataclass(frozen=True, slots=True)
class Piece:
    """A text the second reading found and where: `place` is JSON-serialisable."""

    place: Mapping[str, Any]
    text: str


_ZIP = {".docx", ".docm", ".xlsx", ".xlsm", ".pptx", ".odt", ".ods", ".zip", ".ofd"}
_HTML = {".html", ".htm", ".shtml", ".xhtml"}
_IMAGE = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"}
_TEXT = {".txt", ".md", ".markdown", ".csv", ".tsv", ".json", ".xml"}


def kind_of(data: bytes, suffix: str = "") -> str:
    """The family of `data`, by its magic bytes first and its suffix second."""
    head = data[:1024]
    if head.startswith(b"%PDF") or b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF8")):
        return "image"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    s = suffix.lower()
    if s in _ZIP:
        return "zip"
    if s in _HTML or head.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        return "html"
    if s in _IMAGE:
        return "image"
    return "text"


def read_bytes(
    data: bytes, suffix: str, limits: Limits, *, ocr: bool = False, depth: int = 0
) -> Iterator[Piece]:
    """The second reading of `data` (a whole file or an embedded one)."""
    if depth > MAX_DEPTH:
        from deident.errors import BlockedError

        raise BlockedError("too deeply nested", f"containers nested more than {MAX_DEPTH} deep")
    kind = kind_of(data, suffix)
    if kind == "zip":
        from deident.verify.package import read_zip

        yield from read_zip(data, limits, depth=depth)
    elif kind == "pdf":
        from deident.verify.pdf import read_pdf

        yield from read_pdf(data, limits, ocr=ocr, depth=depth)
    elif kind == "html":
        from deident.verify.html import read_html

        yield from read_html(data, limits, depth=depth)
    elif kind == "image":
        from deident.verify.image import read_image

        yield from read_image(data)
    else:
        from deident.verify.text import read_other

        yield from read_other(data, kind)


def second_reading(path: Path, limits: Limits, *, ocr: bool = False) -> Iterator[Piece]:
    """Every text of the file at `path`, read by other means than its structured reader."""
    yield from read_bytes(path.read_bytes(), path.suffix, limits, ocr=ocr)
