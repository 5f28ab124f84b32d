"""Pictures inside PDFs that have a text layer: found, read by OCR, repainted when masked.

A roster exported to PDF with a scanned ID card pasted in, a letter with a photo of a form, a
scanner's "searchable PDF" (a picture of the page under an invisible OCR text layer): the text
layer is read by `pdf_text`, and every picture that can hold a line of text is read here.

Finding pictures: `pdf_image_walk` (every image XObject and inline image, drawn or merely
reachable, with the places it is drawn at).

Reading. One picture object is decoded once (`pdf_pixels.decode`) and OCR'd once through
`EmbeddedImages`, however many pages draw it. Its key is the object id in the normalised copy
the reader and writer both open (``"obj 12 0"``; ``"page 3 inline 0"`` and ``"obj 12 0 inline
0"`` for inline pictures); a segment's location is ``{"page": first page, "image": key,
"line": k, "bbox": [x0, y0, x1, y1]}`` in the picture's pixels (``"pages"`` lists every page
when there are several). A photo of an ID card is ``{"page", "image", "whole_image": true}``.

Failing closed: a picture that can hold text with OCR off or unavailable -> ``OCR is needed to
read images``; a picture that cannot be decoded (JBIG2 without a decoder, DeviceN, damaged
data) -> ``picture cannot be decoded``; more pixels than ``max_image_pixels`` -> ``too large``.

Masking. A masked picture is stored back in place (`pdf_pixels.repaint`), in the same save that
cuts the text layer's glyphs. A picture that covers most of a page under a text layer is read as
a searchable scan: every masked glyph of the text layer is also painted over in the picture
under it, so a value the OCR engine misread in the picture is still covered where the scanner's
own OCR layer put it.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import pikepdf
from PIL import Image, ImageChops, ImageDraw

from deident.errors import BlockedError, MaskError
from deident.formats.base import FormatContext, Replacement, Segment
from deident.formats.ocr.embedded import EmbeddedImages, too_small
from deident.formats.ocr.engine import OCR_MISSING, Box
from deident.formats.ocr.gps import jpeg_position, without_exif
from deident.formats.ocr.raster import Marks
from deident.formats.pdf.image_walk import Finder, Matrix, Picture
from deident.formats.pdf.pixels import decode, png, repaint
from deident.formats.pdf.redact import inherited
from deident.geo import GPS_REASON, describe

# A picture covering this much of a page under a text layer is a searchable scan.
SCAN_AREA = 0.5
# How far around an OCR line the repainted rectangle reaches, in line heights: the masking
# boxes grow the characters' boxes a little, and the written replacement is centred on them.
_LINE_MARGIN = 0.3


def _image_size(pic: Picture, obj: Any, where: str) -> tuple[int, int]:
    """Width and height as declared. A picture without a usable size is not skipped as
    small: nothing can tell what it would show, so the file is blocked."""
    try:
        if obj is not None:
            size = int(obj.get("/Width")), int(obj.get("/Height"))
        else:
            size = int(pic.inline_image.width), int(pic.inline_image.height)
    except (TypeError, ValueError, AttributeError, pikepdf.PdfError) as exc:
        raise BlockedError("picture cannot be decoded", f"{where}: no valid size") from exc
    if size[0] <= 0 or size[1] <= 0:
        raise BlockedError("picture cannot be decoded", f"{where}: no valid size")
    return size


def _to_pixels(ctm: Matrix, size: tuple[int, int], box: Box) -> Box | None:
    """A page-space box in the picture's pixels (origin top left), or None if the picture's
    matrix cannot be inverted."""
    a, b, c, d, e, f = ctm
    det = a * d - b * c
    if abs(det) < 1e-12:
        return None
    w, h = size
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        u = ((x - e) * d - (y - f) * c) / det
        v = ((y - f) * a - (x - e) * b) / det
        xs.append(u * w)
        ys.append((1 - v) * h)
    return (min(xs), min(ys), max(xs), max(ys))


def _coverage(ctm: Matrix, page_size: tuple[float, float]) -> float:
    a, b, c, d, e, f = ctm
    xs = [e, a + e, c + e, a + c + e]
    ys = [f, b + f, d + f, b + d + f]
    pw, ph = page_size
    w = max(0.0, min(max(xs), pw) - max(min(xs), 0.0))
    h = max(0.0, min(max(ys), ph) - max(min(ys), 0.0))
    return w * h / max(pw * ph, 1.0)


class PdfPictures:
    """The pictures of one PDF: their OCR lines as segments (ids from 0), and repainting."""

    def __init__(self, ctx: FormatContext) -> None:
        self._ctx = ctx
        self._ocr = EmbeddedImages(ctx)
        self._pictures: dict[str, Picture] = {}
        self._lines: dict[int, tuple[str, Mapping[str, Any]]] = {}  # segment id -> (key, location)
        self._same_as: dict[str, str] = {}  # key -> the key OCR'd for identical pixels
        self._gps: dict[int, Picture] = {}  # segment id -> the photo whose EXIF holds a position
        self.segments: list[Segment] = []
        self.skipped = 0
        self._count = 0

    # --- reading --------------------------------------------------------------------------

    def read(self, pdf: pikepdf.Pdf) -> None:
        finder = Finder(pdf)
        for p, page in enumerate(pdf.pages):
            finder.page(p, page)
        finder.finish()
        first: dict[str, str] = {}
        try:
            for pic in finder.pictures.values():
                self._read_one(pdf, pic, first)
        finally:
            for pic in finder.pictures.values():
                pic.inline_image = None

    def _read_one(self, pdf: pikepdf.Pdf, pic: Picture, first: dict[str, str]) -> None:
        obj = pdf.get_object(pic.ref) if pic.ref is not None else None
        if obj is not None:
            self._read_position(obj, pic)
        where = f"page {pic.page + 1}, picture {pic.key}"
        pic.size = _image_size(pic, obj, where)
        if too_small(pic.size):
            self.skipped += 1
            return
        limit = self._ctx.limits.max_image_pixels
        if pic.size[0] * pic.size[1] > limit:
            raise BlockedError("too large", f"{where}: {pic.size[0]}x{pic.size[1]} pixels, limit {limit}")
        if not self._ctx.config.ocr:
            raise BlockedError(OCR_MISSING, f"{where} may hold text; OCR is turned off in the configuration")
        pim = pic.inline_image if obj is None else pikepdf.PdfImage(obj)
        data = png(decode(pim, where).display)
        digest = hashlib.sha256(data).hexdigest()
        self._pictures[pic.key] = pic
        if digest in first:
            self._same_as[pic.key] = first[digest]
        else:
            first[digest] = pic.key
        loc: dict[str, Any] = {"page": pic.page + 1}
        if len(pic.pages) > 1:
            loc["pages"] = [n + 1 for n in pic.pages]
        loc["image"] = pic.key
        for seg in self._ocr.read(pic.key, data, loc, self._next_id):
            place = dict(seg.location)
            if place.get("image") == "whole":
                # A photo of an ID card: `EmbeddedImages` says "image": "whole"; keep the key.
                place = {**loc, "whole_image": True, "bbox": place.get("bbox")}
            self._lines[seg.id] = (pic.key, place)
            self.segments.append(replace(seg, location=place))

    def _read_position(self, obj: Any, pic: Picture) -> None:
        """A JPEG picture stream keeps the photo's EXIF (LibreOffice and WPS export it as it is):
        its GPS position is an address of the picture (see `deident.formats.ocr.gps`)."""
        where = photo_position(obj)
        if where is None:
            return
        sid = self._next_id()
        self._gps[sid] = pic
        loc = {"page": pic.page + 1, "image": pic.key, "exif": "GPS"}
        self.segments.append(Segment(sid, describe(*where), loc, "CN_ADDRESS", GPS_REASON))

    def _next_id(self) -> int:
        self._count += 1
        return self._count - 1

    @property
    def notes(self) -> list[str]:
        """The summary the Office readers give too, then each picture's OCR note."""
        if not (self._pictures or self.skipped):
            return []
        summary = f"{self._ocr.read_count} picture(s) read by OCR"
        if self.skipped:
            summary += f", {self.skipped} skipped as too small to hold text"
        return [summary, *(f"page {self._page_of(n)}, picture {n}" for n in self._ocr.notes)]

    def _page_of(self, note: str) -> int:
        key = note.split(":", 1)[0]
        pic = self._pictures.get(key)
        return pic.page + 1 if pic is not None else 0

    def scans(self, page: int, page_size: tuple[float, float]) -> list[tuple[str, Matrix]]:
        """The pictures drawn over most of a page (a searchable scan's page image)."""
        return [
            (key, ctm)
            for key, pic in self._pictures.items()
            for p, ctm in pic.placements
            if p == page and _coverage(ctm, page_size) >= SCAN_AREA
        ]

    def under_text(
        self, page: int, page_size: tuple[float, float], glyphs: Sequence[tuple[Box, str]]
    ) -> dict[str, Marks]:
        """What to paint on the page's scan pictures under masked text-layer glyphs (boxes in
        page space, and the character the text layer draws in their place)."""
        out: dict[str, Marks] = {}
        for key, ctm in self.scans(page, page_size):
            w, h = self._pictures[key].size
            for box, draw in glyphs:
                px = _to_pixels(ctm, (w, h), box)
                if px is None or px[2] <= 0 or px[3] <= 0 or px[0] >= w or px[1] >= h:
                    continue
                # A scanner's OCR layer sits roughly on the printed characters: cover a margin
                # above and below; little sideways, where the kept neighbours are.
                dy, dx = 0.15 * (px[3] - px[1]), 0.05 * (px[3] - px[1])
                marks = out.setdefault(key, Marks())
                marks.blank.append((px[0] - dx, px[1] - dy, px[2] + dx, px[3] + dy))
                if draw.strip():
                    marks.write.append((px, draw))
        return out

    # --- writing --------------------------------------------------------------------------

    def repaint(
        self,
        pdf: pikepdf.Pdf,
        replacements: Mapping[int, Sequence[Replacement]],
        under_text: Mapping[str, Marks],
    ) -> int:
        """Store every masked picture back into `pdf` (the normalised copy the reader read).
        Returns the number of pictures repainted."""
        mine = {sid: reps for sid, reps in replacements.items() if reps and sid in self._lines}
        try:
            new = self._ocr.masked(mine)
        except BlockedError as exc:
            raise MaskError(f"pictures cannot be repainted ({exc.reason})") from exc
        boxes: dict[str, list[Box]] = {}
        for sid in mine:
            key, loc = self._lines[sid]
            boxes.setdefault(key, []).append(self._box(key, loc))
        inline: dict[tuple[Any, int], dict[int, pikepdf.Stream]] = {}
        keys = sorted(set(new) | set(under_text))
        for key in keys:
            pic = self._pictures[key]
            # A picture with the same pixels as one OCR'd earlier was masked like it.
            own = boxes.get(self._same_as.get(key, key), [])
            stream = self._repaint_one(pdf, pic, new.get(key), under_text.get(key), own)
            if pic.ref is None:
                inline.setdefault((pic.holder, pic.page), {})[pic.index] = stream
        for (holder, page), streams in inline.items():
            _replace_inline(pdf, holder, page, streams)
        for sid, pic in self._gps.items():
            obj = pdf.get_object(pic.ref) if replacements.get(sid) and pic.ref is not None else None
            jpeg = _jpeg(obj) if obj is not None else None
            if jpeg:  # (a picture repainted above is a new stream without EXIF)
                obj.write(without_exif(jpeg), filter=pikepdf.Name.DCTDecode)
        return len(keys)

    def _box(self, key: str, loc: Mapping[str, Any]) -> Box:
        w, h = self._pictures[key].size
        if loc.get("whole_image"):
            return (0, 0, w, h)
        x0, y0, x1, y1 = (float(v) for v in loc["bbox"])
        m = max(2.0, _LINE_MARGIN * (y1 - y0))
        return (x0 - m, y0 - m, x1 + m, y1 + m)

    def _repaint_one(
        self, pdf: pikepdf.Pdf, pic: Picture, masked: bytes | None, marks: Marks | None, boxes: list[Box]
    ) -> pikepdf.Stream:
        obj = pdf.get_object(pic.ref) if pic.ref is not None else None
        try:
            pim = pikepdf.PdfImage(obj) if obj is not None else _inline_image(pdf, pic)
            display = decode(pim, pic.key).display
            new = display.copy()
            if masked is not None:
                with Image.open(io.BytesIO(masked)) as im:
                    new = im.convert(display.mode)
            if new.size != display.size:
                raise MaskError(f"picture {pic.key}: the repainted picture changed size")
            if marks is not None:
                new = marks.apply(new)
                boxes = [*boxes, *marks.blank, *(b for b, _ in marks.write)]
            return repaint(pdf, obj, pim, new, _region(display, new, boxes))
        except BlockedError as exc:
            raise MaskError(f"picture {pic.key} cannot be repainted ({exc.reason})") from exc


