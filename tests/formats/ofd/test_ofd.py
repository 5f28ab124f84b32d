"""OFD: pages written by easyofd's OFD writer (a real producer) plus annotations, attachments,
custom tags, a template and metadata; every value found, none left after masking by an
independent reading (the raw XML of every member), and no glyph moved."""

from __future__ import annotations

import html
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from deident.config import ScanConfig
from deident.formats.ofd.text import deltas
from deident.masking.policy import Policy
from deident.model import Status
from deident.pipeline import mask_path, scan_path
from tests.factories.ofd import NS, easyofd_templates, make_ofd

CONFIG = ScanConfig()
POLICY = Policy.load("gov")
needs_easyofd = pytest.mark.skipif(
    easyofd_templates() is None, reason="needs easyofd (pip install --no-deps)"
)


@pytest.fixture(scope="module")
def ofd_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    if easyofd_templates() is None:
        pytest.skip("needs easyofd (pip install --no-deps easyofd xmltodict loguru)")
    work = tmp_path_factory.mktemp("ofd")
    data, values = make_ofd(work)
    path = work / "公示.ofd"
    path.write_bytes(data)
    return path, values


def _raw_text(data: bytes) -> str:
    """The independent reading: every member's bytes decoded, entities resolved, names too."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return "\n".join(
            i.filename + html.unescape(zf.read(i).decode("utf-8", "replace")) for i in zf.infolist()
        )


def _glyphs(data: bytes) -> list[tuple[str, str | None, str | None, str | None, str | None, int]]:
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in sorted(zf.namelist()):
            if not name.endswith(".xml"):
                continue
            for tc in etree.fromstring(zf.read(name)).iter("{*}TextCode"):
                obj = tc.getparent()
                out.append(
                    (
                        name,
                        obj.get("Boundary"),
                        tc.get("X"),
                        tc.get("Y"),
                        tc.get("DeltaX"),
                        len(tc.text or ""),
                    )
                )
    return out


def test_every_place_read(ofd_file: tuple[Path, list[str]]) -> None:
    path, values = ofd_file
    report = scan_path(path, CONFIG)
    assert report.status is Status.FINDINGS, report.detail
    found = {f.text for f in report.findings}
    assert [v for v in values if v not in found] == []
    places = {
        (f.location.get("part", ""), f.location.get("page"), f.location.get("template"))
        for f in report.findings
    }
    parts = {p for p, _, _ in places}
    assert {"OFD.xml", "Doc_0/Tags/CustomTag.xml", "Doc_0/Attachs/申请表.txt"} <= parts
    assert {"Doc_0/Annots/Page_0/Annotation.xml", "Doc_0/Attachs/Attachments.xml"} <= parts
    assert ("Doc_0/Pages/Page_1/Content.xml", 2, None) in places
    assert ("Doc_0/Tpls/Tpl_0/Content.xml", None, "60") in places


def test_id_spread_over_glyph_objects_is_one_value(ofd_file: tuple[Path, list[str]]) -> None:
    path, values = ofd_file
    report = scan_path(path, CONFIG)
    page1 = [f for f in report.findings if f.location.get("page") == 1 and f.entity_type == "CN_RESIDENT_ID"]
    assert [f.text for f in page1] == [values[3]]
    # Two numbers in neighbouring table cells stay two values.
    page2 = {f.text for f in report.findings if f.location.get("page") == 2}
    assert {values[4], values[7]} <= page2


def test_masked_nothing_left_and_no_glyph_moved(ofd_file: tuple[Path, list[str]], tmp_path: Path) -> None:
    path, values = ofd_file
    result = mask_path(path, tmp_path / "公示.ofd", CONFIG, POLICY)
    assert result.ok, result.report.reason
    masked = Path(result.output or "").read_bytes()
    raw = _raw_text(masked)
    assert [v for v in values if v in raw] == []
    assert _glyphs(masked) == _glyphs(path.read_bytes())
    with zipfile.ZipFile(path) as a, zipfile.ZipFile(io.BytesIO(masked)) as b:
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        assert a.read("Doc_0/PublicRes.xml") == b.read("Doc_0/PublicRes.xml")


def _spec_ofd(page: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal OFD written to the spec (GB/T 33190) for cases no producer here writes."""
    parts = {
        "OFD.xml": f'<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
        "<ofd:DocID>a</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
        "</ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>9</ofd:MaxUnitID>'
        '</ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages>'
        "</ofd:Document>",
        "Doc_0/Pages/Page_0/Content.xml": f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="2">{page}'
        "</ofd:Layer></ofd:Content></ofd:Page>",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, xml in parts.items():
            zf.writestr(name, xml)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_cgtransform_over_masked_characters_is_removed(tmp_path: Path) -> None:
    rid = "11010519491231002X"
    text = "身份证号" + rid
    page = (
        '<ofd:TextObject ID="3" Boundary="10 10 150 10" Font="1" Size="4">'
        f'<ofd:CGTransform CodePosition="4" CodeCount="18" GlyphCount="18"><ofd:Glyphs>{" ".join(["7"] * 18)}'
        '</ofd:Glyphs></ofd:CGTransform><ofd:CGTransform CodePosition="0" CodeCount="4" GlyphCount="4">'
        "<ofd:Glyphs>1 2 3 4</ofd:Glyphs></ofd:CGTransform>"
        f'<ofd:TextCode X="0" Y="4" DeltaX="g 21 3">{text}</ofd:TextCode></ofd:TextObject>'
    )
    src = tmp_path / "a.ofd"
    src.write_bytes(_spec_ofd(page))
    result = mask_path(src, tmp_path / "out.ofd", CONFIG, POLICY)
    assert result.ok, result.report.reason
    xml = zipfile.ZipFile(result.output or "").read("Doc_0/Pages/Page_0/Content.xml").decode()
    assert rid not in xml and 'CodePosition="4"' not in xml and 'CodePosition="0"' in xml
    assert 'DeltaX="g 21 3"' in xml


def test_signature_strings_are_read_but_block_masking(tmp_path: Path) -> None:
    rid = "11010519491231002X"
    src = tmp_path / "signed.ofd"
    seal = b"\x30\x82\x01\x00" + "签章人身份证号".encode() + rid.encode() + b"\x00\x01"
    src.write_bytes(_spec_ofd("", {"Doc_0/Signs/Sign_0/SignedValue.dat": seal}))
    report = scan_path(src, CONFIG)
    assert rid in {f.text for f in report.findings}
    assert any("signature" in n for n in report.notes)
    result = mask_path(src, tmp_path / "out.ofd", CONFIG, POLICY)
    assert not result.ok and "cannot" in (result.report.reason or "")


def test_unreadable_member_blocks_and_is_named(tmp_path: Path) -> None:
    src = tmp_path / "scan.ofd"
    src.write_bytes(_spec_ofd("", {"Doc_0/Res/image_80.jb2": b"\x97JB2\r\n\x1a\n"}))
    report = scan_path(src, CONFIG)
    assert report.status is Status.BLOCKED and "Doc_0/Res/image_80.jb2" in (report.detail or "")


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.integers(min_value=1, max_value=50), st.floats(min_value=0.1, max_value=20, allow_nan=False))
def test_deltax_repeat_form(n: int, d: float) -> None:
    assert deltas(f"g {n} {d}", n) == [d] * n
    assert deltas(" ".join([str(d)] * n), n) == [d] * n


