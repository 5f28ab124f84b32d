"""Pages as a reader sees them: PDF pages rendered with PDFium, images shown as they are.

PNG is written here from PDFium's raw bitmap (zlib only), so no imaging library is needed to
show a PDF. Finding boxes are drawn by the page (CSS over the picture), so the picture of a
page is the same for every finding and can be cached by the browser.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PDF_SUFFIXES = frozenset({".pdf"})
# Browsers show these natively; .tif/.bmp go through Pillow when it is installed.
WEB_IMAGES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}
IMAGE_SUFFIXES = frozenset({*WEB_IMAGES, ".tif", ".tiff", ".bmp"})
SCALE = 1.5
MAX_PAGES = 200  # pictures of more pages are not offered; their findings are listed as text


@dataclass(frozen=True, slots=True)
class PageInfo:
    number: int  # 1-based
    width: float  # in the units of finding boxes (PDF points, or pixels for an image)
    height: float
    origin_bottom: bool  # PDF boxes count y from the bottom


def kind_of(path: Path) -> str:
    s = path.suffix.lower()
    if s in PDF_SUFFIXES:
        return "pdf"
    if s in IMAGE_SUFFIXES:
        return "image"
    return "text"


def page_infos(path: Path) -> list[PageInfo]:
    """Sizes of the pages whose boxes the console draws; [] when the file cannot be rendered."""
    try:
        if kind_of(path) == "pdf":
            import pypdfium2 as pdfium

            pdf = pdfium.PdfDocument(str(path))
            try:
                out = []
                for i in range(min(len(pdf), MAX_PAGES)):
                    x0, y0, x1, y1 = pdf[i].get_mediabox()
                    out.append(PageInfo(i + 1, x1 - x0, y1 - y0, True))
                return out
            finally:
                pdf.close()
        if kind_of(path) == "image":
            w, h = _image_size(path)
            return [PageInfo(1, w, h, False)]
    except Exception:  # a picture that cannot be made only costs the picture; the text view stays
        return []
    return []


def _image_size(path: Path) -> tuple[int, int]:
    from PIL import Image, ImageOps

    with Image.open(path) as im:
        up = ImageOps.exif_transpose(im)
        return up.width, up.height


def png(width: int, height: int, rgb: bytes, stride: int) -> bytes:
    """A truecolour PNG from rows of RGB bytes."""
    rows = b"".join(b"\x00" + rgb[y * stride : y * stride + width * 3] for y in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 3))
        + chunk(b"IEND", b"")
    )


def picture(path: Path, page: int) -> tuple[bytes, str]:
    """The picture of page `page` (1-based) of a PDF or image: (bytes, content type)."""
    kind = kind_of(path)
    if kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            if not 1 <= page <= min(len(pdf), MAX_PAGES):
                raise KeyError(page)
            bm: Any = pdf[page - 1].render(scale=SCALE, rev_byteorder=True, may_draw_forms=True)
            if bm.n_channels != 3:
                raise ValueError("unexpected bitmap format")
            return png(bm.width, bm.height, bytes(bm.buffer), bm.stride), "image/png"
        finally:
            pdf.close()
    if kind == "image" and page == 1:
        ctype = WEB_IMAGES.get(path.suffix.lower())
        if ctype:
            from PIL import Image

            with Image.open(path) as im:
                if im.getexif().get(0x0112, 1) == 1:  # already upright: the bytes as they are
                    return path.read_bytes(), ctype
        return _upright_png(path), "image/png"
    raise KeyError(page)


def _upright_png(path: Path) -> bytes:
    """The first frame, turned upright as the OCR saw it (boxes are in these pixels)."""
    import io

    from PIL import Image, ImageOps

    with Image.open(path) as im:
        up = ImageOps.exif_transpose(im).convert("RGB")
        buf = io.BytesIO()
        up.save(buf, format="PNG")
        return buf.getvalue()
