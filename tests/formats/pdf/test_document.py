"""PDF end to end through the pipeline, checked like an attacker would: the masked copy is
read with poppler's pdftotext and with PDFium (pypdfium2), never with deident's own reader.

Realistic inputs are LibreOffice exports of Word rosters (embedded subset CJK TrueType
fonts, narrow ID columns that wrap the digits, rows split across pages)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pikepdf
import pytest

from deident.config import Limits, ScanConfig
from deident.formats.base import FormatContext
from deident.formats.pdf.document import open_document
from deident.masking.policy import Policy
from deident.model import Status
from deident.pipeline import mask_path, scan_path
from tests.factories import pdf as f

pytestmark = pytest.mark.skipif(
    not f.have_poppler(), reason="poppler-utils (pdftotext, pdftoppm) not installed"
)

NO_OCR = ScanConfig(ocr=False)
PUBLIC_TEXT = ("城乡居民最低生活保障对象公示名单", "公示期为2024年3月1日至3月7日", "身份证号码", "家庭住址")


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[f.RosterRow]]:
    if not f.have_soffice():
        pytest.skip("LibreOffice (soffice) not installed")
    tmp = tmp_path_factory.mktemp("roster")
    rows = f.roster_rows(random.Random(20240301), 40)
    path = f.roster_pdf(
        tmp,
        rows,
        body=["申请人张伟，身份证号440881199001011233，手机13812345678。"],
        author="李雷",
    )
    return path, rows


@pytest.fixture(scope="module")
def masked_roster(roster, tmp_path_factory) -> tuple[Path, object]:
    src, _ = roster
    out = tmp_path_factory.mktemp("masked") / "roster.pdf"
    rep = mask_path(src, out, NO_OCR, Policy.load("gov"))
    assert rep.ok, rep.report.reason
    return out, rep


def _personal(rows: list[f.RosterRow]) -> list[str]:
    values = ["440881199001011233", "13812345678"]
    for r in rows:
        values += [r.resident_id, r.mobile, r.name, r.address]
    return values


def test_roster_is_a_realistic_export(roster):
    src, rows = roster
    with pikepdf.open(src) as pdf:
        assert len(pdf.pages) >= 3
        fonts = {str(font.get("/BaseFont")) for page in pdf.pages for font in page.Resources.Font.values()}
    assert any("+" in name for name in fonts), "expected an embedded subset font"
    # The narrow column really wraps the ID digits: poppler sees no complete ID on one line.
    text = f.poppler_text(src)
    assert sum(r.resident_id in text for r in rows) < len(rows) // 4


def test_scan_finds_every_structured_value_including_wrapped_cells(roster):
    src, rows = roster
    report = scan_path(src, NO_OCR)
    assert report.status is Status.FINDINGS
    found = {(x.entity_type, x.text) for x in report.findings}
    ids = [r.resident_id for r in rows] + ["440881199001011233"]
    mobiles = [r.mobile for r in rows] + ["13812345678"]
    recall_ids = sum(("CN_RESIDENT_ID", v) in found for v in ids) / len(ids)
    recall_mobiles = sum(("CN_MOBILE", v) in found for v in mobiles) / len(mobiles)
    assert recall_ids == 1.0
    assert recall_mobiles == 1.0
    for x in report.findings:
        if "metadata" in x.location:  # the Info Author (李雷) is a person's name too
            continue
        assert x.location["page"] >= 1 and len(x.location["bbox"]) == 4
    assert ("PERSON", "李雷") in {
        (x.entity_type, x.text) for x in report.findings if "metadata" in x.location
    }


def test_scan_locations_point_at_the_value(roster):
    src, rows = roster
    report = scan_path(src, NO_OCR)
    first = next(x for x in report.findings if x.text == rows[0].resident_id)
    x0, y0, x1, y1 = first.location["bbox"]
    assert first.location["page"] == 1 and x0 < x1 and y0 < y1
    # The wrapped ID spans two lines: its box is taller than one line of 10.5 pt text.
    assert y1 - y0 > 15


def test_scan_reports_the_author_in_metadata_as_a_place(roster):
    from deident.formats.base import FormatContext
    from deident.formats.pdf.document import open_document

    src, _ = roster
    doc = open_document(src, FormatContext(NO_OCR))
    places = {s.location["metadata"]: s.text for s in doc.segments() if "metadata" in s.location}
    assert places["Author"] == "李雷"


def test_masked_roster_leaks_nothing_to_either_extractor(roster, masked_roster):
    _, rows = roster
    out, _ = masked_roster
    assert f.leaked(out, _personal(rows)) == []


def test_masked_roster_keeps_public_text_and_partial_values(roster, masked_roster):
    _, rows = roster
    out, _ = masked_roster
    for text in (f.poppler_text(out), f.pdfium_text(out)):
        squeezed = re.sub(r"\s+", "", text)
        for public in PUBLIC_TEXT:
            assert public in squeezed
        # gov policy keeps the first 6 and last 4 of an ID: both ends are still there.
        assert rows[0].resident_id[-4:] in squeezed and "*" in squeezed


def test_masked_roster_same_pages_one_revision_no_author(roster, masked_roster):
    src, _ = roster
    out, _ = masked_roster
    assert f.page_boxes(out) == f.page_boxes(src)
    data = out.read_bytes()
    assert f.revisions(data) == 1
    with pikepdf.open(out) as pdf:
        assert "/Prev" not in pdf.trailer
        assert "/Author" not in pdf.docinfo
        assert "/Metadata" not in pdf.Root


def test_masked_roster_rescans_clean(masked_roster):
    out, _ = masked_roster
    assert scan_path(out, NO_OCR).status is Status.CLEAN


def test_render_outside_masked_places_is_unchanged(roster, masked_roster):
    src, _ = roster
    out, _ = masked_roster
    report = scan_path(src, NO_OCR)
    dpi = 50
    w, h, before = f.render_gray(src, 1, dpi)
    w2, h2, after = f.render_gray(out, 1, dpi)
    assert (w, h) == (w2, h2)
    page_h = f.page_boxes(src)[0][1]
    scale = dpi / 72
    masked = [x.location["bbox"] for x in report.findings if x.location.get("page") == 1]
    assert masked
    inside = bytearray(w * h)
    for x0, y0, x1, y1 in masked:
        for py in range(max(0, int((page_h - y1) * scale) - 2), min(h, int((page_h - y0) * scale) + 3)):
            for px in range(max(0, int(x0 * scale) - 2), min(w, int(x1 * scale) + 3)):
                inside[py * w + px] = 1
    changed_outside = sum(1 for i in range(w * h) if not inside[i] and before[i] != after[i])
    changed_inside = sum(1 for i in range(w * h) if inside[i] and before[i] != after[i])
    assert changed_outside == 0
    assert changed_inside > 0


def test_rotated_pages_are_read_and_masked(roster, tmp_path):
    src, rows = roster
    rotated = f.rotate_pages(src, tmp_path / "rotated.pdf", 90)
    report = scan_path(rotated, NO_OCR)
    assert {r.resident_id for r in rows} <= {x.text for x in report.findings}
    out = tmp_path / "out" / "rotated.pdf"
    assert mask_path(rotated, out, NO_OCR, Policy.load("gov")).ok
    assert f.leaked(out, _personal(rows)) == []
    assert f.page_boxes(out) == f.page_boxes(rotated)
    assert all(r == 90 for *_, r in f.page_boxes(out))


def test_object_streams_are_read_and_masked(roster, tmp_path):
    src, rows = roster
    packed = f.with_object_streams(src, tmp_path / "objstm.pdf")
    assert b"/ObjStm" in packed.read_bytes()
    out = tmp_path / "out.pdf"
    assert mask_path(packed, out, NO_OCR, Policy.load("gov")).ok
    assert f.leaked(out, _personal(rows)) == []


def test_owner_password_only_is_read_and_masked_unencrypted(roster, tmp_path):
    src, rows = roster
    locked = f.encrypt(src, tmp_path / "owner.pdf", user="", owner="s3cret")
    report = scan_path(locked, NO_OCR)
    assert report.status is Status.FINDINGS
    assert any("owner password" in n for n in report.notes)
    out = tmp_path / "out.pdf"
    assert mask_path(locked, out, NO_OCR, Policy.load("gov")).ok
    assert f.leaked(out, _personal(rows)) == []
    with pikepdf.open(out) as pdf:
        assert not pdf.is_encrypted


def test_user_password_is_blocked_encrypted(roster, tmp_path):
    src, _ = roster
    locked = f.encrypt(src, tmp_path / "user.pdf", user="open-me", owner="s3cret")
    report = scan_path(locked, NO_OCR)
    assert report.status is Status.BLOCKED and report.reason == "encrypted"
    assert not mask_path(locked, tmp_path / "out.pdf", NO_OCR, Policy.load("gov")).ok
    assert not (tmp_path / "out.pdf").exists()


def test_font_without_tounicode_is_blocked_never_clean(roster, tmp_path):
    src, _ = roster
    bad = f.strip_tounicode(src, tmp_path / "notu.pdf")
    report = scan_path(bad, NO_OCR)
    assert report.status is Status.BLOCKED
    assert report.reason == "no readable text layer"


def test_too_many_pages_is_blocked(roster):
    src, _ = roster
    report = scan_path(src, ScanConfig(ocr=False, limits=Limits(max_pdf_pages=2)))
    assert report.status is Status.BLOCKED and report.reason == "too large"


def test_annotations_outline_form_xmp_js_and_attachments(roster, tmp_path):
    src, _ = roster
    rich = f.add_annotation_outline_js(
        src,
        tmp_path / "rich.pdf",
        note="请联系申请人，手机13900001111",
        outline="附件：身份证号110105194912310029的材料",
        field_value="13722223333",
        xmp_creator="欧阳娜娜",
    )
    report = scan_path(rich, NO_OCR)
    texts = {x.text for x in report.findings}
    assert {"13900001111", "110105194912310029"} <= texts
    where = {
        tuple(sorted(x.location)) for x in report.findings if x.text in ("13900001111", "110105194912310029")
    }
    assert ("annotation", "key", "page") in where and ("outline",) in where
    assert any("JavaScript" in n for n in report.notes) and any("embedded" in n for n in report.notes)

    out = tmp_path / "out.pdf"
    assert mask_path(rich, out, NO_OCR, Policy.load("gov")).ok
    raw = f.all_stream_bytes(out)
    with pikepdf.open(out) as pdf:
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
        assert len(pdf.attachments) == 0
        assert "/Metadata" not in pdf.Root
        annots = pdf.pages[0].Annots
        contents = str(annots[0].Contents)
        assert "13900001111" not in contents and "139****1111" in contents
        outline = str(pdf.Root.Outlines.First.Title)
        assert "110105194912310029" not in outline
    assert b"app.alert" not in raw
    assert "欧阳娜娜".encode("utf-16-be") not in raw and "欧阳娜娜".encode() not in raw


def test_linearized_file_is_not_mistaken_for_revisions(roster, tmp_path):
    src, rows = roster
    lin = tmp_path / "linear.pdf"
    with pikepdf.open(src) as pdf:
        pdf.save(lin, linearize=True)
    assert f.revisions(lin.read_bytes()) == 2
    report = scan_path(lin, NO_OCR)
    assert {r.resident_id for r in rows} <= {x.text for x in report.findings}
    assert not [x for x in report.findings if "revision" in x.location]


def test_id_with_ideographic_spaces_wrapped_at_a_line_end(tmp_path):
    """LibreOffice writes an ideographic space (U+3000) as a text object of its own, which PDFium
    leaves out of its text. An ID written 360102　20150306　0234 that wraps after the second
    space then ended its line short of the margin, so the fast reader did not join the wrapped
    line and read 360102 20150306 and 0234 apart: the ID was missed by scan (corpus document
    082). The blank object is put back, the line reaches the margin, the ID is one value."""
    if not f.have_soffice():
        pytest.skip("LibreOffice (soffice) not installed")
    value = "360102\u300020150306\u30000234"
    # A full first paragraph sets the right margin; the second line's text before its ideographic
    # space ends between 3.4 and 4.4 em short of it (found by trying LibreOffice's wraps).
    full = (
        "本机关依法向下列当事人公告送达行政处罚决定书请当事人自公告之日起六十日内到本机关领取逾期视为送达。"
    )
    text = "本机关依法向当事人公告送达处罚决20211年公民身份号码为" + value + "，住址不详。"
    pdf = f.paragraphs_pdf(tmp_path, [full, text, "特此公告。"])
    lines = f.pdfium_text(pdf).splitlines()
    assert any(line.rstrip().endswith("20150306") for line in lines)  # wrapped where the case needs
    for read_only in (True, False):  # scan reads with PDFium, mask walks the glyphs with pdfminer
        doc = open_document(pdf, FormatContext(NO_OCR, read_only=read_only))
        texts = [re.sub(r"\s", "", s.text) for s in doc.segments()]
        assert any("360102201503060234" in t for t in texts), read_only
    report = scan_path(pdf, NO_OCR)
    ids = [x for x in report.findings if x.entity_type == "CN_RESIDENT_ID"]
    assert [re.sub(r"\s", "", x.text) for x in ids] == ["360102201503060234"]
    assert ids[0].location.get("reading") != "second"  # the structured reader's own finding
    result = mask_path(pdf, tmp_path / "out" / pdf.name, NO_OCR, Policy.load("gov"))
    assert result.ok, result.report.reason
    assert not f.leaked(Path(result.output), ["20150306"])
