"""Rebuilding text from positioned glyphs: wrapped table cells, borderless digit columns,
wrapped paragraphs. Pages are synthetic `PageText`s so every geometry is exact."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deident.formats.pdf.text import Glyph, PageText, build_blocks

SIZE = 10.0
ADV = 6.0  # a digit's advance at 10 pt


def _line(page: PageText, text: str, x: float, base: float, adv: float = ADV) -> None:
    for ch in text:
        page.glyphs.append(
            Glyph(ch, x, base - 2, x + adv, base + SIZE - 2, x, base, x + adv, base, SIZE, adv)
        )
        x += adv


def _page(vrules=(), hrules=()) -> PageText:
    return PageText(1, 612, 792, [], list(hrules), list(vrules))


def _texts(page: PageText) -> list[str]:
    return [b.text for b in build_blocks(page)]


def _ruled_table(cols: list[tuple[float, float]], top: float, bottom: float) -> PageText:
    vr = sorted({x for c in cols for x in c})
    return _page(
        vrules=[(bottom, top, x) for x in vr], hrules=[(vr[0], vr[-1], top), (vr[0], vr[-1], bottom)]
    )


@given(
    value=st.text(alphabet="0123456789", min_size=8, max_size=19),
    per_line=st.integers(min_value=3, max_value=7),
    neighbour=st.text(alphabet="0123456789", min_size=11, max_size=11),
)
@settings(max_examples=60, deadline=None)
def test_value_wrapped_inside_a_ruled_cell_comes_out_whole(value, per_line, neighbour):
    left, right = 100.0, 100.0 + per_line * ADV + 4
    page = _ruled_table([(left, right), (right, right + 100)], top=700, bottom=600)
    chunks = [value[i : i + per_line] for i in range(0, len(value), per_line)]
    for i, chunk in enumerate(chunks):
        _line(page, chunk, left + 2, 688 - i * 12)
        if i == 0:  # the next cell of the row, drawn between the wrapped lines (stream order)
            _line(page, neighbour, right + 2, 688)
    texts = _texts(page)
    assert value in texts
    assert neighbour in texts


def test_rows_separated_by_a_ruling_are_not_joined():
    page = _page(
        vrules=[(500, 720, 100), (500, 720, 170)], hrules=[(100, 170, 700), (100, 170, 672), (100, 170, 650)]
    )
    _line(page, "13812345678", 102, 690)
    _line(page, "13912345678", 102, 678 - 16)
    assert _texts(page) == ["13812345678", "13912345678"]


def test_borderless_column_joins_a_wrapped_id_but_not_two_phones():
    page = _page()
    _line(page, "440881199001", 100, 700)
    _line(page, "011233", 100, 688)
    _line(page, "13812345678", 300, 700)
    _line(page, "13912345678", 300, 688)
    texts = _texts(page)
    assert "440881199001011233" in texts
    assert "13812345678" in texts and "13912345678" in texts


def test_paragraph_reaching_the_margin_continues_on_the_next_line():
    page = _page()
    _line(page, "申请人张三联系电话138", 72, 700, adv=SIZE)
    _line(page, "12345678，现予公", 72, 686, adv=SIZE)
    _line(page, "示。", 72, 672, adv=SIZE)  # the lines above reached the margin; this one did not
    _line(page, "下一段。", 72, 658, adv=SIZE)
    texts = _texts(page)
    assert texts == ["申请人张三联系电话13812345678，现予公示。", "下一段。"]


def test_gap_inside_a_line_becomes_a_space_and_a_far_gap_a_new_block():
    page = _page()
    _line(page, "ID", 72, 700)
    _line(page, "440881199001011233", 72 + 2 * ADV + 4, 700)
    _line(page, "other column", 400, 700)
    blocks = build_blocks(page)
    assert [b.text for b in blocks] == ["ID 440881199001011233", "other column"]
    b = blocks[0]
    assert b.glyph_of[2] is None and b.glyph_of[3] == 2
    assert len(b.glyph_of) == len(b.text)


def test_header_hint_applies_to_cells_below_and_carries_to_the_next_page():
    page = _ruled_table([(100, 220), (220, 340)], top=720, bottom=600)
    page.hrules.append((100, 340, 700))
    _line(page, "身份证号码", 102, 708, adv=SIZE)
    _line(page, "姓名", 222, 708, adv=SIZE)
    _line(page, "44088119900101123", 102, 688)  # mistyped: 17 digits, still someone's ID
    _line(page, "王五", 222, 688, adv=SIZE)
    headers: dict = {}
    blocks = {b.text: b for b in build_blocks(page, headers)}
    assert blocks["44088119900101123"].hint_entity == "CN_RESIDENT_ID"
    assert blocks["44088119900101123"].hint_reason == "column header 身份证号码"
    assert blocks["王五"].hint_entity == "PERSON"
    assert blocks["身份证号码"].hint_entity is None
    nxt = _ruled_table([(100, 220), (220, 340)], top=720, bottom=600)
    _line(nxt, "110105194912310029", 102, 708)
    assert {b.text: b for b in build_blocks(nxt, headers)}[
        "110105194912310029"
    ].hint_entity == "CN_RESIDENT_ID"


@pytest.mark.parametrize("angle", [90, 180])
def test_rotated_text_runs_are_kept_together(angle):
    page = _page()
    x, y = 300.0, 300.0
    for ch in "13812345678":
        if angle == 90:
            page.glyphs.append(Glyph(ch, x - SIZE, y, x, y + ADV, x, y, x, y + ADV, SIZE, ADV))
            y += ADV
        else:
            page.glyphs.append(Glyph(ch, x - ADV, y - SIZE, x, y, x, y, x - ADV, y, SIZE, ADV))
            x -= ADV
    assert _texts(page) == ["13812345678"]


def test_glyph_painted_out_of_order_is_put_back_in_its_line():
    # LibreOffice paints a fallback-font glyph (the ‧ of a minority name) after the rest of
    # the line; the ID after the colon continues the same line.
    page = _page()
    _line(page, "巴特尔", 72, 700, adv=SIZE)
    _line(page, "古丽娜尔，身份证号：", 72 + 3 * SIZE + 3, 700, adv=SIZE)
    _line(page, "‧", 72 + 3 * SIZE, 700, adv=3)
    _line(page, "440881199001011233", 72 + 13 * SIZE + 3, 700)
    assert _texts(page) == ["巴特尔‧古丽娜尔，身份证号：440881199001011233"]
