"""The attacker's PDFs: every place a value hides outside what the structured reader reads.
Each case is a real file built here; each must be reported and must leave no value in the
masked copy by pdftotext, PDFium or the decoded streams (or be blocked with a reason)."""

from __future__ import annotations

import random
import shutil
import zlib
from pathlib import Path

import pikepdf
import pytest

from deident.model import Status
from tests.factories import pdf as pdf_factory
from tests.factories import pii
from tests.verify.attack import assert_caught, leaks, mask, scan

RNG = random.Random(1717)


def _id() -> str:
    return pii.resident_id(RNG)


def _mobile() -> str:
    return pii.mobile(RNG)


def _base(tmp_path: Path, name: str = "base.pdf") -> Path:
    p = tmp_path / name
    p.write_bytes(pdf_factory.helvetica_pdf([["Annual report", "Nothing personal here."]]))
    return p


def _edit(tmp_path: Path, name: str, change) -> Path:
    src = _base(tmp_path, "src_" + name)
    dst = tmp_path / name
    with pikepdf.open(src) as pdf:
        change(pdf)
        pdf.save(dst)
    return dst


def test_the_base_file_is_clean(tmp_path: Path) -> None:
    assert scan(_base(tmp_path)).status is Status.CLEAN


def test_link_uri_and_launch_target(tmp_path: Path) -> None:
    v1, v2 = _id(), _mobile()

    def change(pdf: pikepdf.Pdf) -> None:
        uri = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(f"https://x.gov.cn/a?id={v1}"))
        launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String(f"tel_{v2}.txt"))
        pdf.pages[0].obj["/Annots"] = pikepdf.Array(
            [
                pdf.make_indirect(
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 9, 9], A=a
                    )
                )
                for a in (uri, launch)
            ]
        )

    assert_caught(_edit(tmp_path, "link.pdf", change), [v1, v2])


def test_actual_text_of_marked_content(tmp_path: Path) -> None:
    value = _id()
    p = tmp_path / "actual.pdf"
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 /Resources << /Font << /F1 3 0 R >> >> >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>",
        5: pdf_factory._stream(
            b"/Span << /ActualText ("
            + value.encode()
            + b") >> BDC BT /F1 12 Tf 72 700 Td (see note) Tj ET EMC"
        ),
    }
    p.write_bytes(pdf_factory.build_pdf(objs, 1))
    assert_caught(p, [value])


def test_combo_box_options(tmp_path: Path) -> None:
    value = _mobile()

    def change(pdf: pikepdf.Pdf) -> None:
        field = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Widget,
                FT=pikepdf.Name.Ch,
                Ff=131072,
                T=pikepdf.String("contact"),
                Opt=pikepdf.Array([pikepdf.String("none"), pikepdf.String(value)]),
                Rect=[100, 200, 300, 220],
            )
        )
        pdf.pages[0].obj["/Annots"] = pikepdf.Array([field])
        pdf.Root["/AcroForm"] = pikepdf.Dictionary(Fields=pikepdf.Array([field]))

    assert_caught(_edit(tmp_path, "combo.pdf", change), [value])


def test_page_labels(tmp_path: Path) -> None:
    value = _mobile()

    def change(pdf: pikepdf.Pdf) -> None:
        pdf.Root["/PageLabels"] = pikepdf.Dictionary(
            Nums=pikepdf.Array([0, pikepdf.Dictionary(P=pikepdf.String(f"联系{value}-"))])
        )

    assert_caught(_edit(tmp_path, "labels.pdf", change), [value])


def test_javascript_stream(tmp_path: Path) -> None:
    value = _id()

    def change(pdf: pikepdf.Pdf) -> None:
        js = pdf.make_stream(f"var owner = '{value}'; app.alert(owner);".encode())
        pdf.Root["/OpenAction"] = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=js)

    assert_caught(_edit(tmp_path, "js.pdf", change), [value])


def test_embedded_file(tmp_path: Path) -> None:
    value = _id()

    def change(pdf: pikepdf.Pdf) -> None:
        pdf.attachments["名单.txt"] = pikepdf.AttachedFileSpec(pdf, f"张三 身份证 {value}\n".encode())

    assert_caught(_edit(tmp_path, "attach.pdf", change), [value])


def test_associated_file_on_a_page(tmp_path: Path) -> None:
    value = _mobile()

    def change(pdf: pikepdf.Pdf) -> None:
        spec = pikepdf.AttachedFileSpec(pdf, f"电话 {value}".encode(), filename="a.txt")
        pdf.pages[0].obj["/AF"] = pikepdf.Array([spec.obj])

    assert_caught(_edit(tmp_path, "af.pdf", change), [value])


def test_every_old_revision(tmp_path: Path) -> None:
    """Ten incremental updates; the value only in the first revision (not only the last 8)."""
    value = _id()
    data = pdf_factory.helvetica_pdf([[f"ID {value}"]], compress=True)
    for k in range(10):
        data = pdf_factory.incremental_update(data, 11, 10, [f"revision {k}"])
    p = tmp_path / "revisions.pdf"
    p.write_bytes(data)
    assert value not in pdf_factory.pdfium_text(p)
    assert_caught(p, [value])


def test_bytes_after_the_last_eof(tmp_path: Path) -> None:
    value = _id()
    p = _base(tmp_path, "tail.pdf")
    p.write_bytes(p.read_bytes() + f"\n% owner {value}\n".encode())
    assert_caught(p, [value])