def _region(old: Image.Image, new: Image.Image, boxes: Sequence[Box]) -> Image.Image:
    """255 inside the boxes (and around any pixel that changed outside them), 0 elsewhere."""
    region = Image.new("L", old.size, 0)
    draw = ImageDraw.Draw(region)
    for x0, y0, x1, y1 in boxes:
        if x1 >= x0 and y1 >= y0:
            draw.rectangle((x0, y0, x1, y1), fill=255)
    changed = ImageChops.difference(old, new).point(lambda v: 255 if v else 0).convert("L")
    stray = ImageChops.subtract(changed.point(lambda v: 255 if v else 0), region).getbbox()
    if stray:
        draw.rectangle(stray, fill=255)
    return region


def photo_position(obj: Any) -> tuple[float, float] | None:
    """The GPS position in a JPEG picture stream's EXIF, or None."""
    jpeg = _jpeg(obj)
    return jpeg_position(jpeg) if jpeg else None


def _jpeg(obj: Any) -> bytes | None:
    """A picture stream's JPEG bytes (other filters before DCTDecode undone), or None."""
    filters = obj.get("/Filter")
    last = filters[-1] if isinstance(filters, pikepdf.Array) and len(filters) else filters
    if last != pikepdf.Name.DCTDecode:
        return None
    return _undo_flate(obj, filters)


