"""Hand-built PDFs with exact control over fonts, operators and file structure: Type0 /
Identity-H text (TJ kerning, Tc, the ' operator, form XObjects), the standard Helvetica
font with word spacing, incremental updates, scans, broken xref tables, malformed input.
Masked copies are read with poppler and PDFium; glyph positions with raw pdfminer."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from deident.config import ScanConfig
from deident.masking.policy import Policy
from deident.model import Status
from deident.pipeline import mask_path, scan_path
from tests.factories import pdf as f
from tests.factories import pii

pytestmark = pytest.mark.skipif(
    not f.have_poppler(), reason="poppler-utils (pdftotext, pdftoppm) not installed"
)

NO_OCR = ScanConfig(ocr=False)
ID, MOBILE, MOBILE2 = "440881199001011233", "13812345678", "13912345678"
LINES = [
    f"申请人：王小明，身份证号码{ID}，",
    f"联系电话{MOBILE}，住址见附件。",
    "本通知自发布之日起施行。",
]


def _write(tmp: Path, name: str, data: bytes) -> Path:
    p = tmp / name
    p.write_bytes(data)
    return p


def _one_page(content: bytes, font: bytes) -> dict[int, bytes]:
    """The objects of a one-page PDF drawing `content` (a raw content stream) with `font` (the
    font dictionary, object 5) as /F1; more objects can be added before `f.build_pdf`."""
    return {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        4: b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        5: font,
    }


def _helvetica_page(content: bytes) -> bytes:
    """A one-page PDF drawing `content` with Helvetica as /F1."""
    return f.build_pdf(_one_page(content, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"), 1)


def _mask(src: Path, tmp: Path, policy: str = "gov"):
    out = tmp / "out" / src.name
    rep = mask_path(src, out, NO_OCR, Policy.load(policy))
    assert rep.ok, rep.report.reason
    return out, rep


VARIANTS = {
    "tj-strings": {},
    "kerning-and-char-spacing": {"kern_every": 3, "char_spacing": 0.7},
    "quote-operator-and-form-xobject": {
        "quote_op": True,
        "xobject_lines": [f"备注：联系人李四，手机{MOBILE2}。"],
    },
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_identity_h_text_is_removed_and_layout_kept(tmp_path, variant):
    src = _write(tmp_path, "t0.pdf", f.identity_h_pdf(LINES, **VARIANTS[variant]))
    report = scan_path(src, NO_OCR)
    assert {ID, MOBILE} <= {x.text for x in report.findings}
    out, _ = _mask(src, tmp_path)
    personal = [ID, MOBILE, "王小明"] + ([MOBILE2, "李四"] if "xobject" in variant else [])
    assert f.leaked(out, personal) == []
    assert "本通知自发布之日起施行" in f.poppler_text(out)
    # Every glyph that was not masked is exactly where it was.
    before, after = f.glyph_positions(src)[0], f.glyph_positions(out)[0]
    kept_before = [g for g in before if g[0] in "本通知自发布之日起施行申请人联系电话"]
    kept_after = [g for g in after if g[0] in "本通知自发布之日起施行申请人联系电话"]
    assert len(kept_before) >= 15
    assert sorted(kept_after) == sorted(kept_before)
    # The last four digits of the ID keep their places too (gov keeps them).
    first_line = next(g[2] for g in before if g[0] == "申")
    tail_before = sorted(g for g in before if g[0] in "123" and g[2] == first_line)[-4:]
    tail_after = sorted(g for g in after if g[0] in "123" and g[2] == first_line)[-4:]
    assert len(tail_before) == 4
    assert tail_after == tail_before


def test_stars_are_drawn_where_glyphs_were(tmp_path):
    src = _write(tmp_path, "t0.pdf", f.identity_h_pdf(LINES))
    out, _ = _mask(src, tmp_path)
    text = f.poppler_text(out).replace(" ", "")
    assert f"{ID[:6]}********{ID[-4:]}" in text
    assert f"{MOBILE[:3]}****{MOBILE[-4:]}" in text


def test_policy_deleting_values_leaves_a_gap_and_no_text(tmp_path):
    src = _write(tmp_path, "t0.pdf", f.identity_h_pdf(LINES))
    out, _ = _mask(src, tmp_path, "court")
    assert f.leaked(out, [ID, MOBILE, "王小明"]) == []
    assert "本通知自发布之日起施行" in f.poppler_text(out)


def test_helvetica_with_word_spacing(tmp_path):
    lines = [f"Contact: zhang.wei@example.cn phone {MOBILE} ID {ID} end"]
    data = f.helvetica_pdf([lines]).replace(b"BT /F1 12 Tf", b"BT 2 Tw 0.3 Tc /F1 12 Tf")
    src = _write(tmp_path, "helv.pdf", data)
    report = scan_path(src, NO_OCR)
    assert {MOBILE, ID, "zhang.wei@example.cn"} <= {x.text for x in report.findings}
    out, _ = _mask(src, tmp_path)
    assert f.leaked(out, [MOBILE, ID, "zhang.wei@example.cn"]) == []
    before, after = f.glyph_positions(src)[0], f.glyph_positions(out)[0]
    # "end" is after every masked value: with Tw and Tc in play it must not move.
    end_before = sorted((g for g in before if g[0] in "end"), key=lambda g: g[1])[-3:]
    end_after = sorted((g for g in after if g[0] in "end"), key=lambda g: g[1])[-3:]
    assert [g[0] for g in end_before] == ["e", "n", "d"]
    assert end_after == end_before
    # The page inherited its resources from /Pages: it got its own, with the star font.
    with pikepdf.open(out) as pdf:
        fonts = pdf.pages[0].obj.Resources.Font
        assert any(
            str(v.get("/BaseFont")) == "/Helvetica" and k.startswith("/DeidentStar") for k, v in fonts.items()
        )
    assert "*" in f.poppler_text(out)


def test_incremental_update_old_revision_is_found_and_dropped(tmp_path):
    base = f.helvetica_pdf([[f"Applicant ID {ID} mobile {MOBILE}"]], compress=False)
    data = f.incremental_update(
        base, page_obj=11, content_obj=10, new_lines=["Notice: this page was corrected."]
    )
    assert f.revisions(data) == 2
    src = _write(tmp_path, "incr.pdf", data)
    # The latest revision is clean; the personal data lives only in the earlier one.
    assert ID not in f.poppler_text(src)
    report = scan_path(src, NO_OCR)
    assert report.status is Status.FINDINGS
    old = [x for x in report.findings if x.text in (ID, MOBILE)]
    assert old and all(x.location.get("revision") == 1 for x in old)
    out, _ = _mask(src, tmp_path)
    written = out.read_bytes()
    assert f.revisions(written) == 1
    with pikepdf.open(out) as pdf:
        assert "/Prev" not in pdf.trailer
    raw = f.all_stream_bytes(out)
    assert ID.encode() not in raw and MOBILE.encode() not in raw
    assert "this page was corrected" in f.poppler_text(out)


def test_scanned_page_is_blocked_not_clean(tmp_path):
    src = _write(tmp_path, "scan.pdf", f.scanned_pdf())
    report = scan_path(src, NO_OCR)
    assert report.status is Status.BLOCKED and report.reason == "no readable text layer"


def test_scan_with_a_page_number_only_is_still_blocked(tmp_path):
    src = _write(tmp_path, "scan.pdf", f.scanned_pdf(text_too="Page 1"))
    report = scan_path(src, NO_OCR)
    assert report.status is Status.BLOCKED and report.reason == "no readable text layer"


def test_scans_are_handed_to_ocr_when_it_is_on(tmp_path, monkeypatch):
    import sys
    import types

    from deident.formats.base import FormatContext
    from deident.formats.pdf import document as pdf_format

    seen = []
    fake = types.ModuleType("deident.formats.pdf.scanned")
    fake.open_scanned_pdf = lambda path, ctx: seen.append(path) or "ocr document"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "deident.formats.pdf.scanned", fake)
    src = _write(tmp_path, "scan.pdf", f.scanned_pdf())
    assert pdf_format.open_document(src, FormatContext(ScanConfig(ocr=True))) == "ocr document"
    assert seen == [src]


def test_type0_without_tounicode_is_blocked(tmp_path):
    src = _write(tmp_path, "notu.pdf", f.identity_h_pdf(LINES, tounicode=False))
    report = scan_path(src, NO_OCR)
    assert report.status is Status.BLOCKED and report.reason == "no readable text layer"


def test_broken_xref_is_repaired_and_fully_read(tmp_path):
    data = f.broken_xref(f.helvetica_pdf([[f"ID {ID}"], [f"mobile {MOBILE}"]], compress=False))
    src = _write(tmp_path, "broken.pdf", data)
    report = scan_path(src, NO_OCR)
    assert report.status is Status.FINDINGS
    assert {ID, MOBILE} <= {x.text for x in report.findings}
    assert any("repaired" in n for n in report.notes)
    out, _ = _mask(src, tmp_path)
    assert f.leaked(out, [ID, MOBILE]) == []
    assert len(f.page_boxes(out)) == 2


@pytest.mark.parametrize(
    "content",
    [
        b"BT /F1 12 Tf 72 700 Td (ID " + ID.encode() + b") Tj ET ) ) ] >> garbage (",
        b"BT /F1 12 Tf 72 700 Td [(ID " + ID.encode() + b") 5 (x) TJ ET",
        b"BT /F1 Tf (" + ID.encode() + b") Tj ET",
        b"\x00\xff\xfe" * 50,
    ],
    ids=["trailing-garbage", "unclosed-array", "missing-operand", "binary-noise"],
)
def test_malformed_content_stream_never_clean_with_pii_never_a_traceback(tmp_path, content):
    src = _write(tmp_path, "bad.pdf", _helvetica_page(content))
    report = scan_path(src, NO_OCR)
    assert report.status in (Status.FINDINGS, Status.BLOCKED, Status.CLEAN)
    if ID in f.poppler_text(src).replace(" ", ""):
        assert report.status is not Status.CLEAN
    out = tmp_path / "out.pdf"
    rep = mask_path(src, out, NO_OCR, Policy.load("gov"))
    if rep.ok and report.status is Status.FINDINGS:
        assert f.leaked(out, [ID]) == []


@pytest.mark.parametrize(
    "data",
    [b"", b"%PDF-1.7\n", b"not a pdf at all", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"],
    ids=["empty", "header-only", "text", "no-pages"],
)
def test_not_a_readable_pdf_is_blocked(tmp_path, data):
    src = _write(tmp_path, "x.pdf", data)
    report = scan_path(src, NO_OCR)
    assert report.status in (Status.BLOCKED, Status.CLEAN)
    if report.status is Status.BLOCKED:
        assert report.reason


def test_empty_page_pdf_is_clean(tmp_path):
    src = _write(tmp_path, "blank.pdf", f.helvetica_pdf([[]]))
    assert scan_path(src, NO_OCR).status is Status.CLEAN


def test_structure_tree_alt_text_and_thumbnails(tmp_path):
    data = f.helvetica_pdf([["Photo of an ID card below."]])
    src = _write(tmp_path, "tagged.pdf", data)
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        figure = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name.Figure, Alt=pikepdf.String(f"ID {ID}")
            )
        )
        pdf.Root["/StructTreeRoot"] = pikepdf.Dictionary(
            Type=pikepdf.Name.StructTreeRoot, K=pikepdf.Array([figure])
        )
        pdf.pages[0].obj["/Thumb"] = pdf.make_stream(
            b"\x00" * 4, Width=2, Height=2, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8
        )
        pdf.save(src)
    report = scan_path(src, NO_OCR)
    hit = [x for x in report.findings if x.text == ID]
    assert hit and hit[0].location == {"structure": 0, "key": "Alt"}
    out, _ = _mask(src, tmp_path)
    with pikepdf.open(out) as pdf:
        alt = str(pdf.Root.StructTreeRoot.K[0].Alt)
        assert ID not in alt and alt.startswith("ID 440881")
        assert "/Thumb" not in pdf.pages[0].obj


def test_annotation_appearance_text_is_cut_not_just_the_contents(tmp_path):
    src = _write(tmp_path, "annot.pdf", f.helvetica_pdf([["Public notice."]]))
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        helv = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
            )
        )
        ap = pdf.make_stream(
            f"BT /Helv 10 Tf 2 5 Td (Tel {MOBILE} ok) Tj ET".encode(),
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Form,
            BBox=[0, 0, 200, 20],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helv)),
        )
        annot = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.FreeText,
            Rect=[72, 600, 272, 620],
            DA=pikepdf.String("/Helv 10 Tf 0 g"),
            AP=pikepdf.Dictionary(N=ap),
        )
        pdf.pages[0].obj["/Annots"] = pdf.make_indirect(pikepdf.Array([annot]))
        pdf.save(src)
    report = scan_path(src, NO_OCR)
    hit = [x for x in report.findings if x.text == MOBILE]
    assert hit and hit[0].location == {"page": 1, "annotation": 0, "appearance": "N"}
    out, _ = _mask(src, tmp_path)
    with pikepdf.open(out) as pdf:
        stream = pdf.pages[0].Annots[0].AP.N
        data = stream.read_bytes()
    assert MOBILE.encode() not in data and b"1234" not in data
    assert b"(*)" in data and b"5678" in data and b"ok" in data


def test_huge_page_is_read_and_masked(tmp_path):
    data = f.helvetica_pdf([[f"ID {ID}"]], media=(14400, 14400))
    src = _write(tmp_path, "huge.pdf", data)
    assert ID in {x.text for x in scan_path(src, NO_OCR).findings}
    out, _ = _mask(src, tmp_path)
    assert f.leaked(out, [ID]) == []
    assert f.page_boxes(out) == [(14400.0, 14400.0, 0)]


def test_vertical_text_is_read_but_masking_refuses(tmp_path):
    data = f.identity_h_pdf(LINES).replace(b"/Identity-H", b"/Identity-V")
    src = _write(tmp_path, "vertical.pdf", data)
    report = scan_path(src, NO_OCR)
    assert ID in {x.text for x in report.findings}
    out = tmp_path / "out.pdf"
    rep = mask_path(src, out, NO_OCR, Policy.load("gov"))
    assert not rep.ok and not out.exists()
    assert rep.report.status is Status.BLOCKED and "vertical" in (rep.report.reason or "")


def test_searchable_scan_without_ocr_is_blocked(tmp_path):
    # A scanner's "searchable PDF": the page is a picture, the text an OCR layer over it. The
    # picture shows the values too, and without OCR it cannot be read, let alone masked
    # (reading and masking it: tests/formats/test_pdf_images.py).
    src = _write(
        tmp_path, "ocr.pdf", f.scanned_pdf(text_too=f"Applicant Zhang Wei, ID {ID}, mobile {MOBILE}")
    )
    report = scan_path(src, NO_OCR)
    assert report.status is Status.BLOCKED
    assert report.reason == "OCR is needed to read images"
    assert "page 1" in (report.detail or "") and ID not in (report.detail or "")
    out = tmp_path / "out.pdf"
    rep = mask_path(src, out, NO_OCR, Policy.load("gov"))
    assert not rep.ok and not out.exists()


def test_locate_gives_the_box_of_the_value_itself(tmp_path):
    from deident.formats.base import FormatContext
    from deident.formats.pdf.document import open_document

    src = _write(tmp_path, "t0.pdf", f.identity_h_pdf(LINES))
    doc = open_document(src, FormatContext(NO_OCR))
    seg = next(s for s in doc.segments() if ID in s.text)
    start = seg.text.index(ID)
    loc = doc.locate(seg.id, start, start + len(ID))
    x0, _, x1, _ = loc["bbox"]
    sx0, _, sx1, _ = seg.location["bbox"]
    assert loc["page"] == 1
    assert sx0 < x0 < x1 < sx1
    assert x1 - x0 == pytest.approx(18 * 6.0, abs=0.2)  # 18 digits of 500/1000 em at 12 pt


@given(
    before=pii.chinese_filler(0, 14),
    rid=pii.resident_ids(),
    middle=pii.chinese_filler(1, 10),
    mob=pii.mobiles(),
    after=pii.chinese_filler(1, 14),
    kern=st.sampled_from([0, 2, 5]),
    tc=st.sampled_from([0.0, 0.4, -0.3]),
)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# The model reads 华业 in the source and 事劳华 next to the masked 华* of the copy: the copy's name
# is masked in the source on a second try, not a block (found by this property).
@example(
    before="", rid="460105193808193383", middle="事劳华业", mob="16660487647", after="、", kern=0, tc=0.0
)
def test_property_values_leave_and_the_rest_stays_in_place(
    tmp_path, before, rid, middle, mob, after, kern, tc
):
    line1 = f"申请人身份证号码{rid}，{before}"
    line2 = f"联系电话{mob}。{middle}"
    tail = f"公告{after}"
    src = _write(tmp_path, "p.pdf", f.identity_h_pdf([line1, line2, tail], kern_every=kern, char_spacing=tc))
    out = tmp_path / "out" / "p.pdf"
    rep = mask_path(src, out, NO_OCR, Policy.load("gov"))
    assert rep.ok, rep.report.reason
    assert {rid, mob} <= {x.text for x in rep.report.findings}
    assert f.leaked(out, [rid, mob]) == []
    # Random Han filler can read as a name (the model is on by default): the glyph check below is
    # for a last line with no finding in it.
    assume(not any(x.text in tail for x in rep.report.findings if x.text not in (rid, mob)))
    # The last line holds no personal data: every glyph of it is where it was.
    last = lambda pages: sorted(g for g in pages[0] if g[2] == min(x[2] for x in pages[0]))  # noqa: E731
    assert last(f.glyph_positions(out)) == last(f.glyph_positions(src))


def test_no_document_text_reaches_logs_or_stderr(tmp_path, capfd, caplog):
    caplog.set_level("DEBUG")
    # pdfminer warns about these operands and quotes them: "invalid float value b'ID 4408…'".
    content = (
        b"(ID " + ID.encode() + b") w (tel " + MOBILE.encode() + b") g BT /F1 12 Tf 72 700 Td (ok) Tj ET"
    )
    src = _write(tmp_path, "noisy.pdf", _helvetica_page(content))
    scan_path(src, NO_OCR)
    mask_path(src, tmp_path / "out.pdf", NO_OCR, Policy.load("gov"))
    captured = capfd.readouterr()
    for text in (captured.out, captured.err, caplog.text):
        assert ID not in text and MOBILE not in text


def test_symbolic_subset_font_without_tounicode_is_blocked_not_read_as_latin(tmp_path):
    # Codes of such a font are private glyph numbers; read through WinAnsi they come out as
    # plausible Latin letters (no "(cid:N)"), so the font itself must be recognised.
    content = f.text_ops(["Bcdfg hij klm nopq"])
    objs = _one_page(
        content,
        b"<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+SimSun /FirstChar 32 /LastChar 126 "
        b"/Widths [" + b" 500" * 95 + b"] /FontDescriptor 6 0 R >>",
    )
    objs |= {
        6: b"<< /Type /FontDescriptor /FontName /ABCDEF+SimSun /Flags 4 /FontFile2 7 0 R "
        b"/FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 900 /Descent -100 /CapHeight 700 /StemV 80 >>",
        7: b"<< /Length 4 >>\nstream\n\x00\x01\x00\x00\nendstream",
    }
    src = _write(tmp_path, "private.pdf", f.build_pdf(objs, 1))
    report = scan_path(src, NO_OCR)
    assert report.status is Status.BLOCKED and report.reason == "no readable text layer"
    # The same font with a ToUnicode map is read normally.
    objs[5] = objs[5].replace(b" /FontDescriptor", b" /ToUnicode 8 0 R /FontDescriptor")
    cmap = f._tounicode_cmap({chr(c): c for c in range(32, 127)})
    objs[8] = b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"
    ok = _write(tmp_path, "mapped.pdf", f.build_pdf(objs, 1))
    assert scan_path(ok, NO_OCR).status is Status.CLEAN
