"""Fonts that make every text reader wrong: a ToUnicode map that reads digits as letters, a
Type3 font without names or map. The text layer is not trusted (blocked, or read by OCR);
`--verify ocr` reads the rendered page."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from deident.config import ScanConfig
from deident.model import Status
from tests.factories import pdf as pdf_factory
from tests.factories import pii
from tests.verify.attack import leaks, mask, scan

RNG = random.Random(1721)


def _lying_cmap() -> bytes:
    pairs = "".join(f"<{0x30 + d:02X}> <{0x61 + d:04X}>\n" for d in range(10))
    return (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CMapName /Lie def /CMapType 2 def\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
        f"10 beginbfchar\n{pairs}endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()


def lying_pdf(value: str) -> bytes:
    """Helvetica draws the digits of `value`; its ToUnicode map says they are letters a-j."""
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 /Resources << /Font << /F1 3 0 R >> >> >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>",
        5: pdf_factory._stream(b"BT /F1 28 Tf 72 600 Td (" + value.encode() + b") Tj ET"),
        6: pdf_factory._stream(_lying_cmap()),
    }
    return pdf_factory.build_pdf(objs, 1)


def type3_pdf(value: str) -> bytes:
    """A Type3 font whose glyphs are named g0..g9 (meaning nothing), no ToUnicode map."""
    procs = " ".join(f"/g{d} {10 + d} 0 R" for d in range(10))
    diffs = " ".join(f"/g{d}" for d in range(10))
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 /Resources << /Font << /F1 3 0 R >> >> >>",
        3: (
            "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 600 700] /FontMatrix [0.001 0 0 0.001 0 0]"
            f" /CharProcs << {procs} >> /Encoding << /Type /Encoding /Differences [48 {diffs}] >>"
            " /FirstChar 48 /LastChar 57 /Widths [600 600 600 600 600 600 600 600 600 600] >>"
        ).encode(),
        4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>",
        5: pdf_factory._stream(b"BT /F1 24 Tf 72 600 Td (" + value.encode() + b") Tj ET"),
    }
    for d in range(10):
        objs[10 + d] = pdf_factory._stream(b"600 0 0 0 600 700 d1 50 0 500 700 re f")
    return pdf_factory.build_pdf(objs, 1)


def test_a_tounicode_map_that_lies_about_digits_is_not_trusted(tmp_path: Path) -> None:
    value = pii.resident_id(RNG)
    p = tmp_path / "lie.pdf"
    p.write_bytes(lying_pdf(value))
    assert value not in pdf_factory.pdfium_text(p)  # every text reader is fooled
    report = scan(p)
    assert report.status is Status.BLOCKED
    assert "ToUnicode" in (report.detail or "")


def test_a_type3_font_without_names_or_map_is_not_trusted(tmp_path: Path) -> None:
    p = tmp_path / "type3.pdf"
    p.write_bytes(type3_pdf(pii.mobile(RNG)))
    report = scan(p)
    assert report.status is Status.BLOCKED
    assert "Type3" in (report.detail or "")


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("tesseract"), reason="needs tesseract")
def test_verify_ocr_reads_the_rendered_page_and_checks_the_masked_copy(tmp_path: Path) -> None:
    from deident.verify.ocr import ocr_pdf

    value = pii.mobile(RNG)
    p = tmp_path / "shown.pdf"
    p.write_bytes(pdf_factory.helvetica_pdf([[f"Tel {value}"]]))
    seen = "".join(piece.text for piece in ocr_pdf(p.read_bytes()))
    assert value in seen.replace(" ", "")
    paranoid = ScanConfig(ocr=False, verify_ocr=True)
    assert scan(p, paranoid).status is Status.FINDINGS
    result = mask(p, paranoid)
    assert result.ok, result.report.reason
    masked = Path(result.output)
    assert value not in "".join(piece.text for piece in ocr_pdf(masked.read_bytes())).replace(" ", "")
    assert not leaks(masked, [value])
