"""PDFs whose pages are pictures (scans without a text layer): OCR, and a repainted copy.

`open_scanned_pdf` renders every page with pypdfium2 (what a reader sees, annotations
included), OCRs it, and yields one segment per OCR line: location
``{"page": n (1-based), "line": k, "bbox": [x0, y0, x1, y1]}`` with the box in PDF points,
origin bottom left (as pdfminer reports text). A page that looks like an ID card adds a
``身份证图像`` segment hinted CN_RESIDENT_ID (see `deident.formats.image.document`).

The masked copy is a new PDF built only from the painted page images, one JPEG per page at
the page's size: nothing of the original file (hidden text, OCR layers, metadata,
attachments, scripts, earlier revisions) is carried over, so nothing under a box can be
extracted again. The price is that the copy is image-only; the notes say so.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from deident.errors import BlockedError
from deident.formats.base import FormatContext, Replacement, Segment
from deident.formats.ocr.engine import (
    ID_CARD_TEXT,
    Box,
    OcrLine,
    id_card_fields,
    id_card_reason,
    run_ocr,
)
from deident.formats.ocr.raster import Marks

DPI = 200  # enough for 10 pt text; scans are usually 150-300 dpi
JPEG_QUALITY = 85


@dataclass(frozen=True, slots=True)
class _Place:
    page: int  # 0-based
    line: int | None  # None: the whole-page ID-card segment (or the position below)
    gps: bool = False  # a photo's EXIF position: the copy, redrawn from pixels, has no EXIF


def _load(path: Path, ctx: FormatContext) -> Any:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise BlockedError("encrypted", "password-protected PDF") from exc
        raise BlockedError("corrupt: PDF cannot be opened", type(exc).__name__) from exc
    pages = len(pdf)
    if pages > ctx.limits.max_pdf_pages:
        pdf.close()
        raise BlockedError("too large", f"{pages} pages, limit {ctx.limits.max_pdf_pages}")
    return pdf


def _scale(page: Any, max_pixels: int) -> float:
    """Points to pixels at DPI, reduced for huge pages so one render stays within the limit."""
    w, h = page.get_size()
    scale = DPI / 72
    if w * h * scale * scale > max_pixels:
        scale = (max_pixels / (w * h)) ** 0.5
    return scale


class ScannedPdfDocument:
    output_suffix: str | None = None

    def __init__(self, path: Path, ctx: FormatContext) -> None:
        if not ctx.config.ocr:
            raise BlockedError("no readable text layer", "the pages are images and OCR is turned off")
        self._path = path
        self._ctx = ctx
        self._segments: list[Segment] = []
        self._places: list[_Place] = []
        self._lines: list[tuple[OcrLine, ...]] = []
        self._scales: list[float] = []
        self._heights: list[float] = []
        notes: list[str] = []
        confidences: list[float] = []
        pdf = _load(path, ctx)
        try:
            for p in range(len(pdf)):
                page = pdf[p]
                image, scale = self._render(page)
                result = run_ocr(image)
                self._lines.append(result.lines)
                self._scales.append(scale)
                self._heights.append(image.height)
                confidences.extend(line.score for line in result.lines)
                for k, line in enumerate(result.lines):
                    loc = {"page": p + 1, "line": k, "bbox": self._to_points(line.box, p)}
                    self._add(Segment(len(self._segments), line.text, loc), _Place(p, k))
                fields = id_card_fields(result.lines)
                if fields:
                    reason = id_card_reason(fields)
                    notes.append(f"page {p + 1}: {reason}: the whole page is personal data")
                    w, h = page.get_size()
                    loc = {"page": p + 1, "image": "whole", "bbox": [0, 0, round(w, 1), round(h, 1)]}
                    seg = Segment(len(self._segments), ID_CARD_TEXT, loc, "CN_RESIDENT_ID", reason)
                    self._add(seg, _Place(p, None))
        finally:
            pdf.close()
        self._read_positions(path)
        engine = "rapidocr" if not self._lines else result.engine
        if confidences:
            mean = sum(confidences) / len(confidences)
            low = sum(1 for c in confidences if c < 0.8)
            conf = f"{len(confidences)} lines, mean confidence {mean:.2f}" + (
                f", {low} lines below 0.80: check them by eye" if low else ""
            )
        else:
            conf = "no text found"
        notes.insert(
            0, f"scanned PDF without a text layer: {len(self._lines)} pages read by OCR ({engine}), {conf}"
        )
        notes.append("the masked copy is an image-only PDF: every page is redrawn from its masked image")
        self.notes: tuple[str, ...] = tuple(notes)

    def _read_positions(self, path: Path) -> None:
        """Photos whose EXIF holds a GPS position (see `deident.formats.ocr.gps`)."""
        import pikepdf

        from deident.formats.pdf.images import photo_position
        from deident.geo import GPS_REASON, describe

        try:
            pdf = pikepdf.open(path)
        except pikepdf.PdfError as exc:
            raise BlockedError("corrupt: PDF cannot be opened", type(exc).__name__) from exc
        with pdf:
            for p, page in enumerate(pdf.pages):
                # get_images (pikepdf 9.8+) also finds pictures inside form XObjects
                images = page.get_images() if hasattr(page, "get_images") else page.images
                for name, obj in images.items():
                    where = photo_position(obj)
                    if where is not None:
                        loc = {"page": p + 1, "image": str(name), "exif": "GPS"}
                        seg = Segment(len(self._segments), describe(*where), loc, "CN_ADDRESS", GPS_REASON)
                        self._add(seg, _Place(p, None, gps=True))

    def _render(self, page: Any) -> tuple[Any, float]:
        scale = _scale(page, self._ctx.limits.max_image_pixels)
        try:
            image = page.render(scale=scale, draw_annots=True).to_pil()
        except Exception as exc:  # pdfium raises its own errors for damaged pages
            raise BlockedError("corrupt: page cannot be rendered", type(exc).__name__) from exc
        return image, scale

    def _to_points(self, box: Box, page: int) -> list[float]:
        s, h = self._scales[page], self._heights[page]
        x0, y0, x1, y1 = box
        return [round(x0 / s, 1), round((h - y1) / s, 1), round(x1 / s, 1), round((h - y0) / s, 1)]

    def _add(self, seg: Segment, place: _Place) -> None:
        self._segments.append(seg)
        self._places.append(place)

    def segments(self) -> Iterable[Segment]:
        return iter(self._segments)

    def _marks(self, replacements: Mapping[int, Sequence[Replacement]]) -> dict[int, Marks]:
        out: dict[int, Marks] = {}
        for seg_id, reps in replacements.items():
            if not reps:
                continue
            place = self._places[seg_id]
            if place.gps:
                continue
            m = out.setdefault(place.page, Marks())
            if place.line is None:
                m.black.append((0, 0, 1e9, 1e9))  # clipped to the page by paint()
            else:
                m.add_line(self._lines[place.page][place.line], reps)
        return out

    def write_masked(self, replacements: Mapping[int, Sequence[Replacement]], out: BinaryIO) -> None:
        import pikepdf

        marks = self._marks(replacements)
        pdf = _load(self._path, self._ctx)
        new = pikepdf.new()
        try:
            for p in range(len(pdf)):
                image, scale = self._render(pdf[p])
                if p in marks:
                    image = marks[p].apply(image)
                _append_image_page(new, image.convert("RGB"), scale)
            new.save(out, compress_streams=True)
        finally:
            pdf.close()
            new.close()


def _append_image_page(pdf: Any, image: Any, scale: float) -> None:
    import pikepdf

    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=JPEG_QUALITY)
    width_pt, height_pt = image.width / scale, image.height / scale
    xobj = pikepdf.Stream(pdf, buf.getvalue())
    xobj.Type = pikepdf.Name.XObject
    xobj.Subtype = pikepdf.Name.Image
    xobj.Width, xobj.Height = image.width, image.height
    xobj.ColorSpace = pikepdf.Name.DeviceRGB
    xobj.BitsPerComponent = 8
    xobj.Filter = pikepdf.Name.DCTDecode
    content = f"q {width_pt:.3f} 0 0 {height_pt:.3f} 0 0 cm /Im0 Do Q".encode()
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, round(width_pt, 3), round(height_pt, 3)],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobj)),
        Contents=pikepdf.Stream(pdf, content),
    )
    pdf.pages.append(pikepdf.Page(page))


def open_scanned_pdf(path: Path, ctx: FormatContext) -> ScannedPdfDocument:
    """A Document for a PDF whose pages carry no text layer (the PDF reader decides that).
    Raises BlockedError: encrypted, corrupt, too many pages, OCR unavailable."""
    return ScannedPdfDocument(path, ctx)
