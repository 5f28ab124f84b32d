"""Pictures inside PDFs that have a text layer (issue #7): OCR'd, reported with their page and
picture, repainted in the masked copy. Checked like an attacker would: poppler's ``pdfimages``
extracts the pictures (soft masks too) and ``pdftoppm`` renders the pages, Debian's tesseract
CLI reads them (not deident's OCR engine), ``pdftotext`` and PDFium read the text layer. Every
leak check first shows that the same attacker reads the values in the source file.

OCR is slow: the files are built and scanned once per module (fixtures), and the tests read
the results."""

from __future__ import annotations

import io
import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

import deident
from deident.config import Limits, ScanConfig
from deident.formats.base import FormatContext, Replacement
from deident.formats.ocr.engine import OCR_MISSING
from deident.formats.pdf.document import open_document
from deident.formats.pdf.images import _to_pixels
from deident.formats.pdf.pixels import decode, repaint
from deident.model import Status
from tests.factories import pdf as f
from tests.factories import scans

pytestmark = pytest.mark.skipif(
    not (f.have_poppler() and f.have_tesseract()), reason="poppler-utils and tesseract chi_sim needed"
)

TEXT_ID, TEXT_MOBILE = "440881199001011233", "13812345678"
RGBA_MOBILE, INLINE_MOBILE, FORM_ID = "13912345678", "15012345678", "110105198001011230"
NO_OCR = ScanConfig(ocr=False)


def _write(tmp: Path, name: str, data: bytes) -> Path:
    p = tmp / name
    p.write_bytes(data)
    return p


def _attacker_pictures(path: Path, tmp: Path) -> str:
    return "\n".join(f.tesseract_text(p) for p in f.extracted_pictures(path, tmp))


def _attacker_pages(path: Path, tmp: Path) -> str:
    return "\n".join(f.tesseract_text(p) for p in f.rendered_pages(path, tmp))


def _pdfimages(path: Path, tmp: Path) -> list[np.ndarray]:
    """Every picture and soft mask `pdfimages` extracts, in its order, as arrays."""
    tmp.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdfimages", "-png", str(path), str(tmp / "y")], check=True, capture_output=True)
    out = []
    for p in sorted(tmp.glob("y-*.png")):
        with Image.open(p) as im:
            out.append(np.asarray(im.convert("RGB") if im.mode not in ("L", "1") else im.convert("L")))
    return out


def _outside(shape: tuple[int, ...], boxes: list[list[float]], grow: float = 0.5) -> np.ndarray:
    """True outside the boxes (each grown by `grow` line heights)."""
    keep = np.ones(shape[:2], dtype=bool)
    for x0, y0, x1, y1 in boxes:
        m = grow * (y1 - y0)
        keep[max(0, int(y0 - m)) : int(y1 + m) + 1, max(0, int(x0 - m)) : int(x1 + m) + 1] = False
    return keep


# --- one PDF with every kind of picture, scanned and masked through the pipeline -------------


@dataclass
class Combo:
    src: Path
    masked: Path
    scan: deident.FileReport
    mask: deident.MaskReport
    roster: scans.ScanPage
    card: scans.IdCard
    tmp: Path

    @property
    def picture_values(self) -> list[str]:
        return [
            *self.roster.ids,
            *self.roster.mobiles,
            self.card.id_number,
            RGBA_MOBILE,
            INLINE_MOBILE,
            FORM_ID,
        ]


