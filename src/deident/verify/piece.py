"""What the second reading yields, and how it tells a file's family by its bytes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# Nested containers (an .xlsx embedded in a .docx attached to a PDF) are read to this depth.
MAX_DEPTH = 4


@dataclass(frozen=True, slots=True)
class Piece:
    """A text the second reading found and where: `place` is JSON-serialisable."""

    place: Mapping[str, Any]
    text: str
    # Printable runs of binary data: decoded noise reads as names and addresses, so only values
    # with a shape (IDs, phones, cards, e-mail …) are looked for in it.
    binary: bool = False
    # The place says what the text is (a photo's GPS position is an address), as a table
    # header does: read like a cell under that header.
    hint: str | None = None
    hint_reason: str | None = None


# Read an embedded file (its bytes and a suffix hint) one level deeper.
Recurse = Callable[[bytes, str], Iterator[Piece]]

_ZIP = {".docx", ".docm", ".xlsx", ".xlsm", ".pptx", ".odt", ".ods", ".zip", ".ofd"}
_HTML = {".html", ".htm", ".shtml", ".xhtml"}
_IMAGE = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"}


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
