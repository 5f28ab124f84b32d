"""Pictures inside .docx/.xlsx: a roster scan pasted into Word, an ID card in a header, pictures
anchored in a sheet by openpyxl, WPS pictures in cells (`xl/cellimages.xml` + DISPIMG), a
logo too small to hold text, the same picture twice, and an embedded .docx with a picture.

Masked copies are checked like an attacker would: every media member is pulled out of the zip
with `zipfile` and read by the tesseract CLI (not deident's OCR); pixels outside the masked
boxes are compared with the source picture; LibreOffice converts the copy; every non-media
member is byte-identical to the source. OCR is slow, so each file is built, scanned and
masked once per module and the tests share the results.
"""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import subprocess
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

import deident
from deident.config import Limits, ScanConfig
from deident.errors import BlockedError
from deident.formats.ocr.engine import OCR_MISSING
from deident.formats.ooxml.media import classify, rels_owner, same_format, same_layout
from deident.model import FileReport, MaskReport, Status
from tests.factories import office, scans

try:
    import numpy as np
    import rapidocr_onnxruntime  # noqa: F401

    HAVE_OCR = True
except ImportError:
    HAVE_OCR = False
needs_ocr = pytest.mark.skipif(not HAVE_OCR, reason="deident[ocr] (rapidocr-onnxruntime) not installed")
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract CLI not installed")


@dataclass(frozen=True)
class Case:
    """A container file with pictures, its scan report and its masked copy."""

    src: Path
    values: tuple[str, ...]  # IDs and mobiles printed in its pictures
    report: FileReport
    masked: MaskReport

    @property
    def out(self) -> bytes:
        assert self.masked.output is not None, self.masked.report.reason
        return Path(self.masked.output).read_bytes()


def _run(path: Path, values: tuple[str, ...]) -> Case:
    report = deident.scan_file(path)
    masked = deident.mask_file(path, path.parent / "masked" / path.name)
    return Case(path, values, report, masked)


def _tesseract(data: bytes, tmp: Path) -> str:
    """Text tesseract reads in an image, whitespace removed (digits come out spaced)."""
    path = tmp / f"ocr-{uuid.uuid4().hex}.png"
    Image.open(io.BytesIO(data)).save(path)
    out = subprocess.run(
        ["tesseract", str(path), "stdout", "-l", "chi_sim+eng"], capture_output=True, timeout=300
    )
    return "".join(out.stdout.decode("utf-8", "replace").split())


def _gray(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=np.int16)


# ------------------------------------------------------------------------------ files


@pytest.fixture(scope="module")
def pictures() -> dict[str, object]:
    rng = random.Random(20250107)
    roster = scans.scan_page(rng, dpi=200, rows=4)
    small = scans.scan_page(rng, dpi=150, rows=2)
    card = scans.id_card(rng)
    cards = [scans.id_card(rng, scale=0.8) for _ in range(2)]
    return {"roster": roster, "small": small, "card": card, "cards": cards}


@pytest.fixture(scope="module")
def docx_case(pictures: dict, tmp_path_factory: pytest.TempPathFactory) -> Case:
    roster, card = pictures["roster"], pictures["card"]
    data = office.docx_pictures(
        [scans.encode(roster.image), scans.encode(scans.logo())],
        header=scans.encode(card.image, "JPEG"),
    )
    path = tmp_path_factory.mktemp("docx") / "公示附件.docx"
    path.write_bytes(data)
    return _run(path, (*roster.ids, *roster.mobiles, card.id_number))


@pytest.fixture(scope="module")
def xlsx_case(pictures: dict, tmp_path_factory: pytest.TempPathFactory) -> Case:
    small = pictures["small"]
    png = scans.encode(small.image)
    data = office.xlsx_pictures([(png, "C2"), (png, "C9"), (scans.encode(scans.logo()), "A12")])
    path = tmp_path_factory.mktemp("xlsx") / "名单.xlsx"
    path.write_bytes(data)
    return _run(path, (*small.ids, *small.mobiles))