@pytest.fixture(scope="module")
def combo(tmp_path_factory) -> Combo:
    """Page 1: a text layer with an ID and a mobile, a pasted roster scan (Flate grey, 200
    dpi), an ID card photo (JPEG) and a 32 px logo. Page 2: the same roster object again, a
    mobile on a transparent background (RGB + /SMask, the glyphs only in the mask), an inline
    picture, and a 1-bit picture drawn inside a form XObject."""
    tmp = tmp_path_factory.mktemp("combo")
    rng = random.Random(20240307)
    roster = scans.scan_page(rng, dpi=200, rows=3)
    card = scans.id_card(rng)
    rw, rh = roster.image.size
    roster_rect = (40, 420, 515, 515 * rh / rw)
    pictures = [
        f.Drawn(roster.image, roster_rect, pages=(0, 1)),
        f.Drawn(card.image, (60, 120, 242, 153), encoding="dct"),
        f.Drawn(Image.new("RGB", (32, 32), (200, 20, 20)), (520, 790, 20, 20)),
        f.Drawn(f.text_picture(f"联系电话：{RGBA_MOBILE}", mode="RGBA"), (50, 300, 260, 24), pages=(1,)),
        f.Drawn(f.text_picture(f"手机：{INLINE_MOBILE}"), (50, 250, 220, 24), pages=(1,), inline=True),
        f.Drawn(
            f.text_picture(f"身份证号：{FORM_ID}", mode="1"), (50, 200, 300, 24), pages=(1,), in_form=True
        ),
    ]
    pages = [
        f.text_lines(
            [
                "Notice: the roster of the applicants is attached below, as received",
                f"ID {TEXT_ID}",
                f"Tel {TEXT_MOBILE}",
            ]
        ),
        f.text_lines(["Page 2"]),
    ]
    src = _write(tmp, "combo.pdf", f.pictures_pdf(pages, pictures))
    masked = tmp / "out" / "combo.pdf"
    # The mask report carries the scan of the source: one OCR pass fewer than scan_file + mask_file.
    mask = deident.mask_file(src, masked)
    return Combo(src, masked, mask.report, mask, roster, card, tmp)


def _picture_findings(report: deident.FileReport) -> list[deident.Finding]:
    return [x for x in report.findings if "image" in x.location]


def test_scan_reports_picture_findings_with_page_and_picture(combo):
    assert combo.scan.status is Status.FINDINGS, combo.scan.reason
    found = {x.text for x in _picture_findings(combo.scan)}
    assert set(combo.picture_values) - {combo.card.id_number} <= found
    assert {TEXT_ID, TEXT_MOBILE} <= {x.text for x in combo.scan.findings if "image" not in x.location}
    loc = next(x.location for x in combo.scan.findings if x.text == combo.roster.ids[0])
    assert loc["page"] == 1 and loc["pages"] == [1, 2] and loc["image"].startswith("obj ")
    assert isinstance(loc["line"], int) and len(loc["bbox"]) == 4
    on_page_2 = {x.text for x in combo.scan.findings if x.location.get("page") == 2}
    assert {RGBA_MOBILE, INLINE_MOBILE, FORM_ID} <= on_page_2
    inline = next(x.location for x in combo.scan.findings if x.text == INLINE_MOBILE)
    assert inline["image"] == "page 2 inline 0"


def test_id_card_photo_is_personal_data_as_a_whole(combo):
    whole = [x for x in combo.scan.findings if x.location.get("whole_image")]
    assert len(whole) == 1 and whole[0].entity_type == "CN_RESIDENT_ID"
    assert whole[0].location["page"] == 1 and whole[0].location["image"].startswith("obj ")
    assert any("ID card" in n for n in combo.scan.notes)


def test_same_picture_on_two_pages_is_read_once_and_the_logo_is_skipped(combo):
    key = next(x.location["image"] for x in combo.scan.findings if x.text == combo.roster.ids[0])
    assert sum(1 for n in combo.scan.notes if f"picture {key}:" in n and "OCR" in n) == 1
    assert sum(1 for x in combo.scan.findings if x.text == combo.roster.ids[0]) == 1
    assert "5 picture(s) read by OCR, 1 skipped as too small to hold text" in combo.scan.notes
    with pikepdf.open(combo.masked) as pdf:
        drawn = [p.Resources.XObject.Im0.objgen for p in pdf.pages]
    assert drawn[0] == drawn[1]  # still one object, masked once for both pages


