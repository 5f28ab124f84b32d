"""The second reading of a file or of embedded bytes: dispatch by family, depth-limited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from deident.config import Limits
from deident.errors import BlockedError
from deident.verify.html import read_html
from deident.verify.image import read_image
from deident.verify.package import read_zip
from deident.verify.pdf import read_pdf
from deident.verify.piece import MAX_DEPTH, Piece, kind_of
from deident.verify.text import read_other


def read_bytes(
    data: bytes, suffix: str, limits: Limits, *, ocr: bool = False, depth: int = 0
) -> Iterator[Piece]:
    """The second reading of `data` (a whole file or an embedded one)."""
    if depth > MAX_DEPTH:
        raise BlockedError("too deeply nested", f"containers nested more than {MAX_DEPTH} deep")

    def recurse(inner: bytes, inner_suffix: str) -> Iterator[Piece]:
        return read_bytes(inner, inner_suffix, limits, depth=depth + 1)

    kind = kind_of(data, suffix)
    try:
        if kind == "zip":
            yield from read_zip(data, limits, recurse)
        elif kind == "pdf":
            yield from read_pdf(data, limits, recurse, ocr=ocr)
        elif kind == "html":
            yield from read_html(data, recurse)
        elif kind == "image":
            yield from read_image(data)
        else:
            yield from read_other(data, kind)
    except BlockedError:
        raise
    except Exception as exc:
        # Damaged bytes that a library chokes on (a zip whose offsets point before its start, a
        # PDF dictionary key that is not a name): the file cannot be read twice, so it is not
        # cleared — blocked with the library's exception type only (its message may quote data).
        raise BlockedError(
            "corrupt: the second reading cannot parse the file", f"{kind}: {type(exc).__name__}"
        ) from exc


def second_reading(path: Path, limits: Limits, *, ocr: bool = False) -> Iterator[Piece]:
    """Every text of the file at `path`, read by other means than its structured reader."""
    yield from read_bytes(path.read_bytes(), path.suffix, limits, ocr=ocr)