def test_ctm_scaled_glyph_objects_join_into_one_value(tmp_path: Path) -> None:
    # easyofd and Suwell write object space scaled by CTM: X in object units, Boundary on the page.
    rid = "11010519491231002X"
    objs = "".join(
        f'<ofd:TextObject ID="{10 + i}" Boundary="{20 + i * 2.2} 40 5 6" CTM="0.5 0 0 0.5 0 0" Font="1" Size="8">'
        f'<ofd:TextCode X="0" Y="8">{ch}</ofd:TextCode></ofd:TextObject>'
        for i, ch in enumerate("身份证号" + rid)
    )
    src = tmp_path / "ctm.ofd"
    src.write_bytes(_spec_ofd(objs))
    assert rid in {f.text for f in scan_path(src, CONFIG).findings}


def test_id_in_an_attachment_file_name_is_found_and_not_silently_kept(tmp_path: Path) -> None:
    rid = "11010519491231002X"
    src = tmp_path / "att.ofd"
    src.write_bytes(_spec_ofd("", {f"Doc_0/Attachs/{rid}_申请表.txt": "无个人信息".encode()}))
    report = scan_path(src, CONFIG)
    assert rid in {f.text for f in report.findings}
    assert all(rid not in str(dict(f.location)) for f in report.findings)
    result = mask_path(src, tmp_path / "out.ofd", CONFIG, POLICY)
    assert not result.ok and (result.report.reason or "").startswith("cannot")


