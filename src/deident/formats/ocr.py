"""Offline OCR: text lines of an image with a box for every character.

Two engines, both offline: rapidocr-onnxruntime (PP-OCRv4 models shipped inside the wheel,
gives per-character boxes) and, when it is not installed, Debian's tesseract with
``chi_sim``. Masking paints over the boxes of masked characters, so every line carries one
box per character of its text; where an engine only gives a box for a word or a line, the
box is split in proportion to the characters' widths (a Han character is about twice as wide
as a digit).

Nothing here downloads anything; without an engine, reading an image is blocked
("OCR is needed to read images"), never reported clean.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from deident.errors import BlockedError

if TYPE_CHECKING:
    from PIL.Image import Image

    from deident.model import Finding

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels, origin top left
Quad = tuple[tuple[float, float], ...]  # four corners: top-left, top-right, bottom-right, bottom-left

OCR_MISSING = "OCR is needed to read images"
# The text of the whole-image finding/segment of an ID card photo (no plaintext of the card).
ID_CARD_TEXT = "身份证图像"
# A gap wider than this share of the line height between two characters is a space.
_GAP = 0.45

# Card-face labels. The front of a 居民身份证 prints 姓名 性别 民族 出生 住址 公民身份号码; the back
# prints 签发机关 and 有效期限 under 中华人民共和国 居民身份证.
_FRONT_LABELS = ("姓名", "性别", "民族", "出生", "住址")
_BACK_LABELS = ("签发机关", "有效期限", "居民身份证")


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


def _bbox(points: Sequence[tuple[float, float]]) -> Box:
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
        boxes.append(_bbox([_lerp(tl, tr, t0), _lerp(tl, tr, t1), _lerp(bl, br, t0), _lerp(bl, br, t1)]))
    return tuple(boxes)


def _quad_of(box: Box) -> Quad:
    x0, y0, x1, y1 = box
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


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
    return OcrLine(text=_fix_confusions(text), score=score, box=_bbox(quad), char_boxes=char_boxes)


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


# ---------------------------------------------------------------------------------------------
# tesseract


class TesseractBackend:
    name = "tesseract"

    def __init__(self, binary: str = "tesseract", lang: str = "chi_sim") -> None:
        self._binary = binary
        self._lang = lang

    def recognize(self, image: Image) -> list[OcrLine]:
        buf = io.BytesIO()
        image.convert("RGB").save(buf, format="PNG")
        try:
            proc = subprocess.run(
                [self._binary, "stdin", "stdout", "-l", self._lang, "--psm", "3", "tsv"],
                input=buf.getvalue(),
                capture_output=True,
                timeout=600,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BlockedError(OCR_MISSING, f"tesseract failed: {type(exc).__name__}") from exc
        if proc.returncode != 0:
            raise BlockedError(OCR_MISSING, f"tesseract exited with status {proc.returncode}")
        return parse_tesseract_tsv(proc.stdout.decode("utf-8", "replace"))


def parse_tesseract_tsv(tsv: str) -> list[OcrLine]:
    """Group tesseract's word rows (level 5) into lines; chi_sim gives a word per Han
    character, so a space is inserted only where the gap between words is wide."""
    groups: dict[tuple[str, str, str, str], list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        key = (row["page_num"], row["block_num"], row["par_num"], row["line_num"])
        groups.setdefault(key, []).append(row)
    lines: list[OcrLine] = []
    for rows in groups.values():
        text = ""
        boxes: list[Box] = []
        confs: list[float] = []
        prev: Box | None = None
        for r in rows:
            left, top, w, h = (float(r[k]) for k in ("left", "top", "width", "height"))
            box = (left, top, left + w, top + h)
            word = r["text"].strip()
            if prev is not None and box[0] - prev[2] > 0.5 * max(h, prev[3] - prev[1]):
                text += " "
                boxes.append((prev[2], min(prev[1], box[1]), box[0], max(prev[3], box[3])))
            text += word
            boxes.extend(split_quad(_quad_of(box), word))
            confs.append(max(float(r.get("conf") or 0), 0.0) / 100)
            prev = box
        xs0, ys0, xs1, ys1 = zip(*boxes, strict=True)
        lines.append(
            OcrLine(
                text=text,
                score=sum(confs) / len(confs),
                box=(min(xs0), min(ys0), max(xs1), max(ys1)),
                char_boxes=tuple(boxes),
            )
        )
    return lines


def _tesseract_has(lang: str) -> bool:
    binary = shutil.which("tesseract")
    if binary is None:
        return False
    try:
        out = subprocess.run([binary, "--list-langs"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return lang in out.stdout.decode("utf-8", "replace").split()


# ---------------------------------------------------------------------------------------------
# Engine selection and the functions other formats call


@lru_cache(maxsize=1)
def load_backend() -> OcrBackend:
    """The best available engine, loaded once per process (loading the models costs ~0.5 s)."""
    try:
        return RapidOcrBackend()
    except ImportError:
        pass
    if _tesseract_has("chi_sim"):
        return TesseractBackend()
    raise BlockedError(OCR_MISSING, "install deident[ocr] (rapidocr-onnxruntime) or tesseract-ocr-chi-sim")


def run_ocr(image: Image, backend: OcrBackend | None = None) -> OcrResult:
    """OCR one decoded image. Raises BlockedError when no engine is available or it fails."""
    backend = backend or load_backend()
    try:
        lines = backend.recognize(image)
    except BlockedError:
        raise
    except Exception as exc:  # an engine crash must block the file, not pass it
        raise BlockedError("OCR failed", type(exc).__name__) from exc
    return OcrResult(lines=reading_order(lines), engine=backend.name, width=image.width, height=image.height)


def reading_order(lines: Sequence[OcrLine]) -> tuple[OcrLine, ...]:
    """Top to bottom, and left to right within a row: a line whose vertical centre lies within
    half a line height of the row's first line belongs to that row."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda ln: (ln.box[1] + ln.box[3]) / 2):
        centre = (line.box[1] + line.box[3]) / 2
        if rows:
            first = rows[-1][0]
            if abs(centre - (first.box[1] + first.box[3]) / 2) < 0.5 * (first.box[3] - first.box[1]):
                rows[-1].append(line)
                continue
        rows.append([line])
    return tuple(ln for row in rows for ln in sorted(row, key=lambda ln: ln.box[0]))


