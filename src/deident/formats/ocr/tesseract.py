"""Debian's tesseract with ``chi_sim``, the fallback engine: TSV word rows grouped into lines."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from typing import TYPE_CHECKING

from deident.errors import BlockedError

if TYPE_CHECKING:
    from PIL.Image import Image


from deident.formats.ocr.lines import OCR_MISSING, Box, OcrLine, quad_of, split_quad

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
            boxes.extend(split_quad(quad_of(box), word))
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


def tesseract_has(lang: str) -> bool:
    binary = shutil.which("tesseract")
    if binary is None:
        return False
    try:
        out = subprocess.run([binary, "--list-langs"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return lang in out.stdout.decode("utf-8", "replace").split()