def test_notes_and_messages_hold_no_values(combo):
    text = "\n".join([*combo.scan.notes, *combo.mask.notes])
    assert not [v for v in [*combo.picture_values, TEXT_ID, TEXT_MOBILE] if v in text]


def test_mask_file_writes_a_verified_copy(combo):
    # mask_file re-reads the masked copy (pictures OCR'd again) and refuses to write it if
    # anything is found; the searchable-scan test below also rescans with scan_file.
    assert combo.mask.ok, combo.mask.report.reason
    assert combo.masked.exists() and combo.mask.masked == len(combo.scan.findings)


def test_attacker_reads_no_value_from_the_extracted_pictures(combo):
    before = f.readable(_attacker_pictures(combo.src, combo.tmp / "src-pictures"), combo.picture_values)
    # The attacker is able: most values are readable in the source's pictures.
    assert len(before) >= len(combo.picture_values) - 2, sorted(set(combo.picture_values) - before)
    after = f.readable(_attacker_pictures(combo.masked, combo.tmp / "out-pictures"), combo.picture_values)
    assert after == set()


def test_attacker_reads_no_value_from_the_rendered_pages(combo):
    values = [*combo.picture_values, TEXT_ID, TEXT_MOBILE]
    before = f.readable(_attacker_pages(combo.src, combo.tmp / "src-pages"), values)
    assert len(before) >= len(values) - 3, sorted(set(values) - before)
    assert f.readable(_attacker_pages(combo.masked, combo.tmp / "out-pages"), values) == set()


def test_text_layer_values_are_gone_for_pdftotext_and_pdfium(combo):
    assert f.leaked(combo.masked, [TEXT_ID, TEXT_MOBILE, *combo.picture_values]) == []


def test_masked_pdf_opens_in_poppler_and_pdfium(combo):
    import pypdfium2 as pdfium

    assert subprocess.run(["pdfinfo", str(combo.masked)], capture_output=True).returncode == 0
    doc = pdfium.PdfDocument(str(combo.masked))
    try:
        sizes = [doc[i].render(scale=0.5).to_pil().size for i in range(len(doc))]
    finally:
        doc.close()
    assert len(sizes) == 2


def test_id_card_is_black_and_stays_a_jpeg(combo):
    with pikepdf.open(combo.masked) as pdf:
        card = pdf.pages[0].Resources.XObject.Im1
        assert card.Filter == pikepdf.Name.DCTDecode and card.ColorSpace == pikepdf.Name.DeviceRGB
        assert (int(card.Width), int(card.Height)) == combo.card.image.size
        data = card.read_raw_bytes()
    grey = np.asarray(Image.open(io.BytesIO(data)).convert("L"))
    assert grey.mean() < 8 and grey.max() < 80


def test_pictures_keep_size_colour_space_and_soft_mask(combo):
    with pikepdf.open(combo.src) as a, pikepdf.open(combo.masked) as b:
        for page_a, page_b in zip(a.pages, b.pages, strict=True):
            xa, xb = page_a.Resources.XObject, page_b.Resources.XObject
            for name in xa:
                if xa[name].Subtype != pikepdf.Name.Image:
                    continue
                old, new = xa[name], xb[name]
                assert (old.Width, old.Height, old.ColorSpace) == (new.Width, new.Height, new.ColorSpace)
                assert ("/SMask" in old) == ("/SMask" in new)
        logo_a = next(x for x in a.pages[0].Resources.XObject.values() if x.get("/Width") == 32)
        logo_b = next(x for x in b.pages[0].Resources.XObject.values() if x.get("/Width") == 32)
        assert logo_a.read_bytes() == logo_b.read_bytes()
        # The inline picture is drawn as an image XObject in its place.
        assert "Deident" in " ".join(str(k) for k in b.pages[1].Resources.XObject)