def id_card_fields(lines: Sequence[OcrLine]) -> tuple[str, ...]:
    """The ID-card labels found on an image, or () when it does not look like an ID card.

    Front: 公民身份号码 and at least two of 姓名/性别/民族/出生/住址 at the start of lines.
    Back: 签发机关 and 有效期限 together. A form that merely asks for 身份证号码 has
    neither combination."""
    texts = ["".join(line.text.split()) for line in lines]
    joined = "".join(texts)
    front = [lab for lab in _FRONT_LABELS if any(t.startswith(lab) for t in texts)]
    if "公民身份号码" in joined and len(front) >= 2:
        return ("公民身份号码", *front)
    back = [lab for lab in _BACK_LABELS if lab in joined]
    if "签发机关" in back and "有效期限" in back:
        return tuple(back)
    return ()


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


def ocr_image_findings(image_bytes: bytes, engine: Any, *, max_pixels: int | None = None) -> list[Finding]:
    """Findings in an embedded image (a scan pasted into a .docx/.xlsx/.pdf, WPS cellimages).

    `engine` is a `deident.detection.engine.Engine`. Each finding's location is
    ``{"line": n, "bbox": [...], "boxes": [[x0, y0, x1, y1], ...], "char_boxes": [...]}`` in
    pixels of the image. Mask with `image.mask_image_findings` (writes the policy's
    replacement, like text masking) or paint ``boxes`` black with `image.mask_image_bytes`.
    An image that looks like an ID card gives one more finding (CN_RESIDENT_ID over the whole
    image, location ``{"image": "whole", "bbox": [0, 0, w, h], "boxes": [[0, 0, w, h]]}``).
    Raises BlockedError when the image cannot be decoded or OCR is unavailable."""
    from deident.formats.image import decode_image

    image = decode_image(image_bytes, max_pixels=max_pixels)
    result = run_ocr(image)
    findings: list[Finding] = []
    for n, line in enumerate(result.lines):
        for f in engine.analyze(line.text):
            boxes = finding_boxes(line, f.start, f.end)
            loc = {
                "line": n,
                "bbox": _round_box(line.box),
                "boxes": [_round_box(b) for b in boxes],
                # one box per character of f.text: what `image.mask_image_findings` writes on
                "char_boxes": [_round_box(b) for b in line.span_boxes(f.start, f.end)],
            }
            findings.append(replace(f, location=loc))
    fields = id_card_fields(result.lines)
    if fields:
        findings.append(id_card_finding(fields, result.width, result.height))
    return findings


def id_card_finding(fields: Sequence[str], width: int, height: int) -> Finding:
    """One finding for the whole image: a photo of an ID card is personal data as a whole
    (portrait, name, address, number), even where OCR misread the number itself."""
    from deident.model import Explanation, Finding

    reason = id_card_reason(fields)
    whole = [0, 0, width, height]
    return Finding(
        entity_type="CN_RESIDENT_ID",
        start=0,
        end=len(ID_CARD_TEXT),
        text=ID_CARD_TEXT,
        score=0.95,
        recognizer="id_card_image",
        explanation=Explanation(
            recognizer="id_card_image", pattern="ID card labels", base_score=0.95, notes=(reason,)
        ),
        location={"image": "whole", "bbox": whole, "boxes": [whole]},
        attributes={"whole_image": True, "fields": list(fields)},
    )


def id_card_reason(fields: Sequence[str]) -> str:
    return "image looks like an ID card (" + "、".join(fields) + ")"


def _round_box(box: Box) -> list[float]:
    return [round(v, 1) for v in box]