def test_ofd_inside_a_zip(ofd_file: tuple[Path, list[str]], tmp_path: Path) -> None:
    from tests.factories.archives import make_zip

    path, values = ofd_file
    src = tmp_path / "附件.zip"
    src.write_bytes(make_zip({"公示/公示.ofd": path.read_bytes()}))
    report = scan_path(src, CONFIG)
    assert set(values) <= {f.text for f in report.findings}
    result = mask_path(src, tmp_path / "out" / "附件.zip", CONFIG, POLICY)
    assert result.ok, result.report.reason
    inner = zipfile.ZipFile(result.output or "").read("公示/公示.ofd")
    assert [v for v in values if v in _raw_text(inner)] == []


DATA = Path(__file__).parent / "data"


def test_real_invoice_every_place_read_masked_and_glyphs_kept(tmp_path: Path) -> None:
    src = DATA / "ofdrw_invoice_sample.ofd"
    report = scan_path(src, CONFIG)
    assert report.status is Status.FINDINGS, report.detail
    found = {(f.text, f.location.get("part")) for f in report.findings}
    # On the page and in the attached original invoice XML alike.
    for value in ("13392342520", "625555888900998711"):
        assert (value, "Doc_0/Pages/Page_0/Content.xml") in found
        assert (value, "Doc_0/Attachs/original_invoice.xml") in found
    assert any("signature" in n for n in report.notes)
    result = mask_path(src, tmp_path / "invoice.ofd", CONFIG, POLICY)
    assert result.ok, result.report.reason
    masked = Path(result.output or "").read_bytes()
    raw = _raw_text(masked)
    assert [t for t, _ in found if t in raw] == []
    assert _glyphs(masked) == _glyphs(src.read_bytes())


def test_real_suwell_file_reads_clean_and_is_copied(tmp_path: Path) -> None:
    from deident.formats.base import FormatContext
    from deident.formats.ofd import open_document

    src = DATA / "ofdrw_suwell_horizontal_text.ofd"
    texts = [s.text for s in open_document(src, FormatContext(CONFIG)).segments() if "page" in s.location]
    assert "121212" in texts and "一二三四" in texts  # rotated (CTM) glyphs joined in reading order
    report = scan_path(src, CONFIG)
    assert report.status is Status.CLEAN, report.detail
    result = mask_path(src, tmp_path / "a.ofd", CONFIG, POLICY)
    assert result.ok and Path(result.output or "").read_bytes() == src.read_bytes()


def test_encrypted_ofd_is_blocked(tmp_path: Path) -> None:
    src = tmp_path / "enc.ofd"
    src.write_bytes(_spec_ofd("", {"Encryptions.xml": f'<ofd:Encryptions xmlns:ofd="{NS}"/>'.encode()}))
    report = scan_path(src, CONFIG)
    assert (report.status, report.reason) == (Status.BLOCKED, "encrypted")