def test_pixels_outside_the_masked_lines_are_unchanged(combo):
    lines = [
        x.location["bbox"]
        for x in combo.scan.findings
        if x.location.get("image") and x.location.get("page") == 1 and x.location.get("pages")
    ]
    src = _pdfimages(combo.src, combo.tmp / "px-src")
    out = _pdfimages(combo.masked, combo.tmp / "px-out")
    roster_before, roster_after = src[0], out[0]  # page 1's first picture
    assert roster_before.shape == roster_after.shape == combo.roster.image.size[::-1]
    keep = _outside(roster_before.shape, lines)
    assert np.array_equal(roster_before[keep], roster_after[keep])
    assert not np.array_equal(roster_before[~keep], roster_after[~keep])


def test_soft_mask_is_opaque_over_the_masked_line_only(combo):
    # The mobile on a transparent background lives in the soft mask alone: the mask is opaque
    # over its masked line (so the glyph shapes are gone from it) and unchanged elsewhere.
    loc = next(x.location for x in combo.scan.findings if x.text == RGBA_MOBILE)
    with pikepdf.open(combo.src) as a, pikepdf.open(combo.masked) as b:
        before = np.asarray(pikepdf.PdfImage(a.pages[1].Resources.XObject.Im3.SMask).as_pil_image())
        after = np.asarray(pikepdf.PdfImage(b.pages[1].Resources.XObject.Im3.SMask).as_pil_image())
    keep = _outside(before.shape, [loc["bbox"]])
    assert np.array_equal(before[keep], after[keep])
    x0, y0, x1, y1 = (int(v) for v in loc["bbox"])
    assert (after[y0:y1, x0:x1] == 255).all()


# --- a searchable scan: a picture of the page under an invisible OCR text layer --------------


@dataclass
class Searchable:
    src: Path
    masked: Path
    scan: deident.FileReport
    mask: deident.MaskReport
    page: f.SearchableScan
    tmp: Path

    @property
    def values(self) -> list[str]:
        return [*self.page.ids, *self.page.mobiles]


@pytest.fixture(scope="module")
def searchable(tmp_path_factory) -> Searchable:
    tmp = tmp_path_factory.mktemp("searchable")
    page = f.searchable_scan(random.Random(8), dpi=200, rows=3)
    data = f.pictures_pdf(
        [list(page.runs)], [f.Drawn(page.image, (0, 0, *page.media))], media=page.media, invisible_text=True
    )
    src = _write(tmp, "scan.pdf", data)
    masked = tmp / "out" / "scan.pdf"
    mask = deident.mask_file(src, masked)
    return Searchable(src, masked, mask.report, mask, page, tmp)


def test_searchable_scan_reads_both_the_text_layer_and_the_picture(searchable):
    layer = {x.text for x in searchable.scan.findings if "image" not in x.location}
    picture = {x.text for x in _picture_findings(searchable.scan)}
    assert set(searchable.values) <= layer
    assert set(searchable.values) <= picture
    assert any("searchable scan" in n for n in searchable.scan.notes)


def test_searchable_scan_is_masked_in_the_text_layer_and_the_picture(searchable):
    assert searchable.mask.ok, searchable.mask.report.reason
    assert f.leaked(searchable.masked, searchable.values) == []
    before = f.readable(_attacker_pages(searchable.src, searchable.tmp / "src"), searchable.values)
    assert len(before) >= len(searchable.values) - 1
    assert f.readable(_attacker_pages(searchable.masked, searchable.tmp / "out"), searchable.values) == set()
    assert deident.scan_file(searchable.masked).status is Status.CLEAN


def test_text_layer_masks_also_paint_the_scan_picture_under_them(searchable):
    # Only the text layer's findings are masked (as if OCR had misread every value in the
    # picture): the picture is still painted where the scanner's OCR layer put the values.
    doc = open_document(searchable.src, FormatContext())
    reps: dict[int, list[Replacement]] = {}
    for seg in doc.segments():
        if "image" in seg.location:
            continue
        for v in searchable.values:
            start = seg.text.find(v)
            if start >= 0:
                reps.setdefault(seg.id, []).append(Replacement(start, start + len(v), "*" * len(v), "X"))
    assert len(reps) >= len(searchable.values) // 2
    out = searchable.tmp / "layer-only.pdf"
    with out.open("wb") as fh:
        doc.write_masked(reps, fh)
    before = f.readable(_attacker_pictures(searchable.src, searchable.tmp / "lo-src"), searchable.values)
    assert len(before) >= len(searchable.values) - 1
    assert f.readable(_attacker_pictures(out, searchable.tmp / "lo-out"), searchable.values) == set()


