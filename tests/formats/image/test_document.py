"""Images through the whole pipeline: scans at 150-300 dpi with noise and rotation, ID-card
photos, and bad input. Leak checks re-read the masked image with rapidocr called directly and,
where installed, with tesseract: never with deident's own reader."""

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
from deident.formats.image import document as image_format
from deident.formats.ocr import engine as ocr
from deident.formats.ocr import raster
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


@pytest.fixture(scope="module")
def reader() -> RapidOCR:
    return RapidOCR()


def _read_rapid(reader: RapidOCR, path: Path) -> str:
    image = Image.open(path).convert("RGB")
    result, _ = reader(np.asarray(image)[:, :, ::-1])
    return "".join("".join(str(r[1]).split()) for r in result or ())


def _read_tesseract(path: Path) -> str | None:
    if shutil.which("tesseract") is None:
        return None
    out = subprocess.run(
        ["tesseract", str(path), "stdout", "-l", "chi_sim"], capture_output=True, timeout=300
    )
    return "".join(out.stdout.decode("utf-8", "replace").split())


@pytest.mark.parametrize(("dpi", "fmt", "seed"), [(150, "PNG", 1), (200, "JPEG", 2), (300, "PNG", 3)])
def test_scan_finds_and_masks_every_id_and_mobile(
    tmp_path: Path, engine: Engine, reader: RapidOCR, dpi: int, fmt: str, seed: int
) -> None:
    page = scans.scan_page(random.Random(seed), dpi=dpi, rows=4)
    suffix = ".png" if fmt == "PNG" else ".jpg"
    src = tmp_path / ("scan" + suffix)
    page.image.save(src, format=fmt)
    report = scan_path(src, ScanConfig(), engine=engine)
    assert report.status is Status.FINDINGS
    found = {f.text for f in report.findings}
    assert set(page.ids) <= found
    assert set(page.mobiles) <= found
    assert all("bbox" in f.location and "line" in f.location for f in report.findings)
    assert any("mean confidence" in n for n in report.notes)

    result = mask_path(src, tmp_path / "out" / src.name, ScanConfig(), Policy.load("gov"), engine=engine)
    assert result.output is not None, result.report.reason
    out = Path(result.output)
    assert out.suffix == suffix
    masked = Image.open(out)
    assert masked.format == fmt and masked.size == page.image.size
    values = page.ids + page.mobiles
    rapid_text = _read_rapid(reader, out)
    assert [v for v in values if v in rapid_text] == []
    # the gov policy keeps the ends readable: the region codes are still there
    assert sum(rid[:6] in rapid_text for rid in page.ids) >= len(page.ids) - 1
    tess_text = _read_tesseract(out)
    if tess_text is not None:
        assert [v for v in values if v in tess_text] == []


def test_masking_changes_only_the_lines_that_hold_values(tmp_path: Path, engine: Engine) -> None:
    page = scans.scan_page(random.Random(5), dpi=150, rows=2)
    src = tmp_path / "scan.png"
    page.image.save(src)
    doc = image_format.open_document(src, FormatContext())
    reps: dict[int, list[Replacement]] = {}
    bands: list[tuple[float, float]] = []
    for seg in doc.segments():
        found = engine.analyze(seg.text)
        if found:
            reps[seg.id] = [
                Replacement(f.start, f.end, "*" * (f.end - f.start), f.entity_type) for f in found
            ]
            _, y0, _, y1 = seg.location["bbox"]
            pad = 0.3 * (y1 - y0)
            bands.append((y0 - pad, y1 + pad))
    assert reps
    buf = io.BytesIO()
    doc.write_masked(reps, buf)
    before = np.asarray(Image.open(src).convert("L"), dtype=np.int16)
    after = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("L"), dtype=np.int16)
    rows = np.nonzero((before != after).any(axis=1))[0]
    assert rows.size > 0
    outside = [int(r) for r in rows if not any(lo <= r <= hi for lo, hi in bands)]
    assert outside == []  # titles, footers and lines without values are untouched
    # the masked copy reads as masked text: the policy's stars are where the digits were
    text = "".join(
        seg.text for seg in image_format.open_document(_save(tmp_path, buf), FormatContext()).segments()
    )
    assert text.count("*") >= 8


def _save(tmp_path: Path, buf: io.BytesIO) -> Path:
    out = tmp_path / "masked.png"
    out.write_bytes(buf.getvalue())
    return out


