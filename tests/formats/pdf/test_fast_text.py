"""The fast reader's blank text objects (LibreOffice writes an ideographic space, or a space in a
font of its own, as a text object PDFium leaves out of its text): put back as a space that never
overlaps the glyph after it, one em wide at a line's end."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from deident.formats.pdf.fast_text import _put_back_blanks
from deident.formats.pdf.text import Glyph, PageText, build_blocks

SIZE = 10.0


def _glyphs(text: str, x: float, base: float, adv: float) -> list[Glyph]:
    out = []
    for ch in text:
        out.append(Glyph(ch, x, base - 2, x + adv, base + SIZE - 2, x, base, x + adv, base, SIZE, adv))
        x += adv
    return out


@settings(max_examples=60, deadline=None)
@given(gap=st.floats(min_value=0.0, max_value=SIZE), digits=st.text("0123456789", min_size=3, max_size=11))
def test_a_blank_inside_a_line_fills_the_gap_and_keeps_the_line_one(gap: float, digits: str) -> None:
    page = PageText(1, 612, 792, [], [], [])
    head = _glyphs("手机号码为", 72, 700, SIZE)
    end = head[-1].ex
    page.glyphs = [*head, *_glyphs(digits, end + gap, 700, 6.0)]
    _put_back_blanks(page, [(end, 700.0, SIZE)])
    blanks = [g for g in page.glyphs if g.text == " "]
    assert all(b.ex <= end + gap + 1e-6 for b in blanks)  # never over the next glyph
    assert [b.text.replace(" ", "") for b in build_blocks(page)] == ["手机号码为" + digits]


def test_a_blank_at_a_line_end_is_one_em_and_makes_the_line_reach_the_margin() -> None:
    """公民身份号码为360102　20150306　/ 0234: with the trailing ideographic space the first line
    reaches the margin set by a full line above, so the wrapped line joins it."""
    page = PageText(1, 612, 792, [], [], [])
    full = _glyphs("本" * 40, 72, 720, SIZE)
    # 34.5 em: "0234，" (5 em) fits before the margin (40 em), not after a space of one em.
    first = [*_glyphs("公" * 30, 72, 706, SIZE), *_glyphs("123456789", 372, 706, SIZE / 2)]
    page.glyphs = [*full, *first, *_glyphs("0234，住址不详。", 72, 692, SIZE)]
    assert not any("0234" in b.text and "公" in b.text for b in build_blocks(page))
    _put_back_blanks(page, [(first[-1].ex, 706.0, SIZE)])
    assert any(b.text.replace(" ", "").endswith("1234567890234，住址不详。") for b in build_blocks(page))
