"""OCR results: text lines with one box for every character, and the geometry that splits a
line's box among its characters (a Han character is about twice as wide as a digit)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PIL.Image import Image


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels, origin top left
Quad = tuple[tuple[float, float], ...]  # four corners: top-left, top-right, bottom-right, bottom-left

OCR_MISSING = "OCR is needed to read images"
# The text of the whole-image finding/segment of an ID card photo (no plaintext of the card).
ID_CARD_TEXT = "身份证图像"


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    score: float  # the engine's confidence for the whole line, 0..1
    box: Box
    char_boxes: tuple[Box, ...]  # exactly one per character of `text`

    def span_boxes(self, start: int, end: int) -> list[Box]:
        return [self.char_boxes[i] for i in range(max(start, 0), min(end, len(self.char_boxes)))]


@dataclass(frozen=True, slots=True)
class OcrResult:
    lines: tuple[OcrLine, ...]
    engine: str
    width: int
    height: int

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def mean_confidence(self) -> float | None:
        if not self.lines:
            return None
        return sum(line.score for line in self.lines) / len(self.lines)

    def confidence_note(self) -> str:
        conf = self.mean_confidence
        if conf is None:
            return f"OCR ({self.engine}) ran and found no text"
        low = sum(1 for line in self.lines if line.score < 0.8)
        note = f"OCR ({self.engine}): {len(self.lines)} lines, mean confidence {conf:.2f}"
        return note + (f", {low} lines below 0.80: check them by eye" if low else "")


class OcrBackend(Protocol):
    name: str

    def recognize(self, image: Image) -> list[OcrLine]: ...


# ---------------------------------------------------------------------------------------------
# Geometry


def _char_weight(ch: str) -> float:
    if ch.isspace():
        return 0.5
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.55


def _lerp(p: tuple[float, float], q: tuple[float, float], t: float) -> tuple[float, float]:
    return (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)


def bbox(points: Sequence[tuple[float, float]]) -> Box:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def split_quad(quad: Quad, text: str) -> tuple[Box, ...]:
    """One axis-aligned box per character, splitting a (possibly slanted) line quad along its
    top and bottom edges in proportion to the characters' widths."""
    if not text:
        return ()
    tl, tr, br, bl = quad[0], quad[1], quad[2], quad[3]
    weights = [_char_weight(c) for c in text]
    total = sum(weights)
    boxes: list[Box] = []
    acc = 0.0
    for w in weights:
        t0, t1 = acc / total, (acc + w) / total
        acc += w
        boxes.append(bbox([_lerp(tl, tr, t0), _lerp(tl, tr, t1), _lerp(bl, br, t0), _lerp(bl, br, t1)]))
    return tuple(boxes)


def quad_of(box: Box) -> Quad:
    x0, y0, x1, y1 = box
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def finding_boxes(line: OcrLine, start: int, end: int) -> list[Box]:
    """Boxes to paint for characters [start, end) of a line."""
    return masking_boxes(line, range(start, end))


def masking_boxes(line: OcrLine, positions: Iterable[int]) -> list[Box]:
    """Boxes to paint over the characters at `positions` of a line.

    Each character's box is joined with its masked right neighbour's (no unpainted sliver
    between two masked glyphs), grown vertically by 15% of the line height and horizontally
    by 8%, so anti-aliased edges and the engine's slightly tight boxes are covered too. Boxes
    stay per character pair rather than per span so a slanted line is not covered by one
    tall rectangle spilling onto the lines above and below."""
    chosen = sorted({p for p in positions if 0 <= p < len(line.char_boxes)})
    height = line.box[3] - line.box[1]
    px, py = 0.08 * height, 0.15 * height
    out: list[Box] = []
    chosen_set = set(chosen)
    boxes = line.char_boxes
    for p in chosen:
        x0, y0, x1, y1 = boxes[p]
        if p + 1 in chosen_set:
            n = boxes[p + 1]
            x0, y0, x1, y1 = min(x0, n[0]), min(y0, n[1]), max(x1, n[2]), max(y1, n[3])
        # Engines' character boxes are tight and a little off: half the gap to a kept
        # neighbour's box belongs to the masked glyph.
        if p > 0 and boxes[p - 1][2] < x0:
            x0 = (x0 + boxes[p - 1][2]) / 2
        if p + 1 < len(boxes) and p + 1 not in chosen_set and boxes[p + 1][0] > x1:
            x1 = (x1 + boxes[p + 1][0]) / 2
        out.append((x0 - px, y0 - py, x1 + px, y1 + py))
    return out