def _undo_flate(obj: Any, filters: Any) -> bytes | None:
    """The stream's bytes with the filters before its last one undone: only FlateDecode is
    written there in practice ([/FlateDecode /DCTDecode]); anything else gives None. (The second
    reading, verify/pdf.py, undoes them with its own copy of this: it shares no decoder with
    formats/.)"""
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


def _inline_image(pdf: pikepdf.Pdf, pic: Picture) -> Any:
    target = pdf.pages[pic.page] if pic.holder is None else pdf.get_object(pic.holder)
    found = [
        i
        for i in pikepdf.parse_content_stream(target, "BI ID EI")
        if isinstance(i, pikepdf.ContentStreamInlineImage)
    ]
    if pic.index >= len(found):
        raise MaskError(f"picture {pic.key} is no longer where it was read")
    return found[pic.index].iimage


def _replace_inline(
    pdf: pikepdf.Pdf, holder: tuple[int, int] | None, page: int, streams: Mapping[int, pikepdf.Stream]
) -> None:
    """Draw repainted inline pictures as image XObjects in their place (the same matrix draws
    a ``Do`` exactly as it draws ``BI``)."""
    if holder is None:
        target: Any = pdf.pages[page]
        owner = target.obj
        res = owner.get("/Resources")
        if not isinstance(res, pikepdf.Dictionary):
            # Inherited (or missing) resources: give the page its own copy before adding to it.
            found = inherited(owner, "/Resources")
            res = pikepdf.Dictionary(found) if isinstance(found, pikepdf.Dictionary) else pikepdf.Dictionary()
            owner.Resources = res
    else:
        target = owner = pdf.get_object(holder)
        res = owner.get("/Resources")
        if not isinstance(res, pikepdf.Dictionary):
            raise MaskError("an inline picture in a stream without its own resources cannot be repainted")
    if not isinstance(res.get("/XObject"), pikepdf.Dictionary):
        res.XObject = pikepdf.Dictionary()
    xobjects = res.XObject
    out: list[Any] = []
    k = 0
    for ins in pikepdf.parse_content_stream(target):
        if isinstance(ins, pikepdf.ContentStreamInlineImage):
            k += 1
            if k - 1 in streams:
                n = 0
                while f"/DeidentPicture{n}" in xobjects:
                    n += 1
                xobjects[f"/DeidentPicture{n}"] = pdf.make_indirect(streams[k - 1])
                out.append(
                    pikepdf.ContentStreamInstruction(
                        [pikepdf.Name(f"/DeidentPicture{n}")], pikepdf.Operator("Do")
                    )
                )
                continue
        out.append(ins)
    data = pikepdf.unparse_content_stream(out)
    if holder is None:
        owner.Contents = pdf.make_stream(data)
    else:
        owner.write(data)
