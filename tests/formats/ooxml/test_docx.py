"""DOCX: every hidden place is read, and the masked copy keeps no personal value anywhere.

Replacements are computed from the known values (not by the engine), so these tests check the
format layer alone; tests/formats/test_office_pipeline.py runs the whole pipeline.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from deident.formats.base import FormatContext
from deident.formats.ooxml.docx import DocxDocument
from deident.formats.ooxml.open import open_document, open_package
from deident.formats.ooxml.package import Package
from tests.factories import documents, office

CTX = FormatContext()


def load(data: bytes) -> DocxDocument:
    return open_package(Package(data, CTX.limits), "t.docx", CTX)


def mask(data: bytes, values: list[str], *, same_length: bool = True) -> bytes:
    doc = load(data)
    return documents.render(doc, documents.replacements_for(doc.segments(), values, same_length=same_length))


@pytest.mark.parametrize("case", sorted(office.DOCX_CASES))
def test_every_value_is_read(case: str) -> None:
    data, values = office.DOCX_CASES[case]()
    texts = [s.text for s in load(data).segments()]
    for value in values:
        assert any(value in t for t in texts), f"{case}: a personal value was not read"


@pytest.mark.parametrize("same_length", [True, False], ids=["stars", "shorter"])
@pytest.mark.parametrize("case", sorted(office.DOCX_CASES))
def test_masked_copy_keeps_no_value_and_opens(case: str, same_length: bool) -> None:
    data, values = office.DOCX_CASES[case]()
    masked = mask(data, values, same_length=same_length)
    assert office.leaks(masked, values) == []
    docx.Document(io.BytesIO(masked))  # python-docx opens it
    # Reading the masked copy again finds none of the values (our reader agrees with the raw check).
    assert not [s for s in load(masked).segments() if any(v in s.text for v in values)]


@pytest.mark.parametrize("case", sorted(office.DOCX_CASES))
def test_unchanged_parts_are_identical(case: str) -> None:
    data, values = office.DOCX_CASES[case]()
    masked = mask(data, values)
    src, dst = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(masked))
    assert [i.filename for i in src.infolist()] == [i.filename for i in dst.infolist()]
    changed = []
    for a, b in zip(src.infolist(), dst.infolist(), strict=True):
        assert (a.compress_type, a.date_time) == (b.compress_type, b.date_time)
        if src.read(a) != dst.read(b):
            changed.append(a.filename)
    # Only parts that held a value changed (tags stripped: a value split over runs counts).
    texts = office.part_texts(data)
    for name in changed:
        assert any(v in texts[name][0] or v in texts[name][1] for v in values), name


def test_headers_are_located_by_kind() -> None:
    data, phones = office.docx_headers_footers()
    stories = {p: s.location.get("story") for s in load(data).segments() for p in phones if p in s.text}
    assert [stories[p] for p in phones] == ["header default", "header first", "header even", "footer default"]


def test_split_runs_keep_their_formatting() -> None:
    data, (rid,) = office.docx_split_runs()
    masked = mask(data, [rid])
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(masked)).read("word/document.xml"))
    w = office.W
    runs = root.findall(f".//{{{w}}}r")
    texts = [r.findtext(f"{{{w}}}t") for r in runs]
    bold = [r.find(f"{{{w}}}rPr/{{{w}}}b") is not None for r in runs]
    # Each run masked in place: lengths kept, the bold middle run still bold.
    assert texts == ["申请人身份证号码：", "*" * 5, "*" * 7, "*" * 6]
    assert bold == [False, False, True, False]


def test_split_value_is_one_segment() -> None:
    data, (rid,) = office.docx_split_runs()
    seg = next(s for s in load(data).segments() if rid in s.text)
    assert seg.location == {"part": "word/document.xml", "paragraph": 1}


def test_deleted_text_is_separate_from_visible_text() -> None:
    data, (old, new) = office.docx_tracked_changes()
    segs = list(load(data).segments())
    deleted = [s for s in segs if s.location.get("stream") == "deleted"]
    assert [s.text for s in deleted] == [old]
    visible = next(s for s in segs if new in s.text)
    assert old not in visible.text  # never glued into one 36-digit number


def test_text_box_both_copies_are_segments() -> None:
    data, (phone,) = office.docx_text_box()
    hits = [s for s in load(data).segments() if phone in s.text]
    assert len(hits) == 2  # mc:Choice (DrawingML) and mc:Fallback (VML)


def test_table_cells_carry_column_hints() -> None:
    data, (_good, bad, phone) = office.docx_table()
    segs = {s.text: s for s in load(data).segments()}
    assert segs[bad].hint_entity == "CN_RESIDENT_ID"
    assert segs[bad].hint_reason == "column header 身份证号码"
    assert segs[bad].location["table"] == 1 and segs[bad].location["row"] == 3
    assert segs[bad].location["column"] == 3
    assert segs[phone].hint_entity == "CN_MOBILE"
    assert segs["张三"].hint_entity == "PERSON"
    assert segs["无"].hint_entity is None  # 无 is not a value
    assert segs["身份证号码"].hint_entity is None  # the header itself


def test_form_table_label_hints_the_cell_to_its_right() -> None:
    rid = office.pii.resident_id_bad_checksum(office.RNG)

    def cell(t: str) -> str:
        return f"<w:tc>{office.para(office.run(t))}</w:tc>"

    d = office.Docx()
    d.body.append(
        f"<w:tbl><w:tr>{cell('申请人')}{cell('王小明')}</w:tr><w:tr>{cell('身份证号')}{cell(rid)}</w:tr></w:tbl>"
    )
    segs = {s.text: s for s in load(d.to_bytes()).segments()}
    assert segs[rid].hint_entity == "CN_RESIDENT_ID"
    assert segs["王小明"].hint_entity == "PERSON"


def test_custom_property_named_like_a_header_is_hinted() -> None:
    data, (_phone, rid, _mail) = office.docx_properties()
    seg = next(s for s in load(data).segments() if s.text == rid)
    assert seg.hint_entity == "CN_RESIDENT_ID"


def test_hyperlink_targets_are_rewritten_in_relationships() -> None:
    data, values = office.docx_hyperlinks()
    masked = mask(data, values)
    rels = zipfile.ZipFile(io.BytesIO(masked)).read("word/_rels/document.xml.rels").decode()
    assert "tel:***********" in rels and "mailto:" in rels


def test_open_document_from_path(tmp_path: Path) -> None:
    data, values = office.docx_notes()
    path = tmp_path / "材料.docx"
    path.write_bytes(data)
    doc = open_document(path, CTX)
    assert {v for v in values if any(v in s.text for s in doc.segments())} == set(values)
    assert doc.output_suffix is None


def test_embedded_workbook_is_scanned_and_masked() -> None:
    inner, values = office.xlsx_roster(3)
    d = office.Docx()
    d.body.append(office.para(office.run("附件")))
    d.parts["word/embeddings/Microsoft_Excel_Worksheet.xlsx"] = inner
    d.defaults["xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    data = d.to_bytes()
    segs = list(load(data).segments())
    hits = [s for s in segs if s.text in values]
    assert {s.text for s in hits} == set(values)
    assert all(s.location["embedded"] == "word/embeddings/Microsoft_Excel_Worksheet.xlsx" for s in hits)
    assert any(s.hint_entity == "CN_RESIDENT_ID" for s in hits)
    masked = mask(data, values)
    assert office.leaks(masked, values) == []
    inner_masked = zipfile.ZipFile(io.BytesIO(masked)).read("word/embeddings/Microsoft_Excel_Worksheet.xlsx")
    import openpyxl

    openpyxl.load_workbook(io.BytesIO(inner_masked))


def test_nested_table_cells_are_located_in_the_inner_table() -> None:
    rid = office.pii.resident_id_bad_checksum(office.RNG)

    def cell(inner: str) -> str:
        return f"<w:tc>{inner}</w:tc>"

    inner = f"<w:tbl><w:tr>{cell(office.para(office.run('身份证号码')))}</w:tr>"
    inner += f"<w:tr>{cell(office.para(office.run(rid)))}</w:tr></w:tbl>"
    outer = f"<w:tbl><w:tr>{cell(office.para(office.run('附表')) + inner + office.para(office.run('')))}</w:tr></w:tbl>"
    d = office.Docx()
    d.body.append(outer)
    segs = [s for s in load(d.to_bytes()).segments() if s.text == rid]
    assert len(segs) == 1  # read once, not again as part of the outer cell
    assert segs[0].location["table"] == 2 and segs[0].location["row"] == 2
    assert segs[0].hint_entity == "CN_RESIDENT_ID"


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_any_split_of_a_value_is_found_and_masked(data: st.DataObject) -> None:
    """Wherever Word cuts a number into runs, and with tracked changes around it, the value is
    one segment and the masked copy keeps none of its digits in a row."""
    rid = data.draw(st.sampled_from(office.ids(5)))
    cuts = sorted(data.draw(st.sets(st.integers(1, len(rid) - 1), max_size=5)))
    bounds = [0, *cuts, len(rid)]
    runs = [office.run(rid[a:b], bold=data.draw(st.booleans())) for a, b in itertools.pairwise(bounds)]
    if data.draw(st.booleans()):  # the middle run was inserted with track changes on
        mid = len(runs) // 2
        runs[mid] = f'<w:ins w:id="9" w:author="x">{runs[mid]}</w:ins>'
    d = office.Docx()
    d.body.append(office.para(office.run("身份证号："), *runs))
    source = d.to_bytes()
    texts = [s.text for s in load(source).segments() if s.location.get("attribute") != "author"]
    assert texts == ["身份证号：" + rid]
    masked = mask(source, [rid])
    assert office.leaks(masked, [rid]) == []
    assert "身份证号：" + "*" * 18 in office.part_texts(masked)["word/document.xml"][1]


@pytest.mark.parametrize(
    ("rows", "names"),
    [
        # a roster whose header row ends in a column title (序号 | 姓名 | 备注): not a form whose
        # 姓名 label has the value 备注 (seen checking #19's name shapes in a .docx)
        ([["序号", "姓名", "备注"], ["1", "张三丰", "无"], ["2", "欧阳娜", ""]], ["张三丰", "欧阳娜"]),
        ([["姓名", "补贴金额", "签名"], ["韦伟凤", "300", ""]], ["韦伟凤"]),
        # a form: label and value alternate
        ([["姓名", "谭辉佳", "性别", "男"], ["身份证号", "440106199001011234", "备注", "无"]], ["谭辉佳"]),
    ],
)
def test_a_header_row_of_titles_is_a_roster_not_a_form(
    tmp_path: Path, rows: list[list[str]], names: list[str]
) -> None:
    import deident

    d = docx.Document()
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    path = tmp_path / "名单.docx"
    d.save(str(path))
    found = [f.text for f in deident.scan_file(path).findings if f.entity_type == "PERSON"]
    assert found == names
