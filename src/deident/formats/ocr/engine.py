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

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from deident.errors import BlockedError

if TYPE_CHECKING:
    from PIL.Image import Image

    from deident.model import Finding


from deident.formats.ocr.lines import (
    ID_CARD_TEXT,
    OCR_MISSING,
    Box,
    OcrBackend,
    OcrLine,
    OcrResult,
    finding_boxes,
)
from deident.formats.ocr.rapid import RapidOcrBackend
from deident.formats.ocr.tesseract import TesseractBackend, tesseract_has

# Card-face labels. The front of a 居民身份证 prints 姓名 性别 民族 出生 住址 公民身份号码; the back
# prints 签发机关 and 有效期限 under 中华人民共和国 居民身份证.
_FRONT_LABELS = ("姓名", "性别", "民族", "出生", "住址")
_BACK_LABELS = ("签发机关", "有效期限", "居民身份证")

# ---------------------------------------------------------------------------------------------
# Engine selection and the functions other formats call


@lru_cache(maxsize=1)
def load_backend() -> OcrBackend:
    """The best available engine, loaded once per process (loading the models costs ~0.5 s)."""
    try:
        return RapidOcrBackend()
    except ImportError:
        pass
    if tesseract_has("chi_sim"):
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


def ocr_image_findings(image_bytes: bytes, engine: Any, *, max_pixels: int | None = None) -> list[Finding]:
    """Findings in an embedded image (a scan pasted into a .docx/.xlsx/.pdf, WPS cellimages).

    `engine` is a `deident.detection.engine.Engine`. Each finding's location is
    ``{"line": n, "bbox": [...], "boxes": [[x0, y0, x1, y1], ...], "char_boxes": [...]}`` in
    pixels of the image. Mask with `image.mask_image_findings` (writes the policy's
    replacement, like text masking) or paint ``boxes`` black with `image.mask_image_bytes`.
    An image that looks like an ID card gives one more finding (CN_RESIDENT_ID over the whole
    image, location ``{"image": "whole", "bbox": [0, 0, w, h], "boxes": [[0, 0, w, h]]}``).
    Raises BlockedError when the image cannot be decoded or OCR is unavailable."""
    from deident.formats.ocr.raster import decode_image

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
