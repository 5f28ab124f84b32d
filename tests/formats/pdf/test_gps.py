"""A photo in a PDF keeps its EXIF when the tool that made the PDF stores the JPEG as it is (a
DCTDecode stream is the JPEG file): its GPS position is reported, for scanned and text PDFs, and
the masked copy holds none. Checked with poppler's `pdfimages` (an independent extractor) and
Pillow on what it extracts."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

import deident
from deident.formats.ocr.gps import position, without_exif
from deident.model import Status
from tests.factories import office
from tests.factories.pdf import docx_to_pdf, have_soffice
from tests.formats.image.test_gps import photo

pytest.importorskip("rapidocr_onnxruntime")


def _extracted_positions(pdf: Path, tmp: Path) -> list[tuple[float, float] | None]:
    """Every picture poppler extracts as it is stored (-all keeps JPEGs byte for byte)."""
    out = tmp / "pdfimages"
    out.mkdir(parents=True)
    subprocess.run(["pdfimages", "-all", str(pdf), str(out / "img")], check=True, timeout=60)
    return [position(Image.open(p)) for p in sorted(out.iterdir()) if p.suffix in (".jpg", ".jpeg")]


def photo_page_pdf(path: Path, jpeg: bytes | None = None) -> Path:
    """A page that is one photo (a scan tool's output): a DCTDecode XObject of the JPEG
    (a 320x200 photo with an EXIF position unless another is given)."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(400, 300))
    img = pikepdf.Stream(pdf, photo() if jpeg is None else jpeg)
    img.Type, img.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    img.Width, img.Height, img.BitsPerComponent = 320, 200, 8
    img.ColorSpace, img.Filter = pikepdf.Name.DeviceRGB, pikepdf.Name.DCTDecode
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=img))
    page.Contents = pdf.make_stream(b"q 320 0 0 200 40 50 cm /Im0 Do Q")
    pdf.save(path)
    return path


needs_poppler = pytest.mark.skipif(shutil.which("pdfimages") is None, reason="poppler-utils not installed")


def test_without_exif_keeps_every_other_byte() -> None:
    data = photo()
    bare = without_exif(data)
    assert position(Image.open(io.BytesIO(bare))) is None and b"Exif\x00\x00" not in bare
    assert len(data) - len(bare) > 20 and bare[-1000:] == data[-1000:]  # the scan data untouched
    assert Image.open(io.BytesIO(bare)).tobytes() == Image.open(io.BytesIO(data)).tobytes()


@needs_poppler
def test_a_scanned_pdf_of_a_photo(tmp_path: Path) -> None:
    src = photo_page_pdf(tmp_path / "走访照片.pdf")
    assert _extracted_positions(src, tmp_path / "a") != [None]
    report = deident.scan_file(src)
    assert [(f.entity_type, f.location.get("exif")) for f in report.findings] == [("CN_ADDRESS", "GPS")]
    masked = deident.mask_file(src, tmp_path / "out.pdf")
    assert masked.output is not None, masked.report.detail
    assert all(p is None for p in _extracted_positions(Path(masked.output), tmp_path / "b"))
    assert deident.scan_file(Path(masked.output)).status is Status.CLEAN


@needs_poppler
@pytest.mark.skipif(not have_soffice(), reason="LibreOffice not installed")
def test_a_text_pdf_whose_photo_kept_its_exif(tmp_path: Path) -> None:
    """LibreOffice's export of a visit report, its picture stored as the camera's JPEG (as a
    tool that passes JPEGs through writes it): the text stays, the position goes."""
    src = tmp_path / "走访记录.docx"
    src.write_bytes(office.docx_pictures([photo(fmt="PNG")], text="2024年3月入户走访情况"))
    pdf_path = docx_to_pdf(src, tmp_path)
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        for page in pdf.pages:
            for obj in (page.get_images() if hasattr(page, "get_images") else page.images).values():
                obj.write(photo(), filter=pikepdf.Name.DCTDecode)
                obj.Width, obj.Height, obj.BitsPerComponent = 320, 200, 8
                obj.ColorSpace = pikepdf.Name.DeviceRGB
                for k in ("/SMask", "/DecodeParms"):
                    if k in obj:
                        del obj[k]
        pdf.save(pdf_path)
    report = deident.scan_file(pdf_path)
    assert [(f.entity_type, f.location.get("exif")) for f in report.findings] == [("CN_ADDRESS", "GPS")]
    masked = deident.mask_file(pdf_path, tmp_path / "out.pdf")
    assert masked.output is not None, masked.report.detail
    text = subprocess.run(
        ["pdftotext", masked.output, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "入户走访情况" in text
    positions = _extracted_positions(Path(masked.output), tmp_path / "b")
    assert positions and all(p is None for p in positions)
