"""The attacker's Office packages: values in places a Word/Excel reader does not treat as
text. Each is reported, and the masked copy's raw members hold none of them (or the file is
blocked with a reason)."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest

from deident.model import Status
from tests.factories import office, pii
from tests.factories.office import CT_W, RT, W_DECL, Docx, para, run
from tests.verify.attack import assert_caught, scan

RNG = random.Random(1718)


def _id() -> str:
    return pii.resident_id(RNG)


def _mobile() -> str:
    return pii.mobile(RNG)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _doc(*paragraphs: str) -> Docx:
    d = Docx()
    d.body += [para(run(t)) for t in paragraphs] or [para(run("通知正文"))]
    return d


def _replace_member(data: bytes, name: str, new: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, new if info.filename == name else src.read(info))
    return buf.getvalue()


def test_the_base_package_is_clean(tmp_path: Path) -> None:
    assert scan(_write(tmp_path, "base.docx", _doc("通知正文").to_bytes())).status is Status.CLEAN


def test_xml_comment_in_document_xml(tmp_path: Path) -> None:
    """A masked word/document.xml used to keep an ID inside an XML comment."""
    value = _id()
    d = _doc("关于张三的处理意见")
    d.body.insert(0, f"<!-- 身份证 {value} -->")
    assert_caught(_write(tmp_path, "comment.docx", d.to_bytes()), [value])


def test_processing_instruction(tmp_path: Path) -> None:
    value = _mobile()
    d = _doc("正文")
    d.body.insert(0, f"<?owner tel={value}?>")
    assert_caught(_write(tmp_path, "pi.docx", d.to_bytes()), [value])


def test_document_variables(tmp_path: Path) -> None:
    value = _id()
    d = _doc("正文")
    settings = (
        f'<w:settings {W_DECL}><w:docVars><w:docVar w:name="owner" w:val="{value}"/></w:docVars></w:settings>'
    )
    d.add_part("word/settings.xml", settings, f"{CT_W}.settings+xml", "settings")
    assert_caught(_write(tmp_path, "docvars.docx", d.to_bytes()), [value])


def test_bookmark_name_and_dropdown_items(tmp_path: Path) -> None:
    v1, v2 = _mobile(), _id()
    d = _doc("正文")
    d.body.append(
        f'<w:p><w:bookmarkStart w:id="0" w:name="tel_{v1}"/><w:bookmarkEnd w:id="0"/>'
        f'<w:sdt><w:sdtPr><w:dropDownList><w:listItem w:displayText="{v2}" w:value="{v2}"/>'
        "</w:dropDownList></w:sdtPr><w:sdtContent><w:r><w:t>请选择</w:t></w:r></w:sdtContent></w:sdt></w:p>"
    )
    assert_caught(_write(tmp_path, "bookmark.docx", d.to_bytes()), [v1, v2])


def test_custom_property_names_and_custom_xml(tmp_path: Path) -> None:
    v1, v2 = _id(), _mobile()
    d = _doc("正文")
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    d.parts["docProps/custom.xml"] = (
        office.XML_HEAD + f'<Properties xmlns="{ns}" xmlns:vt="{vt}">'
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="证件{v1}">'
        "<vt:lpwstr>x</vt:lpwstr></property></Properties>"
    ).encode()
    d.parts["customXml/item1.xml"] = (
        office.XML_HEAD + f"<root><person><name>甲</name>联系电话 {v2}</person></root>"
    ).encode()
    assert_caught(_write(tmp_path, "custom.docx", d.to_bytes()), [v1, v2])


def test_element_named_after_a_value(tmp_path: Path) -> None:
    value = _id()
    d = _doc("正文")
    d.parts["customXml/item2.xml"] = (office.XML_HEAD + f"<r><ID{value}/></r>").encode()
    assert_caught(_write(tmp_path, "element.docx", d.to_bytes()), [value])


def test_alt_chunk_html_member(tmp_path: Path) -> None:
    value = _mobile()
    d = _doc("正文")
    d.parts["word/afchunk.htm"] = f"<html><body><p>联系电话：{value}</p></body></html>".encode()
    d.doc_rels.append(("rId900", f"{RT}/aFChunk", "afchunk.htm", False))
    d.defaults["htm"] = "application/xhtml+xml"
    d.body.append('<w:altChunk r:id="rId900"/>')
    assert_caught(_write(tmp_path, "altchunk.docx", d.to_bytes()), [value])


def test_embedded_workbook(tmp_path: Path) -> None:
    value = _id()
    inner = Docx()
    inner.body.append(para(run(f"身份证号 {value}")))
    d = _doc("正文")
    d.parts["word/embeddings/Microsoft_Word_Document1.docx"] = inner.to_bytes()
    assert_caught(_write(tmp_path, "embedded.docx", d.to_bytes()), [value])


def test_picture_metadata_and_non_xml_part(tmp_path: Path) -> None:
    v1, v2 = _mobile(), _id()
    from tests.verify.test_verify_image import png_with_text

    d = _doc("正文")
    d.parts["word/media/image9.png"] = png_with_text({"Comment": f"tel {v1}"})
    d.parts["word/vbaData.bin"] = b"\x00\x01" + f"owner={v2}".encode("utf-16-le") + b"\x00\x00"
    assert_caught(_write(tmp_path, "media.docx", d.to_bytes()), [v1, v2])


def test_zip_comment_and_bytes_after_the_end_record(tmp_path: Path) -> None:
    v1, v2 = _mobile(), _id()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_doc("正文").to_bytes())) as src, zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        out.comment = f"tel {v1}".encode()
    data = buf.getvalue() + f"\nowner {v2}\n".encode()
    assert_caught(_write(tmp_path, "zipcomment.docx", data), [v1, v2])


def test_duplicate_member_names_block(tmp_path: Path) -> None:
    value = _id()
    data = _doc("正文").to_bytes()
    buf = io.BytesIO(data)
    with pytest.warns(UserWarning), zipfile.ZipFile(buf, "a") as zf:
        zf.writestr(
            "word/document.xml",
            office.XML_HEAD + f"<w:document {W_DECL}><w:body>{para(run(value))}</w:body></w:document>",
        )
    p = _write(tmp_path, "dup.docx", buf.getvalue())
    report = scan(p)
    assert report.status is Status.BLOCKED
    assert "name" in (report.detail or "") or report.reason


def test_xlsx_data_validation_prompt(tmp_path: Path) -> None:
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation

    value = _mobile()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "序号"
    dv = DataValidation(type="list", formula1='"是,否"', prompt=f"咨询电话 {value}", error=f"联系 {value}")
    dv.showInputMessage = True
    ws.add_data_validation(dv)
    dv.add("B2")
    p = tmp_path / "validation.xlsx"
    wb.save(p)
    assert_caught(p, [value])


def test_xlsx_custom_number_format_literal(tmp_path: Path) -> None:
    import openpyxl

    value = _id()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = 1
    ws["A1"].number_format = f'"{value}"0'
    p = tmp_path / "numfmt.xlsx"
    wb.save(p)
    assert_caught(p, [value])


def test_entity_encoded_text_in_core_properties(tmp_path: Path) -> None:
    value = _mobile()
    d = _doc("正文")
    encoded = "".join(f"&#{ord(c)};" for c in value)
    cp = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    d.parts["docProps/core.xml"] = (
        office.XML_HEAD + f'<cp:coreProperties xmlns:cp="{cp}" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:description>{encoded}</dc:description></cp:coreProperties>"
    ).encode()
    d.root_rels.append(
        (
            "rId9",
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
            "docProps/core.xml",
        )
    )
    assert_caught(_write(tmp_path, "core.docx", d.to_bytes()), [value])


def test_formula_that_builds_text_without_a_cached_value_blocks(tmp_path: Path) -> None:
    import openpyxl

    value = _mobile()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "电话"
    ws["B1"] = f'="{value[:5]}"&"{value[5:]}"'  # openpyxl stores no computed value
    p = tmp_path / "formula.xlsx"
    wb.save(p)
    report = scan(p)
    assert report.status is Status.BLOCKED
    assert report.reason == "formula without a cached value"


def test_a_formula_with_its_cached_value_is_read(tmp_path: Path) -> None:
    value = _mobile()
    d = office.Docx()  # only for its zip helper
    del d
    sheet = (
        office.XML_HEAD + f'<worksheet xmlns="{office.X}"><sheetData><row r="1">'
        f'<c r="A1" t="str"><f>"{value[:5]}"&amp;"{value[5:]}"</f><v>{value}</v></c>'
        "</row></sheetData></worksheet>"
    )
    base = tmp_path / "base.xlsx"
    import openpyxl

    openpyxl.Workbook().save(base)
    data = _replace_member(base.read_bytes(), "xl/worksheets/sheet1.xml", sheet.encode())
    assert_caught(_write(tmp_path, "cached.xlsx", data), [value])
