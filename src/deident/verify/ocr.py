"""Rendered-page OCR for the paranoid (`--verify ocr`): what a person looking at the page reads,
whatever the fonts' ToUnicode maps claim. Tesseract (chi_sim + eng) through its command line."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator

from deident.errors import BlockedError
from deident.verify.piece import Piece
from deident.verify.strings import visible

DPI = 200
TIMEOUT_S = 120


def ocr_png(png: bytes) -> str:
    exe = shutil.which("tesseract")
    if exe is None:
        raise BlockedError("OCR is needed to verify", "install tesseract-ocr (chi_sim) or drop --verify ocr")
    langs = "chi_sim+eng"
    try:
        out = subprocess.run(
            [exe, "stdin", "stdout", "-l", langs, "--psm", "4"],
            input=png,
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BlockedError("OCR timed out", "a rendered page took too long to read") from exc
    if out.returncode != 0:
        raise BlockedError("OCR failed", "tesseract could not read a rendered page")
    text = out.stdout.decode("utf-8", "replace")
    # Tesseract puts spaces between Han characters and sometimes inside digit runs.
    return "\n".join(line.replace(" ", "") for line in text.splitlines())


def ocr_pdf(data: bytes) -> Iterator[Piece]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        for i in range(len(doc)):
            page = doc[i]
            image = page.render(scale=DPI / 72, grayscale=True).to_pil()
            page.close()
            buf = io.BytesIO()
            image.save(buf, format="PNG")
            yield Piece(
                {"page": i + 1, "reading": "OCR of the rendered page"}, visible(ocr_png(buf.getvalue()))
            )
    finally:
        doc.close()
