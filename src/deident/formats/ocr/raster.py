"""Pictures decoded as a viewer shows them (EXIF orientation, frames, pixel limits), painted over
where characters are masked, the policy's replacement written on, and encoded back in the
source's format."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import BinaryIO

from PIL import Image, ImageColor, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from deident.errors import BlockedError
from deident.formats.base import Replacement
from deident.formats.ocr.lines import (
    Box,
    OcrLine,
    masking_boxes,
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