# --- a realistic export: LibreOffice PDF of a Word roster with a scan pasted in --------------


@pytest.mark.skipif(not f.have_soffice(), reason="LibreOffice not installed")
def test_libreoffice_export_with_a_pasted_scan(tmp_path):
    rng = random.Random(31)
    rows = f.roster_rows(rng, 2)
    page = scans.scan_page(rng, dpi=200, rows=3)
    src = f.docx_with_picture_pdf(tmp_path, rows, page.image)
    out = tmp_path / "out" / "roster.pdf"
    masked = deident.mask_file(src, out)
    assert masked.ok, masked.report.reason
    picture = {x.text for x in _picture_findings(masked.report)}
    assert set(page.ids) | set(page.mobiles) <= picture
    assert {r.resident_id for r in rows} <= {x.text for x in masked.report.findings}
    values = [*page.ids, *page.mobiles]
    assert len(f.readable(_attacker_pictures(src, tmp_path / "a"), values)) >= len(values) - 1
    assert f.readable(_attacker_pictures(out, tmp_path / "b"), values) == set()
    assert f.leaked(out, [r.resident_id for r in rows] + [r.mobile for r in rows]) == []


# --- failing closed (no OCR run) ----------------------------------------------------------------


def _one_picture(tmp: Path, image: Image.Image, **kw) -> Path:
    data = f.pictures_pdf([f.text_lines([f"Tel {TEXT_MOBILE}"])], [f.Drawn(image, (40, 500, 300, 60), **kw)])
    return _write(tmp, "one.pdf", data)


def test_ocr_off_blocks_a_picture_that_can_hold_text(tmp_path):
    src = _one_picture(tmp_path, Image.new("L", (300, 60), 255))
    report = deident.scan_file(src, NO_OCR)
    assert report.status is Status.BLOCKED and report.reason == OCR_MISSING
    assert "page 1" in (report.detail or "") and "obj " in (report.detail or "")
    assert not deident.mask_file(src, tmp_path / "out.pdf", config=NO_OCR).ok


def test_ocr_off_still_reads_a_pdf_whose_only_picture_is_a_logo(tmp_path):
    src = _one_picture(tmp_path, Image.new("RGB", (40, 40), (0, 90, 200)))
    report = deident.scan_file(src, NO_OCR)
    assert report.status is Status.FINDINGS and {x.text for x in report.findings} == {TEXT_MOBILE}
    assert "0 picture(s) read by OCR, 1 skipped as too small to hold text" in report.notes


def test_ocr_unavailable_blocks(tmp_path, monkeypatch):
    from deident.errors import BlockedError
    from deident.formats.ocr import picture

    def missing(*_a, **_k):
        raise BlockedError(OCR_MISSING, "install deident[ocr]")

    monkeypatch.setattr(picture, "run_ocr", missing)
    report = deident.scan_file(_one_picture(tmp_path, Image.new("L", (300, 60), 255)))
    assert report.status is Status.BLOCKED and report.reason == OCR_MISSING


def _with_stream(tmp: Path, data: bytes, **entries) -> Path:
    src = _one_picture(tmp, Image.new("L", (300, 60), 255))
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        x = pdf.pages[0].Resources.XObject.Im0
        x.write(data, filter=entries.pop("Filter", None))
        for k, v in entries.items():
            x[f"/{k}"] = v
        pdf.save(src)
    return src


