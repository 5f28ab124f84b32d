"""Images (.png .jpg .jpeg .tif .tiff .bmp): OCR offline, mask by painting over characters.

Every OCR line is a segment (location ``{"line": n, "bbox": [x0, y0, x1, y1]}`` in pixels,
plus ``"frame"`` for multi-page TIFF). A masked copy blanks each masked character's box and
writes the policy's replacement there (``440881********1234`` keeps the first six and last
four characters readable, ``张*明``, ``张某``), like the text formats, and is saved in the
source's format and size.

A photo of an ID card is personal data as a whole, not just its number: when OCR sees the
card's labels (公民身份号码 with 姓名/出生/住址…, or 签发机关 with 有效期限) the document
gets one more segment, ``身份证图像``, hinted CN_RESIDENT_ID, located ``{"image": "whole"}``.
The engine reports it like a cell under a 身份证号码 header, so the file is never clean;
masking it paints the whole image (portrait included), because covering only the OCR'd
characters would leave the face and any field OCR misread.
"""

from __future__ import annotations

from pathlib import Path

from deident.errors import BlockedError
from deident.formats.base import FormatContext
from deident.formats.ocr.picture import ImageDocument


def open_document(path: Path, ctx: FormatContext) -> ImageDocument:
    try:
        size = path.stat().st_size
        if size > ctx.limits.max_file_bytes:
            raise BlockedError("too large", f"{size} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise BlockedError("corrupt: cannot read file", type(exc).__name__) from exc
    return ImageDocument(data, ctx, name=path.name)
