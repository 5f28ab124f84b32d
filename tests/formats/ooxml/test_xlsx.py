"""XLSX: every hidden place is read, and the masked copy keeps no personal value anywhere.

Replacements are computed from the known values (not by the engine), so these tests check the
format layer alone; tests/formats/test_office_pipeline.py runs the whole pipeline.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from deident.formats.base import FormatContext, Replacement
from deident.formats.ooxml.open import open_document, open_package
from deident.formats.ooxml.package import Package
from deident.formats.ooxml.xlsx import XlsxDocument
from deident.formats.ooxml.xlsx_cells import number_hint, render_number
from tests.factories import documents, office

CTX = FormatContext()
X = office.X


def load(data: bytes) -> XlsxDocument:
    return open_package(Package(data, CTX.limits), "t.xlsx", CTX)


def mask(data: bytes, values: list[str], *, same_length: bool = True) -> bytes:
    doc = load(data)
    return documents.render(doc, documents.replacements_for(doc.segments(), values, same_length=same_length))


def part(data: bytes, name: str) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(name))


@pytest.mark.parametrize("case", sorted(office.XLSX_CASES))
def test_every_value_is_read(case: str) -> None:
    data, values = office.XLSX_CASES[case]()
    texts = [s.text for s in load(data).segments()]
    for value in values:
        assert any(value in t for t in texts), f"{case}: a personal value was not read"


@pytest.mark.parametrize("same_length", [True, False], ids=["stars", "shorter"])
@pytest.mark.parametrize("case", sorted(office.XLSX_CASES))
def test_masked_copy_keeps_no_value_and_opens(case: str, same_length: bool) -> None:
    data, values = office.XLSX_CASES[case]()
    masked = mask(data, values, same_length=same_length)
    assert office.leaks(masked, values) == []
    openpyxl.load_workbook(io.BytesIO(masked))  # openpyxl opens it
    assert not [s for s in load(masked).segments() if any(v in s.text for v in values)]


@pytest.mark.parametrize("case", sorted(office.XLSX_CASES))
def test_unchanged_parts_are_identical(case: str) -> None:
    data, values = office.XLSX_CASES[case]()
    masked = mask(data, values)
    src, dst = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(masked))
    assert [i.filename for i in src.infolist()] == [i.filename for i in dst.infolist()]
    for a, b in zip(src.infolist(), dst.infolist(), strict=True):
        assert (a.compress_type, a.date_time) == (b.compress_type, b.date_time)
        if src.read(a) != dst.read(b):
            # A pivot definition also changes to refresh on open when its records changed.
            raw, stripped = office.part_texts(data)[a.filename]
            held = any(v in raw or v in stripped for v in values)
            # A cell that shared its string with other cells becomes an inline string.
            rewritten_cell = case == "shared_conflicting_hints" and a.filename.startswith("xl/worksheets/")
            assert held or rewritten_cell or "pivotCacheDefinition" in a.filename, a.filename


def test_hidden_sheets_are_located_with_their_state() -> None:
    data, (a, b, _c) = office.xlsx_hidden_sheets()
    doc = load(data)
    segs = {s.text: s for s in doc.segments()}
    assert segs[a].location["sheet"] == "底稿" and segs[a].location["state"] == "hidden"
    assert segs[a].location["cell"] == "A2"
    assert segs[b].location == {"sheet": "原始", "state": "veryHidden", "cell": "A2"}
    assert any("hidden sheet" in n for n in doc.notes)


def test_phone_typed_as_number_and_id_stored_as_double() -> None:
    data, (phone, rounded) = office.xlsx_numbers()
    segs = [s for s in load(data).segments() if s.location.get("number")]
    by_cell = {s.location["cell"]: s for s in segs}
    assert by_cell["A2"].text == phone
    assert by_cell["B2"].text == rounded and len(rounded) == 18
    raw = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert rounded not in raw  # stored as 4.2…E+17: only rendering finds it
    assert by_cell["B2"].hint_entity == "CN_RESIDENT_ID"
    assert by_cell["B2"].hint_reason == "18-digit number stored as a number: digits lost"


def test_masked_number_becomes_a_string_cell() -> None:
    data, values = office.xlsx_numbers()
    masked = mask(data, values)
    ws = openpyxl.load_workbook(io.BytesIO(masked))["名单"]
    assert ws["A2"].data_type == "s" and ws["A2"].value == "*" * 11
    assert ws["B2"].data_type == "s" and ws["B2"].value == "*" * 18
    sheet = part(masked, "xl/worksheets/sheet1.xml")
    assert sheet.find(f".//{{{X}}}c[@r='A2']").get("t") == "inlineStr"
    # The stored double is gone, not just its rendering.
    assert "E+17" not in etree.tostring(sheet).decode()


def test_shared_string_used_under_a_header_is_hinted_everywhere() -> None:
    data, (bad,) = office.xlsx_shared_mixed()
    (seg,) = [s for s in load(data).segments() if s.text == bad]
    assert seg.hint_entity == "CN_RESIDENT_ID"
    assert seg.location == {
        "sheet": "名单",
        "cell": "B2",
        "part": "xl/sharedStrings.xml",
        "index": 2,
        "uses": 2,
    }
    doc = load(data)
    out = io.BytesIO()
    doc.write_masked({seg.id: [Replacement(0, 18, "*" * 18, "CN_RESIDENT_ID")]}, out)
    wb = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert wb["名单"]["B2"].value == wb["备注"]["A2"].value == "*" * 18


def test_shared_string_under_two_entities_splits_the_other_cell() -> None:
    data, (value,) = office.xlsx_shared_conflict()
    segs = [s for s in load(data).segments() if s.text == value]
    assert [(s.hint_entity, s.location.get("part")) for s in segs] == [
        ("CN_RESIDENT_ID", "xl/sharedStrings.xml"),
        ("CN_BANK_CARD", None),
    ]
    assert segs[1].location == {"sheet": "名单", "cell": "B2"}
    doc = load(data)
    out = io.BytesIO()
    doc.write_masked({segs[1].id: [Replacement(0, 18, "〔卡号〕", "CN_BANK_CARD")]}, out)
    ws = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["名单"]
    assert ws["B2"].value == "〔卡号〕" and ws["A2"].value == value
    cell = part(out.getvalue(), "xl/worksheets/sheet1.xml").find(f".//{{{X}}}c[@r='B2']")
    assert cell.get("t") == "inlineStr"


def test_rich_shared_string_keeps_its_runs() -> None:
    data, (rid,) = office.xlsx_rich_shared()
    masked = mask(data, [rid])
    sst = part(masked, "xl/sharedStrings.xml")
    runs = [t.text for t in sst.iter(f"{{{X}}}t")]
    assert runs == ["备注", "身份证", "*" * 8, "*" * 10]


def test_roster_columns_are_hinted_and_located() -> None:
    data, values = office.xlsx_roster(5)
    segs = [s for s in load(data).segments() if s.text in values]
    assert len(segs) == len(values)
    for s in segs:
        assert s.hint_entity in ("CN_RESIDENT_ID", "CN_MOBILE")
        assert s.location["sheet"] == "公示名单" and s.location["cell"][0] in "CD"


def test_chart_number_cache_point_is_dropped_when_masked() -> None:
    data, values = office.xlsx_chart()
    masked = mask(data, values)
    chart = part(masked, "xl/charts/chart1.xml")
    c = office.C
    assert chart.find(f".//{{{c}}}numCache/{{{c}}}pt") is None
    assert chart.find(f".//{{{c}}}strCache/{{{c}}}pt/{{{c}}}v").text == "*" * 18


def test_pivot_cache_is_masked_and_refreshes_on_open() -> None:
    data, values = office.xlsx_pivot()
    segs = [s for s in load(data).segments() if "pivotCache" in s.location.get("part", "")]
    assert all(s.hint_entity == "CN_RESIDENT_ID" for s in segs) and len(segs) == 4
    masked = mask(data, values)
    definition = part(masked, "xl/pivotCache/pivotCacheDefinition1.xml")
    assert definition.get("refreshOnLoad") == "1"


def test_comment_location_names_sheet_and_cell() -> None:
    data, (phone, _rid, _mail) = office.xlsx_comments()
    seg = next(s for s in load(data).segments() if phone in s.text)
    assert seg.location == {"sheet": "表", "part": "xl/comments1.xml", "comment": "A1"}


def test_sheet_name_is_read_but_not_rewritable() -> None:
    data, _ = office.xlsx_roster(1)
    seg = next(s for s in load(data).segments() if s.location.get("sheet_name"))
    assert seg.text == "公示名单" and seg.maskable is False


def test_open_document_from_path(tmp_path: Path) -> None:
    data, values = office.xlsx_roster(2)
    path = tmp_path / "名单.xlsx"
    path.write_bytes(data)
    doc = open_document(path, CTX)
    assert {v for v in values if any(v == s.text for s in doc.segments())} == set(values)


@pytest.mark.parametrize(
    ("value", "digits"),
    [
        ("13800138000", "13800138000"),
        ("1.3800138E10", "13800138000"),
        ("4.4088119900101101E+17", "440881199001011010"),
        ("12.5", None),
        ("abc", None),
    ],
)
def test_render_number(value: str, digits: str | None) -> None:
    assert render_number(value) == digits


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=10**17, max_value=9 * 10**17))
def test_any_18_digit_number_is_a_damaged_id(n: int) -> None:
    digits = render_number(repr(float(n)))
    assert digits is not None and len(digits) == 18
    assert number_hint(digits) == ("CN_RESIDENT_ID", "18-digit number stored as a number: digits lost")
