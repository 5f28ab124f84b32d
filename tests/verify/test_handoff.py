"""Scanning, PDFium's page texts of the structured reader's copy stand for the file's in the second
reading (`deident.verify.handoff`) only when the two cannot differ in their pages. A file two
parsers may read apart (repaired, updated, an object written twice, bytes after %%EOF,
encrypted) is read by PDFium a second time, from its own bytes."""

from __future__ import annotations

import re

import pytest

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.formats.base import FormatContext
from deident.formats.pdf.document import open_document
from deident.pipeline import scan_path
from deident.verify import handoff
from deident.verify.compare import second_findings
from tests.factories import pdf as f

NO_OCR = ScanConfig(ocr=False)
LINES = ["Applicant mobile 13812345678", "ID 440881199001011233"]


@pytest.fixture(autouse=True)
def _empty():
    handoff._OFFERS.clear()
    yield
    handoff._OFFERS.clear()


def _offered(data: bytes, tmp_path, *, read_only: bool = True) -> bool:
    path = tmp_path / "file.pdf"
    path.write_bytes(data)
    open_document(path, FormatContext(NO_OCR, read_only=read_only))
    return handoff.take(data) is not None


def _twice(pdf: bytes) -> bytes:
    """The content stream object written a second time (same number) before the xref."""
    m = re.search(rb"\n(10 0 obj\n.*?endobj\n)", pdf, re.S)
    assert m is not None
    at = pdf.index(b"xref\n")
    out = pdf[:at] + m.group(1) + pdf[at:]
    return re.sub(rb"startxref\s+\d+", b"startxref\n%d" % (at + len(m.group(1))), out)


def test_a_plain_file_hands_its_page_texts_over_once(tmp_path):
    data = f.helvetica_pdf([LINES])
    path = tmp_path / "file.pdf"
    path.write_bytes(data)
    open_document(path, FormatContext(NO_OCR, read_only=True))
    assert len(handoff._OFFERS) == 1
    found = second_findings(path, NO_OCR, Engine.create(NO_OCR))
    assert not handoff._OFFERS  # taken
    assert {x.text for x in found if x.location.get("page") == 1} >= {"13812345678", "440881199001011233"}


@pytest.mark.parametrize(
    "variant",
    [
        lambda d: f.incremental_update(d, 11, 10, ["mobile 13900001111"]),
        f.broken_xref,
        lambda d: d + b"\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",  # bytes after %%EOF
        _twice,
    ],
    ids=["incremental update", "broken xref", "after EOF", "object twice"],
)
def test_a_file_two_parsers_may_read_apart_is_not_handed_over(tmp_path, variant):
    base = f.helvetica_pdf([LINES])
    assert _offered(base, tmp_path)
    assert not _offered(variant(base), tmp_path)


def test_encrypted_rotated_and_masking_are_not_handed_over(tmp_path):
    src = tmp_path / "src.pdf"
    src.write_bytes(f.helvetica_pdf([LINES]))
    assert not _offered(f.encrypt(src, tmp_path / "enc.pdf").read_bytes(), tmp_path)
    assert not _offered(f.helvetica_pdf([LINES], rotate=90), tmp_path)  # pdfminer reads it
    assert not _offered(src.read_bytes(), tmp_path, read_only=False)  # masking reads with pdfminer


def test_scan_reports_the_same_with_and_without_the_handoff(tmp_path, monkeypatch):
    path = tmp_path / "file.pdf"
    path.write_bytes(f.helvetica_pdf([LINES, ["Second page 13700002222"]]))
    with_handoff = scan_path(path, NO_OCR)
    monkeypatch.setattr(handoff, "offer", lambda data, texts: None)
    without = scan_path(path, NO_OCR)
    assert with_handoff.findings == without.findings and with_handoff.status == without.status


def test_offers_are_taken_once_and_bounded():
    for n in range(handoff._MAX + 2):
        handoff.offer(b"%d" % n, [f"page {n}"])
    assert handoff.take(b"0") is None  # pushed out
    assert handoff.take(b"%d" % (handoff._MAX + 1)) == (f"page {handoff._MAX + 1}",)
    assert handoff.take(b"%d" % (handoff._MAX + 1)) is None
