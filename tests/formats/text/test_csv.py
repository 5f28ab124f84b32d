"""CSV/TSV (formats/text.py + formats/tabular.py): cells with offsets, header hints, masking
that edits only a cell's characters. The csv module is the independent reader."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deident.errors import BlockedError, MaskError
from deident.formats.base import FormatContext, Replacement
from deident.formats.common import encoding as encoding_mod
from deident.formats.common.tabular import md_cells, parse_csv
from deident.formats.text import document as text_mod
from tests.factories.documents import render

CTX = FormatContext()
ID = "440881199001011233"
ID2 = "11010519491231002X"
MOBILE = "13812345678"


def _doc(tmp_path: Path, data: bytes, name: str = "a.csv"):
    p = tmp_path / name
    p.write_bytes(data)
    return text_mod.open_document(p, CTX)


def _rows(data: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data, newline=""), delimiter=delimiter))


@pytest.mark.parametrize(
    ("source", "cells"),
    [
        ("a,b,c\r\n", [["a", "b", "c"]]),
        ('"a,1","b""q",c\n', [["a,1", 'b"q', "c"]]),
        ('x,"多行\r\n文本",y\nz\n', [["x", "多行\r\n文本", "y"], ["z"]]),
        ("a,,c,\n", [["a", "", "c", ""]]),
        ('a,"unterminated\nb,c', [["a", "unterminated\nb,c"]]),  # runs to the end, like csv
        ('"ab"cd,e\n', [["abcd", "e"]]),  # text after a closing quote joins the cell, like csv
        ("a,b", [["a", "b"]]),  # no final newline
        ("a\rb\r", [["a"], ["b"]]),
    ],
)
def test_parse_csv_agrees_with_the_csv_module(source: str, cells: list[list[str]]) -> None:
    records, stop = parse_csv(source, ",", final=True)
    assert stop == len(source)
    assert [[c.text for c in r.cells] for r in records] == cells
    assert [[c.text for c in r.cells] for r in records] == _rows(source)
    for r in records:  # every character maps back to the same character in the source
        for c in r.cells:
            for i, ch in enumerate(c.text):
                (s, e), *_ = c.smap.spans(i, i + 1)
                assert source[s:e] in (ch, '""')


def test_parse_csv_stops_before_an_incomplete_record() -> None:
    records, stop = parse_csv('a,b\nc,"open', ",", final=False)
    assert [[c.text for c in r.cells] for r in records] == [["a", "b"]]
    assert stop == 4
    records, stop = parse_csv('a,"x"', ",", final=False)  # the next byte may be a second quote
    assert records == [] and stop == 0


def test_header_hints_and_locations(tmp_path: Path) -> None:
    source = f"序号,姓名,公民身份号码,联系电话,家庭住址\r\n1,张三,{ID},{MOBILE},广州市天河区体育西路100号\r\n2,李四,,无,\r\n"
    doc = _doc(tmp_path, source.encode("gbk"))
    segs = {(s.location["row"], s.location["column"]): s for s in doc.segments()}
    assert segs[(1, 2)].hint_entity is None  # the header itself
    assert segs[(2, 2)].hint_entity == "PERSON"
    assert segs[(2, 3)].hint_entity == "CN_RESIDENT_ID"
    assert segs[(2, 3)].hint_reason == "column header 公民身份号码"
    assert segs[(2, 4)].hint_entity == "CN_MOBILE"
    assert segs[(2, 5)].hint_entity == "CN_ADDRESS"
    assert segs[(2, 1)].hint_entity is None  # 序号
    assert dict(segs[(3, 2)].location) == {"row": 3, "column": 2, "header": "姓名", "line": 3}
    assert (3, 3) not in segs  # a blank cell has no segment


def test_header_is_in_locations_only_when_it_is_a_label(tmp_path: Path) -> None:
    # A CSV without a header row: its first record is data, and must not be copied into the
    # location of every cell below it.
    doc = _doc(tmp_path, f"张三,{ID}\r\n李四,{ID2}\r\n".encode(), "nohead.csv")
    for seg in doc.segments():
        assert "header" not in seg.location
        assert seg.hint_entity is None


def test_a_title_row_above_the_header_is_skipped(tmp_path: Path) -> None:
    doc = _doc(tmp_path, f"2023年城乡低保对象名单,,\r\n姓名,身份证号码,备注\r\n张三,{ID},\r\n".encode("gbk"))
    segs = {s.text: s for s in doc.segments()}
    assert segs["张三"].hint_entity == "PERSON"
    assert segs[ID].hint_entity == "CN_RESIDENT_ID"
    assert segs[ID].location == {"row": 3, "column": 2, "header": "身份证号码", "line": 3}
    assert segs["姓名"].hint_entity is None and segs["2023年城乡低保对象名单"].hint_entity is None


def test_masking_edits_only_the_cell_characters(tmp_path: Path) -> None:
    source = f'姓名,身份证号,备注\r\n"张三","{ID}","电话 ""{MOBILE}"", 白天"\r\n李四,{ID},\r\n'
    doc = _doc(tmp_path, b"\xef\xbb\xbf" + source.encode())
    segs = {(s.location["row"], s.location["column"]): s for s in doc.segments()}
    note = segs[(2, 3)]
    assert note.text == f'电话 "{MOBILE}", 白天'
    i = note.text.index(MOBILE)
    reps = {
        segs[(2, 2)].id: [Replacement(6, 14, "********", "CN_RESIDENT_ID")],
        segs[(3, 2)].id: [Replacement(6, 14, "********", "CN_RESIDENT_ID")],
        note.id: [Replacement(i - 1, i + 11, '"138****5678', "CN_MOBILE")],  # a quote in the replacement
        segs[(2, 1)].id: [Replacement(1, 2, "*", "PERSON")],
    }
    out = render(doc, reps)
    assert out.startswith(b"\xef\xbb\xbf")
    rows = _rows(out[3:].decode())
    assert rows == [
        ["姓名", "身份证号", "备注"],
        ["张*", "440881********1233", '电话 "138****5678", 白天'],
        ["李四", "440881********1233", ""],
    ]
    # Quotes, doubled quotes and CRLF are as they were.
    assert out[3:].decode() == source.replace(ID, "440881********1233").replace(
        MOBILE, "138****5678"
    ).replace('"张三"', '"张*"')


def test_replacement_that_would_break_an_unquoted_cell_is_refused(tmp_path: Path) -> None:
    doc = _doc(tmp_path, b"a,b\nc,d\n")
    with pytest.raises(MaskError):
        render(doc, {2: [Replacement(0, 1, "x,y", "X")]})


def test_tsv_and_sniffed_semicolon(tmp_path: Path) -> None:
    tsv = _doc(tmp_path, f"姓名\t手机号码\n张三\t{MOBILE}\n".encode(), "a.tsv")
    cells = [(s.text, s.hint_entity) for s in tsv.segments()]
    assert cells == [("姓名", None), ("手机号码", None), ("张三", "PERSON"), (MOBILE, "CN_MOBILE")]
    semi = _doc(tmp_path, f"姓名;手机号码\n张三;{MOBILE}\n".encode(), "b.csv")
    assert [s.text for s in semi.segments()] == ["姓名", "手机号码", "张三", MOBILE]


def test_md_cells_spans() -> None:
    line = "| 姓名 | 电话\\|分机 |  |"
    spans = md_cells(line)
    assert [line[a:b] for a, b in spans] == ["姓名", "电话\\|分机", ""]
    assert md_cells("no pipes here") is None


CELL = st.text(
    alphabet=st.sampled_from(list('张三李四,"\r\n 0123456789abc')), max_size=12
)  # no ';': it would be sniffed


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=1, max_size=12),
    chunk=st.integers(4, 80),
    codec=st.sampled_from(["utf-8", "gb18030", "utf-16"]),
)
def test_property_cells_match_csv_module_in_any_chunking(tmp_path, monkeypatch, rows, chunk, codec) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    source = buf.getvalue()
    if source.startswith("\r\n"):  # csv writes an empty first row that way; not our case
        return
    data = source.encode(codec)
    path = tmp_path / "p.csv"
    path.write_bytes(data)
    expected = _rows(source)
    with monkeypatch.context() as m:
        m.setattr(text_mod, "CHUNK_CHARS", chunk)
        m.setattr(encoding_mod, "READ_BYTES", 7)
        doc = text_mod.open_document(path, CTX)
        segs = list(doc.segments())
        got = {(s.location["row"], s.location["column"]): s.text for s in segs}
        want = {(r + 1, c + 1): v for r, row in enumerate(expected) for c, v in enumerate(row) if v.strip()}
        assert got == want
        assert render(doc, {}) == data
        # Mask every character of every cell: the csv module then reads '*' of the same lengths.
        reps = {s.id: [Replacement(0, len(s.text), "*" * len(s.text), "X")] for s in segs}
        masked = _rows(render(doc, reps).decode(codec))
    assert masked == [["*" * len(v) if v.strip() else v for v in row] for row in expected]


def test_a_record_longer_than_the_limit_is_blocked(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(text_mod, "CHUNK_CHARS", 16)
    monkeypatch.setattr(text_mod, "MAX_RECORD_CHARS", 64)
    monkeypatch.setattr(encoding_mod, "READ_BYTES", 8)
    doc = _doc(tmp_path, ('a,"' + "x" * 200 + '"\n').encode())
    with pytest.raises(BlockedError) as err:
        list(doc.segments())
    assert err.value.reason == "too large"