def test_id_card_photo_is_reported_and_fully_painted(tmp_path: Path, engine: Engine) -> None:
    card = scans.id_card(random.Random(9))
    src = tmp_path / "身份证.jpg"
    card.image.save(src, quality=92)
    report = scan_path(src, ScanConfig(), engine=engine)
    assert report.status is Status.FINDINGS
    assert any("looks like an ID card" in n for n in report.notes)
    whole = [f for f in report.findings if f.location.get("image") == "whole"]
    assert len(whole) == 1 and whole[0].entity_type == "CN_RESIDENT_ID"
    assert whole[0].text == ocr.ID_CARD_TEXT  # no card data in the report
    result = mask_path(src, tmp_path / "out" / src.name, ScanConfig(), Policy.load("gov"), engine=engine)
    assert result.output is not None, result.report.reason
    masked = Image.open(result.output).convert("L")
    assert masked.size == card.image.size
    assert masked.getextrema()[1] < 40


def test_blank_image_is_clean_with_an_ocr_note(tmp_path: Path, engine: Engine) -> None:
    src = tmp_path / "blank.png"
    scans.blank_page().save(src)
    report = scan_path(src, ScanConfig(), engine=engine)
    assert report.status is Status.CLEAN
    assert any("found no text" in n for n in report.notes)


def test_multi_page_tiff_masks_every_page(tmp_path: Path, engine: Engine, reader: RapidOCR) -> None:
    pages = [scans.scan_page(random.Random(20 + k), dpi=150, rows=2) for k in range(2)]
    src = tmp_path / "scans.tif"
    pages[0].image.save(src, save_all=True, append_images=[pages[1].image])
    report = scan_path(src, ScanConfig(), engine=engine)
    assert {f.location["frame"] for f in report.findings} == {0, 1}
    result = mask_path(src, tmp_path / "out" / src.name, ScanConfig(), Policy.load("gov"), engine=engine)
    assert result.output is not None, result.report.reason
    out = Image.open(result.output)
    assert out.n_frames == 2
    for k, page in enumerate(pages):
        out.seek(k)
        frame_path = tmp_path / f"frame{k}.png"
        out.convert("L").save(frame_path)
        text = _read_rapid(reader, frame_path)
        assert [v for v in page.ids + page.mobiles if v in text] == []


def test_exif_rotated_photo_is_read_upright(tmp_path: Path, engine: Engine) -> None:
    page = scans.scan_page(random.Random(31), dpi=150, rows=1, angle=0)
    # Store the pixels turned by 90° and say so in EXIF, as phones do.
    turned = page.image.convert("RGB").transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 8  # rotate 90° clockwise to view
    src = tmp_path / "phone.jpg"
    turned.save(src, exif=exif.tobytes(), quality=92)
    report = scan_path(src, ScanConfig(), engine=engine)
    assert set(page.ids) <= {f.text for f in report.findings}


def test_huge_image_is_blocked(tmp_path: Path) -> None:
    src = tmp_path / "big.png"
    Image.new("L", (2000, 2000), 255).save(src)
    report = scan_path(src, ScanConfig(limits=Limits(max_image_pixels=1_000_000)))
    assert report.status is Status.BLOCKED
    assert report.reason is not None and report.reason.startswith("too large")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),
        ("x.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"),
        ("x.bmp", b"hello"),
        ("x.tif", b"II*\x00\x08\x00\x00\x00\xff\xff"),
    ],
)
def test_undecodable_images_are_blocked(tmp_path: Path, name: str, content: bytes) -> None:
    src = tmp_path / name
    src.write_bytes(content)
    report = scan_path(src, ScanConfig())
    assert report.status is Status.BLOCKED
    assert report.reason is not None and report.reason.startswith("corrupt")


def test_truncated_png_is_blocked(tmp_path: Path) -> None:
    page = scans.scan_page(random.Random(2), dpi=150, rows=1)
    buf = io.BytesIO()
    page.image.save(buf, format="PNG")
    src = tmp_path / "cut.png"
    src.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    report = scan_path(src, ScanConfig())
    assert report.status is Status.BLOCKED


def test_without_ocr_images_are_blocked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "x.png"
    scans.blank_page().save(src)

    def unavailable() -> ocr.OcrBackend:
        raise BlockedError(ocr.OCR_MISSING, "no engine")

    monkeypatch.setattr(ocr, "load_backend", unavailable)
    report = scan_path(src, ScanConfig())
    assert report.status is Status.BLOCKED
    assert report.reason is not None and report.reason.startswith("OCR is needed to read images")
    off = scan_path(src, ScanConfig(ocr=False))
    assert off.status is Status.BLOCKED


def test_masked_positions_follow_the_policy() -> None:
    text = "电话13812345678"
    same = Replacement(2, 13, "138****5678", "CN_MOBILE")
    assert list(raster.masked_positions(text, same)) == [5, 6, 7, 8]
    deleted = Replacement(2, 13, "", "CN_MOBILE")
    assert list(raster.masked_positions(text, deleted)) == list(range(2, 13))
