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

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageColor, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from deident.errors import BlockedError
from deident.formats.base import FormatContext, Replacement, Segment
from deident.formats.ocr import (
    ID_CARD_TEXT,
    Box,
    OcrLine,
    OcrResult,
    id_card_fields,
    id_card_reason,
    masking_boxes,
    run_ocr,
)
from deident.model import Finding

_SAVE_FORMATS = {"PNG", "JPEG", "TIFF", "BMP", "MPO"}
_PAINT_MODES = {"1", "L", "LA", "RGB", "RGBA", "CMYK", "I", "F"}


def _open(data: bytes, max_pixels: int | None) -> Image.Image:
    try:
        im = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise BlockedError("too large", "image has too many pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise BlockedError("corrupt: cannot decode image", type(exc).__name__) from exc
    frames = getattr(im, "n_frames", 1)
    if max_pixels is not None and im.width * im.height * frames > max_pixels:
        raise BlockedError("too large", f"{im.width}x{im.height} pixels x {frames} frames")
    return im


def _frames(im: Image.Image) -> list[Image.Image]:
    """Decoded frames, each turned upright per its EXIF orientation (OCR and boxes work on
    the upright picture; the masked copy is saved upright with orientation 1)."""
    out: list[Image.Image] = []
    try:
        for k in range(getattr(im, "n_frames", 1)):
            im.seek(k)
            frame = im.copy()
            frame.load()
            upright = ImageOps.exif_transpose(frame)
            out.append(upright if upright is not None else frame)
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise BlockedError("corrupt: cannot decode image", type(exc).__name__) from exc
    return out


def decode_image(data: bytes, *, max_pixels: int | None = None) -> Image.Image:
    """The first frame of an image, decoded and upright; BlockedError if it cannot be."""
    return _frames(_open(data, max_pixels))[0]


def paint(frame: Image.Image, boxes: Iterable[Box], colour: str = "black") -> Image.Image:
    """A copy of `frame` with solid boxes (clipped to the image)."""
    out = frame if frame.mode in _PAINT_MODES else frame.convert("RGBA" if "A" in frame.getbands() else "RGB")
    out = out.copy()
    draw = ImageDraw.Draw(out)
    fill = (
        ImageColor.getcolor(colour, out.mode)
        if out.mode not in ("I", "F")
        else (0 if colour == "black" else 255)
    )
    for x0, y0, x1, y1 in boxes:
        x0, y0 = max(0.0, x0), max(0.0, y0)
        x1, y1 = min(float(out.width - 1), x1), min(float(out.height - 1), y1)
        if x1 >= x0 and y1 >= y0:
            draw.rectangle((x0, y0, x1, y1), fill=fill)
    return out


def _encode(frames: Sequence[Image.Image], source: Image.Image, out: BinaryIO) -> None:
    fmt = source.format if source.format in _SAVE_FORMATS else "PNG"
    fmt = "JPEG" if fmt == "MPO" else fmt
    params: dict[str, object] = {}
    if "icc_profile" in source.info:
        params["icc_profile"] = source.info["icc_profile"]
    if "dpi" in source.info:
        params["dpi"] = source.info["dpi"]
    if fmt == "JPEG":
        params["quality"] = 95
        # EXIF is not copied: a phone photo's EXIF holds GPS position, owner and comments, which
        # are personal data too. The pixels were already turned upright from its orientation.
    if fmt == "TIFF":
        params["compression"] = "tiff_lzw"
    first = frames[0]
    if fmt == "JPEG" and first.mode not in ("RGB", "L", "CMYK"):
        first = first.convert("RGB")
    if fmt == "BMP" and first.mode not in ("1", "L", "P", "RGB", "RGBA"):
        first = first.convert("RGB")
    if len(frames) > 1 and fmt == "TIFF":
        # The multi-page TIFF writer reads back what it wrote: give it a buffer, not `out`.
        buf = io.BytesIO()
        first.save(buf, format=fmt, save_all=True, append_images=list(frames[1:]), **params)
        out.write(buf.getvalue())
    else:
        first.save(out, format=fmt, **params)


def mask_image_bytes(image_bytes: bytes, boxes: Iterable[Sequence[float]]) -> bytes:
    """The image with solid black boxes over `boxes` ([x0, y0, x1, y1] in pixels of the
    upright first frame, as in `ocr.ocr_image_findings` locations), same format."""
    im = _open(image_bytes, None)
    frames = _frames(im)
    frames[0] = paint(frames[0], [(b[0], b[1], b[2], b[3]) for b in boxes])
    buf = io.BytesIO()
    _encode(frames, im, buf)
    return buf.getvalue()


def mask_image_findings(image_bytes: bytes, masks: Iterable[tuple[Finding, str]]) -> bytes:
    """The image with each finding of `ocr.ocr_image_findings` masked by its replacement
    text (``policy.replacement(finding)``): the masked characters are blanked and the
    replacement written in their place, so OCR of the copy reads ``138****5678`` rather than
    joining the kept ends. A whole-image (ID card) finding blacks out the whole image."""
    im = _open(image_bytes, None)
    frames = _frames(im)
    marks = Marks()
    for finding, replacement in masks:
        loc = finding.location
        if loc.get("image") == "whole":
            marks.black.append((0, 0, frames[0].width, frames[0].height))
            continue
        chars = [tuple(b) for b in loc.get("char_boxes", ())]
        if len(chars) != len(finding.text):
            marks.black.extend(tuple(b) for b in loc.get("boxes", ()))  # type: ignore[misc]
            continue
        line = OcrLine(
            text=finding.text,
            score=1.0,
            box=(
                min(b[0] for b in chars),
                min(b[1] for b in chars),
                max(b[2] for b in chars),
                max(b[3] for b in chars),
            ),
            char_boxes=tuple(chars),  # type: ignore[arg-type]
        )
        marks.add_line(line, [Replacement(0, len(finding.text), replacement, finding.entity_type)])
    frames[0] = marks.apply(frames[0])
    buf = io.BytesIO()
    _encode(frames, im, buf)
    return buf.getvalue()


def masked_positions(text: str, rep: Replacement) -> range | list[int]:
    """Characters of text[rep.start:rep.end] to paint. A same-length replacement keeps the
    characters it keeps (``138****5678``); any other (deletion, 某) paints the whole span."""
    original = text[rep.start : rep.end]
    if len(rep.text) != len(original):
        return range(rep.start, rep.end)
    return [rep.start + i for i, (a, b) in enumerate(zip(original, rep.text, strict=True)) if a != b]


# CJK fonts to write replacement text (``*``, 某) with; Pillow's own font covers ``*`` only.
_FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


@lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in _FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


@dataclass
class Marks:
    """What to paint on one picture: areas to blank out, text to write, areas to black out."""

    blank: list[Box] = field(default_factory=list)
    write: list[tuple[Box, str]] = field(default_factory=list)
    black: list[Box] = field(default_factory=list)

    def add_line(self, line: OcrLine, reps: Sequence[Replacement]) -> None:
        """Blank the masked characters of an OCR line and write the policy's replacement in
        their place, as the text formats do (``138****5678``, ``张*明``, ``张某``). Writing
        the marks, rather than leaving bare paint, keeps the masked copy readable as masked:
        OCR of ``魏[paint]建`` reads a name ``魏建``, OCR of ``魏*建`` reads a masked one."""
        same: set[int] = set()
        for rep in reps:
            original = line.text[rep.start : rep.end]
            if len(rep.text) == len(original):
                for i in masked_positions(line.text, rep):
                    same.add(i)
                    self.write.append((line.char_boxes[i], rep.text[i - rep.start]))
                continue
            span = range(rep.start, rep.end)
            self.blank.extend(masking_boxes(line, span))
            if rep.text and span:
                boxes = line.span_boxes(rep.start, rep.end)
                union = (
                    min(b[0] for b in boxes),
                    min(b[1] for b in boxes),
                    max(b[2] for b in boxes),
                    max(b[3] for b in boxes),
                )
                self.write.append((union, rep.text))
        self.blank.extend(masking_boxes(line, same))

    def apply(self, frame: Image.Image) -> Image.Image:
        out = paint(frame, self.blank, colour="white")
        draw = ImageDraw.Draw(out)
        ink = ImageColor.getcolor("black", out.mode) if out.mode not in ("I", "F") else 0
        for (x0, y0, x1, y1), text in self.write:
            h = y1 - y0
            size = max(6, int(min(0.8 * h, 1.6 * (x1 - x0) / max(len(text), 1))))
            draw.text(((x0 + x1) / 2, (y0 + y1) / 2), text, font=_font(size), fill=ink, anchor="mm")
        # Last: a blacked-out ID card stays black, whatever was written on its lines.
        return paint(out, self.black) if self.black else out


@dataclass(frozen=True, slots=True)
class _Place:
    frame: int
    line: int | None  # None: the whole-image ID-card segment


class ImageDocument:
    output_suffix: str | None = None

    def __init__(self, data: bytes, ctx: FormatContext, *, name: str = "image") -> None:
        if not ctx.config.ocr:
            raise BlockedError("OCR is needed to read images", "OCR is turned off in the configuration")
        self._source = _open(data, ctx.limits.max_image_pixels)
        self._frames = _frames(self._source)
        self._results: list[OcrResult] = [run_ocr(f) for f in self._frames]
        self._segments: list[Segment] = []
        self._places: list[_Place] = []
        notes: list[str] = []
        multi = len(self._frames) > 1
        for k, result in enumerate(self._results):
            prefix = f"page {k + 1}: " if multi else ""
            notes.append(prefix + result.confidence_note())
            for n, line in enumerate(result.lines):
                loc: dict[str, object] = {"line": n, "bbox": [round(v, 1) for v in line.box]}
                if multi:
                    loc = {"frame": k, **loc}
                self._add(Segment(id=len(self._segments), text=line.text, location=loc), _Place(k, n))
            fields = id_card_fields(result.lines)
            if fields:
                reason = id_card_reason(fields)
                notes.append(prefix + reason + ": the whole image is personal data")
                loc = {"image": "whole", "bbox": [0, 0, result.width, result.height]}
                if multi:
                    loc = {"frame": k, **loc}
                seg = Segment(
                    id=len(self._segments),
                    text=ID_CARD_TEXT,
                    location=loc,
                    hint_entity="CN_RESIDENT_ID",
                    hint_reason=reason,
                )
                self._add(seg, _Place(k, None))
        self.notes: tuple[str, ...] = tuple(notes)

    def _add(self, seg: Segment, place: _Place) -> None:
        self._segments.append(seg)
        self._places.append(place)

    def segments(self) -> Iterable[Segment]:
        return iter(self._segments)

    def write_masked(self, replacements: Mapping[int, Sequence[Replacement]], out: BinaryIO) -> None:
        marks: dict[int, Marks] = {}
        for seg_id, reps in replacements.items():
            if not reps:
                continue
            place = self._places[seg_id]
            frame = self._frames[place.frame]
            m = marks.setdefault(place.frame, Marks())
            if place.line is None:
                m.black.append((0, 0, frame.width, frame.height))
            else:
                m.add_line(self._results[place.frame].lines[place.line], reps)
        frames = [marks[k].apply(f) if k in marks else f for k, f in enumerate(self._frames)]
        _encode(frames, self._source, out)


def open_document(path: Path, ctx: FormatContext) -> ImageDocument:
    try:
        size = path.stat().st_size
        if size > ctx.limits.max_file_bytes:
            raise BlockedError("too large", f"{size} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise BlockedError("corrupt: cannot read file", type(exc).__name__) from exc
    return ImageDocument(data, ctx, name=path.name)