def test_gbk_member_names_found_by_their_paths_and_kept(tmp_path: Path) -> None:
    from tests.factories.archives import make_zip

    rid = "11010519491231002X"
    page = (
        f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="2"><ofd:TextObject ID="3" Boundary="10 10 150 10" '
        f'Size="4"><ofd:TextCode X="0" Y="4" DeltaX="g 21 3">身份证号{rid}</ofd:TextCode></ofd:TextObject>'
        "</ofd:Layer></ofd:Content></ofd:Page>"
    )
    parts = {
        "OFD.xml": f'<ofd:OFD xmlns:ofd="{NS}"><ofd:DocBody><ofd:DocRoot>文档_0/Document.xml</ofd:DocRoot>'
        "</ofd:DocBody></ofd:OFD>",
        "文档_0/Document.xml": f'<ofd:Document xmlns:ofd="{NS}"><ofd:Pages>'
        '<ofd:Page ID="1" BaseLoc="页面/页_0/Content.xml"/></ofd:Pages></ofd:Document>',
        "文档_0/页面/页_0/Content.xml": page,
    }
    src = tmp_path / "gbk.ofd"
    src.write_bytes(make_zip({k: v.encode() for k, v in parts.items()}, gbk=True))
    report = scan_path(src, CONFIG)
    hit = next(f for f in report.findings if f.text == rid)
    assert hit.location["page"] == 1 and hit.location["part"] == "文档_0/页面/页_0/Content.xml"
    result = mask_path(src, tmp_path / "out.ofd", CONFIG, POLICY)
    assert result.ok, result.report.reason
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(result.output or "") as b:
        assert [(i.orig_filename, i.flag_bits & 0x800) for i in a.infolist()] == [
            (i.orig_filename, i.flag_bits & 0x800) for i in b.infolist()
        ]
        assert rid not in _raw_text(Path(result.output or "").read_bytes())


def test_malformed_custom_tag_is_read_and_masked_as_text(tmp_path: Path) -> None:
    # E-invoices carry `<:eInvoice xmlns:="">`, which no XML parser accepts.
    rid = "11010519491231002X"
    tag = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<:eInvoice xmlns:=""><BuyerID>{rid}</BuyerID></:eInvoice>\n'
    )
    src = tmp_path / "inv.ofd"
    src.write_bytes(_spec_ofd("", {"Doc_0/Tags/CustomTag.xml": tag.encode()}))
    report = scan_path(src, CONFIG)
    assert report.status is Status.FINDINGS and rid in {f.text for f in report.findings}
    result = mask_path(src, tmp_path / "out.ofd", CONFIG, POLICY)
    assert result.ok, result.report.reason
    masked = zipfile.ZipFile(result.output or "").read("Doc_0/Tags/CustomTag.xml").decode()
    assert rid not in masked and masked.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<:eInvoice')


def test_reading_twice_gives_the_same_segments(ofd_file: tuple[Path, list[str]]) -> None:
    from deident.formats.base import FormatContext
    from deident.formats.ofd import open_document

    doc = open_document(ofd_file[0], FormatContext(CONFIG))
    first = [(s.id, s.text, dict(s.location)) for s in doc.segments()]
    assert first == [(s.id, s.text, dict(s.location)) for s in doc.segments()]


@pytest.mark.parametrize("where", ["exif", "xmp"])
def test_a_photo_in_the_resources_gives_its_position_and_the_copy_none(tmp_path: Path, where: str) -> None:
    """A home visit's photo stored in an OFD's resources (Res/*.jpg) keeps the phone's EXIF or
    the editor's XMP: the position is an address of that member, and the masked OFD's member
    has none (Pillow and the second reading on the member's bytes)."""
    pytest.importorskip("rapidocr_onnxruntime")
    from PIL import Image

    from deident.formats.ocr.gps import position
    from deident.verify.image import read_image
    from tests.formats.image.test_gps import photo
    from tests.formats.image.test_gps_xmp import xmp_photo

    jpeg = photo() if where == "exif" else xmp_photo()
    src = tmp_path / "走访.ofd"
    src.write_bytes(_spec_ofd("", {"Doc_0/Res/photo_1.jpg": jpeg}))
    report = scan_path(src, CONFIG)
    (f,) = report.findings
    assert f.entity_type == "CN_ADDRESS" and "北纬" in f.text
    assert "Doc_0/Res/photo_1.jpg" in str(f.location)
    result = mask_path(src, tmp_path / "out.ofd", CONFIG, POLICY)
    assert result.ok, result.report.detail
    with zipfile.ZipFile(tmp_path / "out.ofd") as z:
        member = z.read("Doc_0/Res/photo_1.jpg")
    assert position(Image.open(io.BytesIO(member))) is None
    assert not [p for p in read_image(member) if p.hint == "CN_ADDRESS"]