@pytest.mark.parametrize(
    ("name", "data", "entries"),
    [
        ("jbig2", b"\x00\x01garbage", {"Filter": pikepdf.Name.JBIG2Decode, "BitsPerComponent": 1}),
        ("damaged flate", b"not deflate data", {"Filter": pikepdf.Name.FlateDecode}),
        ("devicen", bytes(300 * 60), {"ColorSpace": pikepdf.Array([pikepdf.Name.DeviceN])}),
        ("no size", bytes(300 * 60), {"Width": pikepdf.Name.Auto}),
    ],
)
def test_undecodable_picture_is_blocked(tmp_path, name, data, entries):
    report = deident.scan_file(_with_stream(tmp_path, data, **entries))
    assert report.status is Status.BLOCKED, name
    assert report.reason == "picture cannot be decoded" and "page 1" in (report.detail or "")


def test_picture_over_the_pixel_limit_is_blocked(tmp_path):
    src = _one_picture(tmp_path, Image.new("L", (300, 60), 255))
    report = deident.scan_file(src, ScanConfig(limits=Limits(max_image_pixels=10_000)))
    assert report.status is Status.BLOCKED and report.reason == "too large"


# --- decoding and repainting every storage of a picture (no OCR) --------------------------------


def _ink_picture() -> Image.Image:
    return f.text_picture(f"电话{TEXT_MOBILE}", px=24).convert("L")


def _expected(kind: str, grey: Image.Image) -> np.ndarray:
    if kind in ("1bit", "imagemask", "mask"):
        grey = grey.point(lambda v: 255 if v >= 128 else 0)
    return np.asarray(grey, dtype=np.int16)


def _first_picture(pdf: pikepdf.Pdf):
    xobjects = pdf.pages[0].Resources.get("/XObject")
    if xobjects:
        return next(iter(xobjects.values()))
    ins = next(
        i
        for i in pikepdf.parse_content_stream(pdf.pages[0])
        if isinstance(i, pikepdf.ContentStreamInlineImage)
    )
    return ins.iimage


@pytest.mark.parametrize("kind", f.PICTURE_KINDS)
def test_decode_shows_what_a_reader_shows(tmp_path, kind):
    grey = _ink_picture()
    src = _write(tmp_path, "k.pdf", f.encoded_picture_pdf(grey, kind))
    with pikepdf.open(src) as pdf:
        pic = _first_picture(pdf)
        pim = pic if isinstance(pic, pikepdf.PdfInlineImage) else pikepdf.PdfImage(pic)
        shown = np.asarray(decode(pim, kind).display.convert("L"), dtype=np.int16)
    tolerance = 6 if kind.startswith("dct") else 1
    assert np.abs(shown - _expected(kind, grey)).mean() < tolerance


