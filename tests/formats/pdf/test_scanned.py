"""Scanned PDFs (pages are images, no text layer): OCR per page, and a masked copy rebuilt from
the painted page images. Leak checks use poppler (pdftotext, pdftoppm), pikepdf and rapidocr
called directly, never deident's readers."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from deident.config import Limits, ScanConfig
from deident.detection.engine import Engine
from deident.errors import BlockedError
from deident.formats.base import FormatContext, Replacement
from deident.formats.pdf.scanned import open_scanned_pdf
from deident.masking.policy import Policy
from deident.model import Status
from deident.pipeline import mask_path, scan_path
from tests.factories import scans

try:
    import numpy as np
    from rapidocr_onnxruntime import RapidOCR

    HAVE_RAPID = True
except ImportError:
    HAVE_RAPID = False
pytestmark = pytest.mark.skipif(not HAVE_RAPID, reason="rapidocr-onnxruntime not installed")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.create()


def _scanned_pdf(path: Path, images: list[Image.Image], dpi: int, *, author: str | None = None) -> Path:
    images[0].save(path, save_all=True, append_images=images[1:], resolution=dpi)
    if author is not None:
        import pikepdf

        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            pdf.docinfo["/Author"] = author
            pdf.docinfo["/Title"] = author + "的申请材料"
            pdf.save(path)
    return path


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[scans.ScanPage]]:
    d = tmp_path_factory.mktemp("scanned")
    pages = [scans.scan_page(random.Random(40 + k), dpi=200, rows=3) for k in range(2)]
    return _scanned_pdf(d / "扫描件.pdf", [p.image for p in pages], 200, author="张三丰"), pages


def _masked(doc_path: Path, engine: Engine, out: Path, policy: str = "gov") -> Path:
    doc = open_scanned_pdf(doc_path, FormatContext())
    pol = Policy.load(policy)
    reps: dict[int, list[Replacement]] = {}
    for seg in doc.segments():
        found = engine.analyze(seg.text, hint_entity=seg.hint_entity, hint_reason=seg.hint_reason)
        if found:
            reps[seg.id] = [Replacement(f.start, f.end, pol.replacement(f), f.entity_type) for f in found]
    with out.open("wb") as fh:
        doc.write_masked(reps, fh)
    return out


def _ocr_pages(path: Path, tmp: Path) -> list[str]:
    """Render with poppler when present (else pypdfium2) and OCR with rapidocr directly."""
    reader = RapidOCR()
    images: list[Image.Image] = []
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "200", "-png", str(path), str(tmp / "pg")], check=True, timeout=300)
        images = [Image.open(p) for p in sorted(tmp.glob("pg*.png"))]
    else:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        images = [pdf[i].render(scale=200 / 72).to_pil() for i in range(len(pdf))]
    texts = []
    for image in images:
        result, _ = reader(np.asarray(image.convert("RGB"))[:, :, ::-1])
        texts.append("".join("".join(str(r[1]).split()) for r in result or ()))
    return texts


def test_every_page_is_read_with_page_and_box(
    scanned: tuple[Path, list[scans.ScanPage]], engine: Engine
) -> None:
    path, pages = scanned
    doc = open_scanned_pdf(path, FormatContext())
    segs = list(doc.segments())
    assert {s.location["page"] for s in segs} == {1, 2}
    width_pt = scans.A4_WIDTH_IN * 72
    for s in segs:
        x0, y0, x1, y1 = s.location["bbox"]
        assert 0 <= x0 < x1 <= width_pt + 1 and 0 <= y0 < y1
    found = {f.text for s in segs for f in engine.analyze(s.text)}
    for page in pages:
        assert set(page.ids) <= found and set(page.mobiles) <= found
    assert any("scanned PDF" in n for n in doc.notes)
    assert any("image-only PDF" in n for n in doc.notes)


def test_the_pdf_reader_hands_scans_to_ocr(
    scanned: tuple[Path, list[scans.ScanPage]], engine: Engine
) -> None:
    path, pages = scanned
    report = scan_path(path, ScanConfig(), engine=engine)
    assert report.status is Status.FINDINGS, report.reason
    found = {f.text for f in report.findings}
    assert set(pages[0].ids) <= found


def test_masked_copy_has_no_text_layer_metadata_or_values(
    scanned: tuple[Path, list[scans.ScanPage]], engine: Engine, tmp_path: Path
) -> None:
    import pikepdf

    path, pages = scanned
    before = path.read_bytes()
    out = _masked(path, engine, tmp_path / "masked.pdf")
    assert path.read_bytes() == before
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 2
        assert "/Author" not in pdf.docinfo and "/Title" not in pdf.docinfo
        assert "/Prev" not in pdf.trailer
        for page in pdf.pages:
            xobjects = page.Resources.XObject
            assert len(xobjects.keys()) == 1  # one picture, nothing else on the page
    assert "张三丰" not in out.read_bytes().decode("latin-1")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, timeout=120).stdout
        assert text.decode("utf-8", "replace").strip() == ""
    ocr_texts = _ocr_pages(out, tmp_path)
    values = [v for p in pages for v in p.ids + p.mobiles]
    assert [v for v in values if any(v in t for t in ocr_texts)] == []
    # masked, not blanked: the rest of the page and the kept ends of the numbers are still there
    assert any("公示" in t for t in ocr_texts)
    assert sum(rid[:6] in ocr_texts[0] for rid in pages[0].ids) >= 2


def test_page_size_is_kept(
    scanned: tuple[Path, list[scans.ScanPage]], engine: Engine, tmp_path: Path
) -> None:
    import pypdfium2 as pdfium

    path, _ = scanned
    out = _masked(path, engine, tmp_path / "masked.pdf")
    src, dst = pdfium.PdfDocument(str(path)), pdfium.PdfDocument(str(out))
    for i in range(len(src)):
        assert dst[i].get_size() == pytest.approx(src[i].get_size(), abs=1.0)


def test_id_card_page_is_blacked_out(engine: Engine, tmp_path: Path) -> None:
    card = scans.id_card(random.Random(12))
    path = _scanned_pdf(tmp_path / "card.pdf", [card.image], 254)
    doc = open_scanned_pdf(path, FormatContext())
    assert any("looks like an ID card" in n for n in doc.notes)
    out = _masked(path, engine, tmp_path / "masked.pdf")
    import pypdfium2 as pdfium

    image = pdfium.PdfDocument(str(out))[0].render(scale=1).to_pil().convert("L")
    assert image.getextrema()[1] < 60


def test_blank_scanned_page_is_clean(tmp_path: Path, engine: Engine) -> None:
    path = _scanned_pdf(tmp_path / "blank.pdf", [scans.blank_page()], 150)
    doc = open_scanned_pdf(path, FormatContext())
    assert list(doc.segments()) == []
    assert any("no text found" in n for n in doc.notes)


def test_too_many_pages_is_blocked(tmp_path: Path) -> None:
    path = _scanned_pdf(tmp_path / "many.pdf", [scans.blank_page(72)] * 3, 72)
    with pytest.raises(BlockedError) as err:
        open_scanned_pdf(path, FormatContext(ScanConfig(limits=Limits(max_pdf_pages=2))))
    assert err.value.reason == "too large"


def test_password_protected_is_blocked(tmp_path: Path) -> None:
    import pikepdf

    plain = _scanned_pdf(tmp_path / "plain.pdf", [scans.blank_page(72)], 72)
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(BlockedError) as err:
        open_scanned_pdf(locked, FormatContext())
    assert err.value.reason == "encrypted"


def test_corrupt_is_blocked(tmp_path: Path) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 3)
    with pytest.raises(BlockedError) as err:
        open_scanned_pdf(path, FormatContext())
    assert err.value.reason.startswith("corrupt")


def test_ocr_turned_off_is_blocked(scanned: tuple[Path, list[scans.ScanPage]]) -> None:
    path, _ = scanned
    with pytest.raises(BlockedError) as err:
        open_scanned_pdf(path, FormatContext(ScanConfig(ocr=False)))
    assert err.value.reason == "no readable text layer"


def test_through_the_pipeline_mask_verifies_by_rereading(
    scanned: tuple[Path, list[scans.ScanPage]], engine: Engine, tmp_path: Path
) -> None:
    path, _ = scanned
    result = mask_path(path, tmp_path / "out" / path.name, ScanConfig(), Policy.load("gov"), engine=engine)
    assert result.output is not None, result.report.reason
    assert Path(result.output).read_bytes().startswith(b"%PDF")
    assert io.BytesIO(Path(result.output).read_bytes()).getbuffer().nbytes > 1000
