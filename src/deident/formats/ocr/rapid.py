"""The rapidocr-onnxruntime engine (PP-OCRv4 models shipped inside the wheel): per-word boxes
aligned to characters, spaces between table columns put back, common confusions fixed."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image


from deident.formats.ocr.lines import Box, OcrLine, bbox, split_quad

# A gap wider than this share of the line height between two characters is a space.
_GAP = 0.45

# ---------------------------------------------------------------------------------------------
# rapidocr


class RapidOcrBackend:
    name = "rapidocr"

    def __init__(self) -> None:
        from rapidocr_onnxruntime import RapidOCR

        # max_side_len: the default (2000) shrinks a 300 dpi A4 page and its 10 pt text;
        # text_score: see _KEEP_SCORE.
        self._ocr = RapidOCR(max_side_len=4000, text_score=_KEEP_SCORE)
        # RapidOCR stores per-call options on itself: one call at a time.
        self._lock = threading.Lock()

    def recognize(self, image: Image) -> list[OcrLine]:
        import numpy as np

        bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
        with self._lock:
            # The text-direction classifier turns some upright lines of digits upside down, and
            # they then read as "" or "4": on rendered corpus pages it lost more values than it
            # saved. Lines are read as they stand; only weak ones (empty, or below the score
            # kept) are read again with the classifier, for text that really is upside down.
            plain, _ = self._ocr(bgr, use_cls=False, return_word_box=True, text_score=0.0)
            items = list(plain or ())
            if any(_weak(item) for item in items):
                turned, _ = self._ocr(bgr, use_cls=True, return_word_box=True, text_score=0.0)
                by_box = {_quad_key(item): item for item in turned or ()}
                items = [by_box.get(_quad_key(item), item) if _weak(item) else item for item in items]
        return [line for item in items if not _weak(item) and (line := _rapid_line(item)) is not None]


_KEEP_SCORE = 0.3  # keep doubtful lines (fail closed: a doubtful line may still hold an ID)


def _weak(item: Sequence[Any]) -> bool:
    return not item[1] or float(item[2]) < _KEEP_SCORE


def _quad_key(item: Sequence[Any]) -> tuple[tuple[int, int], ...]:
    # Detection does not depend on the classifier: both passes find the same boxes.
    return tuple((round(float(x)), round(float(y))) for x, y in item[0])


def _rapid_line(item: Sequence[Any]) -> OcrLine | None:
    quad = tuple((float(x), float(y)) for x, y in item[0])
    text, score = str(item[1]), float(item[2])
    if not text:
        return None
    char_boxes: tuple[Box, ...] | None = None
    if len(item) >= 5:
        char_boxes = _align_words(text, item[3], item[4])
    if char_boxes is None:
        char_boxes = split_quad(quad, text)
    else:
        text, char_boxes = _restore_gaps(text, char_boxes)
    return OcrLine(text=_fix_confusions(text), score=score, box=bbox(quad), char_boxes=char_boxes)


def _restore_gaps(text: str, boxes: tuple[Box, ...]) -> tuple[str, tuple[Box, ...]]:
    """Put back the spaces rapidocr drops between Han-mode words: table columns printed
    apart (``440881199001011233    13812345678``) would otherwise run together into one
    digit string in which no ID or mobile can be found."""
    if len(text) < 2:
        return text, boxes
    height = max(b[3] - b[1] for b in boxes)
    out_text, out_boxes = [text[0]], [boxes[0]]
    for ch, prev, box in zip(text[1:], boxes, boxes[1:], strict=False):
        gap = box[0] - prev[2]
        if gap > _GAP * height and _word_char(ch) and _word_char(out_text[-1]):
            out_text.append(" ")
            out_boxes.append((prev[2], min(prev[1], box[1]), box[0], max(prev[3], box[3])))
        out_text.append(ch)
        out_boxes.append(box)
    return "".join(out_text), tuple(out_boxes)


def _word_char(ch: str) -> bool:
    # Punctuation and symbols carry their own white space (a full-width comma is half
    # blank): a gap next to them is not a column break, and a space there would break cues
    # like "，男，".
    return not ch.isspace() and unicodedata.category(ch)[0] not in "PS"


# Confusions OCR makes that hide a value, fixed in place (same length, offsets kept): the
# ID check character X read as the multiplication sign, the o of ".com" read as a zero.
_CONFUSIONS = str.maketrans({"×": "X"})
_DOT_C0M = re.compile(r"(?<=[A-Za-z0-9])(@[A-Za-z0-9.-]+\.c)0(m)(?![A-Za-z])")


def _fix_confusions(text: str) -> str:
    if "×" in text:
        text = text.translate(_CONFUSIONS)
    if "c0m" in text:
        text = _DOT_C0M.sub(r"\1o\2", text)
    return text


def _align_words(text: str, word_quads: Sequence[Any], words: Sequence[str]) -> tuple[Box, ...] | None:
    """Map rapidocr's word boxes (one per Han character, one per Latin/digit run) onto the
    characters of `text`; None when they do not line up (then the line box is split)."""
    if len(word_quads) != len(words):
        return None
    boxes: list[Box] = []
    pos = 0
    for quad, word in zip(word_quads, words, strict=True):
        word = str(word)
        # Spaces are not words: give a space the gap between its neighbours.
        while pos < len(text) and text[pos].isspace() and not word.startswith(text[pos]):
            boxes.append(())  # type: ignore[arg-type]  # filled below
            pos += 1
        if text[pos : pos + len(word)] != word:
            return None
        q = tuple((float(x), float(y)) for x, y in quad)
        boxes.extend(split_quad(q, word))
        pos += len(word)
    if pos != len(text) and text[pos:].strip():
        return None
    boxes.extend([()] * (len(text) - pos))  # type: ignore[list-item]
    # Fill spaces with the box between the previous and next characters.
    filled: list[Box] = []
    for i, b in enumerate(boxes):
        if b:
            filled.append(b)
            continue
        prev = next((boxes[j] for j in range(i - 1, -1, -1) if boxes[j]), None)
        nxt = next((boxes[j] for j in range(i + 1, len(boxes)) if boxes[j]), None)
        ref = prev or nxt
        if ref is None:
            return None
        x0 = prev[2] if prev else ref[0]
        x1 = nxt[0] if nxt else ref[2]
        filled.append((min(x0, x1), ref[1], max(x0, x1), ref[3]))
    return tuple(filled)