@pytest.mark.parametrize("kind", f.PICTURE_KINDS)
def test_repaint_changes_the_region_only_and_keeps_the_storage(tmp_path, kind):
    grey = _ink_picture()
    src = _write(tmp_path, "k.pdf", f.encoded_picture_pdf(grey, kind))
    region = Image.new("L", grey.size, 0)
    box = (grey.width // 2, 0, grey.width - 1, grey.height - 1)
    ImageDraw.Draw(region).rectangle(box, fill=255)
    out = tmp_path / "out.pdf"
    with pikepdf.open(src) as pdf:
        pic = _first_picture(pdf)
        is_inline = isinstance(pic, pikepdf.PdfInlineImage)
        pim = pic if is_inline else pikepdf.PdfImage(pic)
        shown = decode(pim, kind).display
        new = shown.copy()
        ImageDraw.Draw(new).rectangle(box, fill=255 if new.mode == "L" else (255, 255, 255))
        before = dict(pic.items()) if not is_inline else {}
        stream = repaint(pdf, None if is_inline else pic, pim, new, region)
        if not is_inline:
            for key in ("/ColorSpace", "/ImageMask", "/BitsPerComponent", "/Width", "/Height"):
                if key in before and kind not in ("indexed", "gray16"):
                    assert stream.get(key) == before[key], key
            assert ("/SMask" in stream) == (kind == "smask")
            assert ("/Mask" in stream) == (kind == "mask")
        after = np.asarray(decode(pikepdf.PdfImage(stream), kind).display.convert("L"), dtype=np.int16)
        if not is_inline:
            pdf.save(out)
    expected = _expected(kind, grey)
    keep = np.asarray(region) == 0
    tolerance = 6 if kind.startswith("dct") else 0.01
    assert np.abs(after[keep] - expected[keep]).mean() < tolerance
    assert (after[~keep] >= 250).mean() > 0.98  # the region shows the new (blank) pixels
    if not is_inline:
        # A real renderer agrees: poppler draws the right half of the picture blank.
        w, h, pixels = f.render_gray(out, 1, dpi=72)
        page = np.frombuffer(pixels, dtype=np.uint8).reshape(h, w)
        x, y, pw, ph = 40, 842 - 600 - 60, 450, 60
        assert page[y + 5 : y + ph - 5, x + pw // 2 + 5 : x + pw - 5].min() > 240
        assert page[y + 5 : y + ph - 5, x + 5 : x + pw // 2 - 5].min() < 100


@given(
    mode=st.sampled_from(["L", "RGB", "1", "RGBA"]),
    x0=st.integers(0, 59),
    y0=st.integers(0, 19),
    w=st.integers(1, 60),
    h=st.integers(1, 20),
    seed=st.integers(0, 1000),
)
@settings(max_examples=40, deadline=None)
def test_property_repaint_keeps_every_pixel_outside_the_region(mode, x0, y0, w, h, seed):
    rng = np.random.default_rng(seed)
    size = (60, 20)
    bands = {"L": 1, "RGB": 3, "1": 1, "RGBA": 4}[mode]
    arr = rng.integers(0, 256, (size[1], size[0], bands), dtype=np.uint8)
    if mode == "1":
        image = Image.fromarray(arr[:, :, 0]).point(lambda v: 255 if v >= 128 else 0).convert("1")
    else:
        image = Image.fromarray(arr if bands > 1 else arr[:, :, 0], mode=mode)
    data = f.pictures_pdf([f.text_lines(["x"])], [f.Drawn(image, (10, 10, 60, 20))])
    with pikepdf.open(io.BytesIO(data)) as pdf:
        obj = pdf.pages[0].Resources.XObject.Im0
        base_before = np.asarray(pikepdf.PdfImage(obj).as_pil_image(apply_mask=False).convert("RGB"))
        smask_before = np.asarray(pikepdf.PdfImage(obj.SMask).as_pil_image()) if "/SMask" in obj else None
        display = decode(pikepdf.PdfImage(obj), "p").display
        region = Image.new("L", size, 0)
        box = (x0, y0, min(59, x0 + w - 1), min(19, y0 + h - 1))
        ImageDraw.Draw(region).rectangle(box, fill=255)
        new = display.copy()
        ImageDraw.Draw(new).rectangle(box, fill=0 if new.mode == "L" else (0, 0, 0))
        repaint(pdf, obj, pikepdf.PdfImage(obj), new, region)
        base_after = np.asarray(pikepdf.PdfImage(obj).as_pil_image(apply_mask=False).convert("RGB"))
        shown = np.asarray(decode(pikepdf.PdfImage(obj), "p").display.convert("L"))
        smask_after = np.asarray(pikepdf.PdfImage(obj.SMask).as_pil_image()) if "/SMask" in obj else None
    outside = np.asarray(region) == 0
    assert np.array_equal(base_before[outside], base_after[outside])
    assert (shown[~outside] == 0).all()
    if smask_before is not None:
        assert smask_after is not None
        assert np.array_equal(smask_before[outside], smask_after[outside])
        assert (smask_after[~outside] == 255).all()


@given(
    turn=st.sampled_from([0, 90, 180, 270]),
    sx=st.floats(20, 600),
    sy=st.floats(20, 600),
    tx=st.floats(-100, 500),
    ty=st.floats(-100, 500),
    box=st.tuples(st.integers(0, 90), st.integers(0, 40), st.integers(1, 10), st.integers(1, 10)),
)
def test_property_page_boxes_map_back_to_the_pixels_they_came_from(turn, sx, sy, tx, ty, box):
    # A picture of 100 x 50 pixels drawn with a scale, a quarter turn and a shift: the page box
    # of a pixel rectangle maps back onto that rectangle.
    w, h = 100, 50
    rot = {0: (1, 0, 0, 1), 90: (0, 1, -1, 0), 180: (-1, 0, 0, -1), 270: (0, -1, 1, 0)}[turn]
    a, b, c, d = rot
    ctm = (a * sx, b * sx, c * sy, d * sy, tx, ty)
    x0, y0 = box[0], box[1]
    x1, y1 = x0 + box[2], y0 + box[3]

    def to_page(px: float, py: float) -> tuple[float, float]:
        u, v = px / w, 1 - py / h
        return (u * ctm[0] + v * ctm[2] + ctm[4], u * ctm[1] + v * ctm[3] + ctm[5])

    corners = [to_page(x0, y0), to_page(x1, y1)]
    page_box = (
        min(p[0] for p in corners),
        min(p[1] for p in corners),
        max(p[0] for p in corners),
        max(p[1] for p in corners),
    )
    back = _to_pixels(ctm, (w, h), page_box)
    assert back is not None
    assert back == pytest.approx((x0, y0, x1, y1), abs=1e-6)


# --- finding pictures (no OCR) ------------------------------------------------------------------


def _grey_xobject(pdf: pikepdf.Pdf, w: int = 100, h: int = 40) -> pikepdf.Stream:
    return pdf.make_stream(
        bytes([255]) * (w * h),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=w,
        Height=h,
        ColorSpace=pikepdf.Name.DeviceGray,
        BitsPerComponent=8,
    )


def test_finder_places_pictures_on_the_pages_that_draw_them():
    from deident.formats.pdf.image_walk import Finder

    pdf = pikepdf.new()
    drawn, spare, stamp = _grey_xobject(pdf), _grey_xobject(pdf), _grey_xobject(pdf)
    form = pdf.make_stream(
        b"q 200 0 0 80 0 0 cm /Im0 Do Q",
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form,
        BBox=[0, 0, 595, 842],
        Matrix=[1, 0, 0, 1, 10, 20],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=drawn)),
    )
    appearance = pdf.make_stream(
        b"q 50 0 0 20 0 0 cm /S Do Q",
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form,
        BBox=[0, 0, 50, 20],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(S=stamp)),
    )
    # Both pages inherit one resource dictionary; only page 2 draws the form (twice).
    shared = pdf.make_indirect(pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm0=form, Spare=spare)))
    for content in (b"", b"/Fm0 Do q 1 0 0 1 0 300 cm /Fm0 Do Q"):
        pdf.pages.append(
            pikepdf.Page(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842], Contents=pdf.make_stream(content)
                )
            )
        )
    pdf.Root.Pages.Resources = shared
    annot = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Stamp,
        Rect=[0, 0, 50, 20],
        AP=pikepdf.Dictionary(N=appearance),
    )
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([annot]))
    finder = Finder(pdf)
    for p, page in enumerate(pdf.pages):
        finder.page(p, page)
    finder.finish()
    by_ref = {pic.ref: pic for pic in finder.pictures.values()}
    main = by_ref[drawn.objgen]
    assert main.page == 1 and main.pages == [1]
    assert [m for _, m in main.placements] == [(200, 0, 0, 80, 10, 20), (200, 0, 0, 80, 10, 320)]
    assert by_ref[spare.objgen].placements == [] and by_ref[spare.objgen].page == 0
    assert by_ref[stamp.objgen].page == 0  # the stamp annotation's picture is read too