def test_unreferenced_object(tmp_path: Path) -> None:
    value = _mobile()
    p = tmp_path / "orphan.pdf"
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 /Resources << /Font << /F1 3 0 R >> >> >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>",
        5: pdf_factory._stream(b"BT /F1 12 Tf 72 700 Td (hello) Tj ET"),
        6: b"<< /Note (" + value.encode() + b") >>",
        7: pdf_factory._stream(b"BT /F1 12 Tf 72 700 Td (" + value.encode() + b") Tj ET"),
    }
    p.write_bytes(pdf_factory.build_pdf(objs, 1))
    assert_caught(p, [value])


def test_tiling_pattern_and_unused_form_xobject(tmp_path: Path) -> None:
    v1, v2 = _mobile(), _id()
    p = tmp_path / "pattern.pdf"
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R"
        b" /Resources << /Font << /F1 3 0 R >> /Pattern << /P1 6 0 R >> /XObject << /X1 7 0 R >> >> >>",
        5: pdf_factory._stream(b"/Pattern cs /P1 scn 0 0 612 792 re f BT /F1 12 Tf 72 700 Td (hi) Tj ET"),
        6: pdf_factory._stream(
            b"BT /F1 6 Tf 0 10 Td (" + v1.encode() + b") Tj ET",
            b" /Type /Pattern /PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 200 20] /XStep 200"
            b" /YStep 20 /Resources << /Font << /F1 3 0 R >> >>",
        ),
        7: pdf_factory._stream(
            b"BT /F1 6 Tf 0 10 Td [(" + v2[:9].encode() + b") -20 (" + v2[9:].encode() + b")] TJ ET",
            b" /Type /XObject /Subtype /Form /BBox [0 0 200 20] /Resources << /Font << /F1 3 0 R >> >>",
        ),
    }
    p.write_bytes(pdf_factory.build_pdf(objs, 1))
    assert_caught(p, [v1, v2], must_mask=False)  # a value split across TJ strings: blocked


def test_xmp_metadata_and_info(tmp_path: Path) -> None:
    v1, v2 = _mobile(), _id()

    def change(pdf: pikepdf.Pdf) -> None:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:description"] = f"证件 {v2}"
        pdf.docinfo["/Keywords"] = pikepdf.String(f"contact {v1}")

    assert_caught(_edit(tmp_path, "meta.pdf", change), [v1, v2])


@pytest.mark.skipif(not shutil.which("soffice"), reason="needs LibreOffice")
def test_libreoffice_export_of_numbers_one_per_line(tmp_path: Path) -> None:
    """The headline of issue 17: mobiles one per line in a text file exported by LibreOffice
    read as one 29-digit run and came back clean."""
    values = [_mobile() for _ in range(3)]
    txt = tmp_path / "phones.txt"
    txt.write_text("联系人名单\n" + "\n".join(values) + "\n", encoding="utf-8")
    pdf = pdf_factory.docx_to_pdf(txt, tmp_path)
    report = scan(pdf)
    assert report.status is Status.FINDINGS
    # Both readings see the three numbers: the structured one no longer joins the lines.
    first = {f.text for f in report.findings if f.location.get("reading") != "second"}
    assert first >= set(values)
    result = mask(pdf)
    assert result.ok, result.report.reason
    assert not leaks(Path(result.output), values)


def test_raw_content_zero_width_split(tmp_path: Path) -> None:
    """Digits in a content stream split by a TJ kerning gap are one value to a reader."""
    value = _mobile()
    p = tmp_path / "tj.pdf"
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 /Resources << /Font << /F1 3 0 R >> >> >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>",
        5: b"<< /Length %d >>\nstream\n" % 0,
    }
    body = b"BT /F1 12 Tf 72 700 Td [(" + value[:4].encode() + b") -15 (" + value[4:].encode() + b")] TJ ET"
    objs[5] = pdf_factory._stream(body)
    p.write_bytes(pdf_factory.build_pdf(objs, 1))
    assert zlib  # the stream is compressed: the value is not in the raw bytes
    assert_caught(p, [value])


@pytest.mark.skipif(not shutil.which("soffice"), reason="needs LibreOffice")
def test_masked_address_wrapped_after_its_kept_prefix(tmp_path: Path) -> None:
    """A form field 户籍地址：… wrapped by LibreOffice right after 鼓楼区: the structured reader
    joins the wrapped lines and masks the address below the township (the policy's level); the
    second reading of the copy keeps lines, so 江苏省南京市鼓楼区 stands alone at a line end with
    the masked rest on the next line. That is a masked field, not an address left in the copy
    (six corpus documents were blocked at mask time by it)."""
    label = "户籍地址：江苏省南京市鼓楼区"
    filler = ("本机关依法向下列当事人公告送达有关文书" * 3)[: pdf_factory.BODY_LINE_CHARS - len(label)]
    rest = "华侨路街道中山路88号锦绣花园3栋201室"
    pdf = pdf_factory.paragraphs_pdf(tmp_path, [filler + label + rest + "。", "特此公告。"])
    lines = pdf_factory.pdfium_text(pdf).splitlines()
    assert any(line.endswith(label) for line in lines)  # the wrap falls where the case needs it
    report = scan(pdf)
    assert any(f.entity_type == "CN_ADDRESS" and rest in f.text for f in report.findings)
    result = mask(pdf)
    assert result.ok, result.report.reason
    out = Path(result.output)
    masked_lines = pdf_factory.pdfium_text(out).splitlines()
    at = next(i for i, line in enumerate(masked_lines) if line.endswith(label))
    assert "*" in masked_lines[at + 1]  # the masked rest of the field on the next line
    assert not leaks(out, ["华侨路街道中山路88号", "锦绣花园3栋201室"])
    # Verified by both readings: each reads the copy clean.
    assert scan(out).status is Status.CLEAN