@pytest.fixture(scope="module")
def wps_case(pictures: dict, tmp_path_factory: pytest.TempPathFactory) -> Case:
    cards = pictures["cards"]
    data = office.xlsx_cell_images(
        [(c.name, scans.encode(c.image, "JPEG")) for c in cards],
        twice=(2,),
    )
    path = tmp_path_factory.mktemp("wps") / "身份证名单.xlsx"
    path.write_bytes(data)
    return _run(path, tuple(c.id_number for c in cards))


# ------------------------------------------------------------------------------ scanning


@needs_ocr
def test_docx_pictures_are_read_with_their_place(docx_case: Case) -> None:
    report = docx_case.report
    assert report.status is Status.FINDINGS, report.reason
    found = {f.text for f in report.findings}
    assert set(docx_case.values) <= found
    in_body = [f for f in report.findings if f.location.get("part") == "word/media/image1.png"]
    assert in_body and all(f.location["shown_in"] == "word/document.xml" for f in in_body)
    assert all("bbox" in f.location and "line" in f.location for f in in_body)
    # The ID card in the header is personal data as a whole, and says where it is shown.
    (whole,) = [f for f in report.findings if f.location.get("image") == "whole"]
    assert whole.entity_type == "CN_RESIDENT_ID"
    assert whole.location["shown_in"] == "word/header1.xml"
    assert whole.location["story"] == "header default"
    assert any("picture(s) read by OCR" in n and "1 skipped as too small" in n for n in report.notes)
    assert not any("not read" in n for n in report.notes)


@needs_ocr
def test_xlsx_drawing_pictures_are_located_at_their_anchor_cell(xlsx_case: Case) -> None:
    report = xlsx_case.report
    assert report.status is Status.FINDINGS, report.reason
    assert set(xlsx_case.values) <= {f.text for f in report.findings}
    pic = [f for f in report.findings if str(f.location.get("part", "")).startswith("xl/media/")]
    assert pic
    first = pic[0].location
    assert (first["sheet"], first["cell"]) == ("名单", "C2")
    # openpyxl stored the picture twice: OCR'd once, the finding names the copy.
    assert len(first["copies"]) == 1
    assert any(n.startswith("1 picture(s) read by OCR, 1 skipped") for n in report.notes)


@needs_ocr
def test_wps_cell_images_are_located_at_their_dispimg_cells(wps_case: Case) -> None:
    report = wps_case.report
    assert report.status is Status.FINDINGS, report.reason
    assert set(wps_case.values) <= {f.text for f in report.findings}
    wholes = sorted(
        (f for f in report.findings if f.location.get("image") == "whole"),
        key=lambda f: f.location["cell"],
    )
    assert [(f.location["sheet"], f.location["cell"]) for f in wholes] == [("名单", "C2"), ("名单", "C3")]
    assert all(f.location["cell_image"].startswith("ID_") for f in wholes)
    assert wholes[1].location["also_shown_in"] == ["名单!D3"]
    assert "also_shown_in" not in wholes[0].location
    # The cells' cached text =DISPIMG("ID_…",1) sits under the 身份证照片 header but is no ID.
    in_cells = [f for f in report.findings if "part" not in f.location and f.location["cell"][0] in "CD"]
    assert in_cells == []


@needs_ocr
def test_cli_scan_json_shows_the_picture_location(wps_case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from deident.cli.app import app

    monkeypatch.chdir(wps_case.src.parent)
    result = CliRunner().invoke(app, ["scan", wps_case.src.name, "--format", "json"])
    assert result.exit_code == 1
    doc = json.loads(result.output)
    text = json.dumps(doc, ensure_ascii=False)
    assert '"part": "xl/media/image1.jpeg"' in text
    assert '"cell": "C2"' in text and '"image": "whole"' in text


# ------------------------------------------------------------------------------ masking


@needs_ocr
@pytest.mark.parametrize(
    ("name", "text_parts"),
    [
        # python-docx's template has a thumbnail of page 1: blanked in every masked copy
        ("docx_case", {"docProps/thumbnail.jpeg"}),
        ("xlsx_case", set()),
        # the roster's 姓名 column is text: its shared strings are masked; the DISPIMG cells are not
        ("wps_case", {"xl/sharedStrings.xml"}),
    ],
)
def test_masked_copy_rescans_clean_and_keeps_every_other_member(
    name: str, text_parts: set[str], request: pytest.FixtureRequest
) -> None:
    case: Case = request.getfixturevalue(name)
    assert case.masked.ok, case.masked.report.reason
    out = case.out
    # (d) deident itself finds nothing left
    again = deident.scan_file(Path(case.masked.output))  # type: ignore[arg-type]
    assert again.status is Status.CLEAN, [(f.entity_type, f.location) for f in again.findings]
    # (e) only pictures changed; everything else is byte for byte the source
    src = zipfile.ZipFile(case.src)
    dst = zipfile.ZipFile(io.BytesIO(out))
    assert src.namelist() == dst.namelist()
    changed = {n for n in src.namelist() if src.read(n) != dst.read(n)}
    assert {n for n in changed if "/media/" not in n} == text_parts
    assert len(changed) > len(text_parts)
    for n in changed - text_parts:  # same image format under the same name
        assert Image.open(io.BytesIO(dst.read(n))).format == Image.open(io.BytesIO(src.read(n))).format


@needs_ocr
def test_the_same_picture_twice_is_masked_in_both_places(xlsx_case: Case) -> None:
    src = office.media_members(xlsx_case.src.read_bytes())
    out = office.media_members(xlsx_case.out)
    copies = [n for n in src if src[n] == src["xl/media/image1.png"]]
    assert len(copies) == 2
    assert all(out[n] != src[n] for n in copies)
    assert out[copies[0]] == out[copies[1]]


@needs_ocr
@needs_tesseract
@pytest.mark.parametrize("name", ["docx_case", "xlsx_case", "wps_case"])
def test_no_value_readable_in_masked_pictures(
    name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """(a) The tesseract CLI reads every media member of the masked zip: no value is there."""
    case: Case = request.getfixturevalue(name)
    media = office.media_members(case.out)
    text = "".join(_tesseract(data, tmp_path) for n, data in media.items() if "/media/" in n)
    assert [v for v in case.values if v in text] == []


@needs_ocr
@needs_tesseract
def test_tesseract_reads_the_source_pictures(docx_case: Case, tmp_path: Path) -> None:
    """The oracle works: on the source roster it reads the values the masked copy must hide."""
    text = _tesseract(office.media_members(docx_case.src.read_bytes())["word/media/image1.png"], tmp_path)
    assert sum(v in text for v in docx_case.values) >= 4


@needs_ocr
def test_id_card_pictures_are_black(docx_case: Case, wps_case: Case) -> None:
    media = office.media_members(docx_case.out)
    (card,) = [d for n, d in media.items() if "/media/" in n and d[:2] == b"\xff\xd8"]
    assert _gray(card).mean() < 8
    for data in [d for n, d in office.media_members(wps_case.out).items() if "/media/" in n]:
        assert _gray(data).mean() < 8


@needs_ocr
def test_pixels_outside_masked_boxes_are_unchanged(docx_case: Case) -> None:
    """(b) The PNG roster differs from its source only inside the boxes of lines with findings."""
    part = "word/media/image1.png"
    before = _gray(office.media_members(docx_case.src.read_bytes())[part])
    after = _gray(office.media_members(docx_case.out)[part])
    assert before.shape == after.shape
    allowed = np.zeros(before.shape, dtype=bool)
    for f in docx_case.report.findings:
        if f.location.get("part") == part:
            x0, y0, x1, y1 = f.location["bbox"]
            pad = 0.3 * (y1 - y0)
            allowed[max(0, int(y0 - pad)) : int(y1 + pad) + 1, max(0, int(x0 - pad)) : int(x1 + pad) + 1] = (
                True
            )
    changed = before != after
    assert changed.any()
    assert not (changed & ~allowed).any()


@pytest.mark.libreoffice
@needs_ocr
def test_masked_copies_open_in_libreoffice(
    docx_case: Case, xlsx_case: Case, wps_case: Case, tmp_path: Path
) -> None:
    """(c) LibreOffice converts every masked copy to PDF, and its text holds no value."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    cases = {"docx": docx_case, "xlsx": xlsx_case, "wps": wps_case}
    for stem, case in cases.items():
        (tmp_path / f"{stem}{case.src.suffix}").write_bytes(case.out)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file:///tmp/lo-{uuid.uuid4().hex}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *(str(tmp_path / f"{s}{c.src.suffix}") for s, c in cases.items()),
        ],
        check=False,
        capture_output=True,
        timeout=600,
    )
    for stem, case in cases.items():
        pdf = tmp_path / "pdf" / f"{stem}.pdf"
        assert pdf.exists() and pdf.stat().st_size > 0, f"LibreOffice could not open the masked {stem}"
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout
            assert [v for v in case.values if v in text.decode()] == []


# ------------------------------------------------------------------------------ fail closed


def test_ocr_off_blocks_a_picture_that_can_hold_text(tmp_path: Path, pictures: dict) -> None:
    path = tmp_path / "a.docx"
    path.write_bytes(office.docx_pictures([scans.encode(pictures["small"].image)]))
    report = deident.scan_file(path, ScanConfig(ocr=False))
    assert report.status is Status.BLOCKED
    assert report.reason == OCR_MISSING
    assert "word/media/image1.png" in (report.detail or "")
    result = deident.mask_file(path, tmp_path / "out" / "a.docx", config=ScanConfig(ocr=False))
    assert result.output is None and result.report.reason == OCR_MISSING


def test_ocr_off_with_only_a_logo_is_not_blocked(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    # python-docx's template carries a thumbnail too: it is not OCR'd, so it does not block.
    path.write_bytes(office.docx_pictures([scans.encode(scans.logo())], text="通知"))
    assert "docProps/thumbnail.jpeg" in zipfile.ZipFile(path).namelist()
    report = deident.scan_file(path, ScanConfig(ocr=False))
    assert report.status is Status.CLEAN, report.reason
    assert "0 picture(s) read by OCR, 1 skipped as too small to hold text" in report.notes


@needs_ocr
def test_a_picture_over_the_pixel_limit_is_blocked(tmp_path: Path, pictures: dict) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(office.xlsx_pictures([(scans.encode(pictures["small"].image), "B2")]))
    report = deident.scan_file(path, ScanConfig(limits=Limits(max_image_pixels=100_000)))
    assert report.status is Status.BLOCKED
    assert report.reason == "too large"
    assert "xl/media/image1.png" in (report.detail or "")


def test_a_picture_that_cannot_be_decoded_is_blocked(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    d = office.Docx(body=[office.para(office.run("正文"))])
    d.parts["word/media/image1.png"] = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    d.defaults["png"] = "image/png"
    path.write_bytes(d.to_bytes())
    report = deident.scan_file(path)
    assert report.status is Status.BLOCKED
    assert report.reason == "picture cannot be read"
    assert "word/media/image1.png" in (report.detail or "")


def test_vector_pictures_are_listed_as_not_read(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    d = office.Docx(body=[office.para(office.run("正文"))])
    d.parts["word/media/image1.emf"] = _EMF_HEADER
    d.defaults["emf"] = "image/x-emf"
    path.write_bytes(d.to_bytes())
    report = deident.scan_file(path, ScanConfig(ocr=False))
    assert report.status is Status.CLEAN, report.reason
    assert any("1 vector picture(s) (EMF/WMF) not read" in n and "image1.emf" in n for n in report.notes)


def test_embedded_docx_pictures_need_ocr_too(tmp_path: Path, pictures: dict) -> None:
    inner = office.docx_pictures([scans.encode(pictures["small"].image)])
    d = office.Docx(body=[office.para(office.run("见附件"))])
    d.parts["word/embeddings/附件.docx"] = inner
    d.defaults["docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    path = tmp_path / "outer.docx"
    path.write_bytes(d.to_bytes())
    report = deident.scan_file(path, ScanConfig(ocr=False))
    assert report.status is Status.BLOCKED
    assert report.reason == OCR_MISSING
    assert "word/embeddings/附件.docx" in (report.detail or "")
    assert "word/media/image1.png" in (report.detail or "")


@needs_ocr
@needs_tesseract
def test_embedded_docx_pictures_are_read_and_masked(tmp_path: Path, pictures: dict) -> None:
    small = pictures["small"]
    inner = _without(office.docx_pictures([scans.encode(small.image)]), "docProps/thumbnail.jpeg")
    d = office.Docx(body=[office.para(office.run("见附件"))])
    d.parts["word/embeddings/附件.docx"] = inner
    d.defaults["docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    path = tmp_path / "outer.docx"
    path.write_bytes(d.to_bytes())
    case = _run(path, (*small.ids, *small.mobiles))
    assert set(case.values) <= {f.text for f in case.report.findings}
    loc = next(f.location for f in case.report.findings if f.entity_type == "CN_RESIDENT_ID")
    assert loc["embedded"] == "word/embeddings/附件.docx" and loc["part"] == "word/media/image1.png"
    assert case.masked.ok, case.masked.report.reason
    with zipfile.ZipFile(io.BytesIO(case.out)) as outer:
        masked_inner = outer.read("word/embeddings/附件.docx")
    text = _tesseract(office.media_members(masked_inner)["word/media/image1.png"], tmp_path)
    assert [v for v in case.values if v in text] == []


# ------------------------------------------------------------------------------ units

# The 88-byte header record of an EMF file: record type 1, bounds 100x100 px, frame 1x1 inch
# (in 0.01 mm), signature " EMF" at offset 40.
_EMF_HEADER = (
    (1).to_bytes(4, "little")
    + (88).to_bytes(4, "little")
    + b"".join(v.to_bytes(4, "little") for v in (0, 0, 100, 100, 0, 0, 2540, 2540))
    + b" EMF"
    + (0x10000).to_bytes(4, "little")
    + bytes(44)
)


def _without(data: bytes, member: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != member:
                dst.writestr(info, src.read(info))
    return buf.getvalue()


@pytest.mark.parametrize(
    ("rels", "owner"),
    [
        ("word/_rels/document.xml.rels", "word/document.xml"),
        ("xl/drawings/_rels/drawing1.xml.rels", "xl/drawings/drawing1.xml"),
        ("xl/_rels/cellimages.xml.rels", "xl/cellimages.xml"),
        ("_rels/.rels", ""),
    ],
)
def test_rels_owner(rels: str, owner: str) -> None:
    assert rels_owner(rels) == owner


def test_classify() -> None:
    png = scans.encode(scans.logo())
    assert classify("word/media/image1.png", "image/png", png) == "raster"
    assert classify("word/media/image1.emf", "image/x-emf", _EMF_HEADER) == "vector"
    assert classify("word/media/image9.bin", "image/png", _EMF_HEADER) == "vector"  # sniffed
    assert classify("word/media/image9.bin", "", _EMF_HEADER[:40] + bytes(48)) == "other"
    assert classify("word/media/media1.mp4", "video/mp4", b"\x00\x00\x00\x18ftypmp42") == "other"
    with pytest.raises(BlockedError, match="picture cannot be read"):
        classify("word/media/hdphoto1.wdp", "image/vnd.ms-photo", b"II\xbc\x01" + bytes(60))


@settings(max_examples=30, deadline=None)
@given(
    fmt=st.sampled_from(["PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP"]),
    mode=st.sampled_from(["L", "RGB", "RGBA", "P"]),
    w=st.integers(1, 40),
    h=st.integers(1, 40),
)
def test_same_format_gives_back_the_source_format(fmt: str, mode: str, w: int, h: int) -> None:
    """Whatever a repainted picture was written as (PNG), the member keeps its own format."""
    image = Image.new(mode, (w, h))
    png = scans.encode(image, "PNG")
    out = same_format(png, fmt)
    with Image.open(io.BytesIO(out)) as im:
        assert im.format == fmt and im.size == (w, h)


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_a_sideways_phone_photo_keeps_its_stored_layout(orientation: int) -> None:
    """The repainted picture (saved upright, EXIF dropped) goes back to the source's stored
    pixel layout with only the orientation tag, so it fills its frame in Word the same way."""
    from PIL import ImageOps

    raw = Image.new("RGB", (90, 60), "white")
    raw.paste((0, 0, 0), (0, 0, 30, 60))  # a black band on the stored left edge
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N"}  # a GPS block: must not come back
    source = scans.encode(raw, "JPEG", exif=exif.tobytes())
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(source)))
    repainted = scans.encode(upright, "JPEG")  # what the picture repainting hands back
    out = Image.open(io.BytesIO(same_layout(repainted, source)))
    assert out.format == "JPEG" and out.size == raw.size
    assert out.getexif().get(0x0112, 1) == orientation
    assert 0x8825 not in out.getexif()
    stored = np.asarray(out.convert("L"), dtype=np.int16)
    assert stored[:, :25].mean() < 30 and stored[:, 35:].mean() > 225


@needs_ocr
def test_location_names_are_not_personal_data(docx_case: Case) -> None:
    """Picture locations name parts, sheets and cells only: no OCR text."""
    for f in docx_case.report.findings:
        assert f.text not in json.dumps(dict(f.location), ensure_ascii=False)
    assert all(not re.search(r"\d{11}", n) for n in docx_case.report.notes)


def _white(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as im:
        return im.convert("L").getextrema() == (255, 255)


def test_the_thumbnail_is_blank_in_a_masked_copy(tmp_path: Path) -> None:
    # The thumbnail is a picture of page 1 as it was: a masked copy must not keep it. It is
    # replaced by a white picture of the same size and format, so its relationship stays valid.
    src = tmp_path / "a.docx"
    value = office.ids(1)[0]
    data = office.docx_pictures([], text=f"申请人身份证号：{value}")
    # python-docx's own thumbnail is a blank page: draw the first page's text on it, as Word does.
    page = Image.new("RGB", (256, 331), "white")
    ImageDraw.Draw(page).text((10, 10), value, fill="black")
    jpeg = io.BytesIO()
    page.save(jpeg, format="JPEG")
    thumb = jpeg.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(src, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, thumb if item.filename == "docProps/thumbnail.jpeg" else zin.read(item))
    assert not _white(thumb)
    report = deident.scan_file(src)
    assert any("thumbnail" in n for n in report.notes)
    result = deident.mask_file(src, tmp_path / "out" / "a.docx")
    assert result.output is not None, result.report.reason
    with zipfile.ZipFile(result.output) as z:
        masked_thumb = z.read("docProps/thumbnail.jpeg")
        assert value.encode() not in b"".join(z.read(n) for n in z.namelist())
    assert _white(masked_thumb)
    with Image.open(io.BytesIO(thumb)) as a, Image.open(io.BytesIO(masked_thumb)) as b:
        assert (a.size, a.format) == (b.size, b.format)


def test_a_thumbnail_alone_neither_blocks_nor_is_ocrd_into_findings(tmp_path: Path) -> None:
    src = tmp_path / "a.docx"
    src.write_bytes(office.docx_pictures([], text="关于做好安全生产工作的通知"))
    assert deident.scan_file(src).status is Status.CLEAN
