"""Glyph removal units: which characters change for a replacement, the spacing that keeps a
line in place, and the refusal to cut when content stream and text layer disagree."""

from __future__ import annotations

import io

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deident.errors import MaskError
from deident.formats.base import Replacement
from deident.formats.pdf.document import apply_text, char_edits
from deident.formats.pdf.redact import GlyphSite, Redactor, _displacement, check_alignment, redact_pages
from tests.factories import pdf as f


def _r(start: int, end: int, text: str) -> Replacement:
    return Replacement(start, end, text, "X")


def test_same_length_replacement_changes_only_differing_characters():
    text = "ID 440881199001011233."
    edits = char_edits(text, [_r(3, 21, "440881********1233")])
    assert sorted(edits) == list(range(9, 17))
    assert set(edits.values()) == {"*"}


def test_non_ascii_replacement_is_drawn_as_star_and_deletion_as_nothing():
    assert char_edits("张三丰", [_r(0, 3, "张某")]) == {1: "*", 2: "*"}
    assert char_edits("电话13812345678", [_r(2, 13, "")]) == dict.fromkeys(range(2, 13), "")
    assert char_edits("王小明", [_r(0, 3, "王某某")]) == {1: "*", 2: "*"}


def test_shorter_ascii_token_is_drawn_then_blank():
    assert char_edits("13812345678", [_r(0, 11, "[TEL]")]) == {
        0: "[",
        1: "T",
        2: "E",
        3: "L",
        4: "]",
        **dict.fromkeys(range(5, 11), ""),
    }


@given(st.text(min_size=1, max_size=30), st.data())
@settings(max_examples=200, deadline=None)
def test_edits_are_exactly_the_changed_characters(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    new = data.draw(st.text(min_size=end - start, max_size=end - start))
    edits = char_edits(text, [_r(start, end, new)])
    assert set(edits) == {start + k for k in range(end - start) if text[start + k] != new[k]}
    assert all(len(v) == 1 and "!" <= v <= "~" for v in edits.values())
    assert apply_text(text, [_r(start, end, new)]) == text[:start] + new + text[end:]


def _site(**kw) -> GlyphSite:
    base = dict(
        stream=0, op=0, item=0, start=0, end=1, cid=65, unicode="A", font_name="/F1", size=12.0,
        tc=0.0, tw=0.0, tz=100.0, multibyte=False, vertical=False,
    )  # fmt: skip
    base.update(kw)
    return GlyphSite(**base)


def test_displacement_includes_char_and_word_spacing_and_scaling():
    # A 500-unit glyph at 12 pt advances 6 pt: 500 thousandths.
    assert _displacement(_site(), 6.0) == pytest.approx(500)
    # Tc 1.2 pt at 12 pt is another 100 thousandths.
    assert _displacement(_site(tc=1.2), 6.0) == pytest.approx(600)
    # Tw applies to a single-byte space only.
    assert _displacement(_site(cid=32, tw=2.4), 3.336) == pytest.approx(278 + 200)
    assert _displacement(_site(cid=32, tw=2.4, multibyte=True), 3.336) == pytest.approx(278)
    # Horizontal scaling 50 %: pdfminer's advance halves, the TJ unit too.
    assert _displacement(_site(tz=50.0), 3.0) == pytest.approx(500)


def test_alignment_is_checked_by_count_and_unicode():
    sites = [_site(unicode="A"), _site(unicode=None), _site(unicode="C")]
    check_alignment(sites, ["A", "anything", "C"], 1)
    with pytest.raises(MaskError):
        check_alignment(sites, ["A", "B"], 1)
    with pytest.raises(MaskError):
        check_alignment(sites, ["A", "B", "D"], 1)


def test_redaction_refuses_when_text_layer_disagrees():
    data = f.identity_h_pdf(["王小明13812345678"])
    with pikepdf.open(io.BytesIO(data)) as pdf, pytest.raises(MaskError):
        redact_pages(pdf, {0: {3: "*"}}, {0: list("王小明1381234567X")}, {0: [12.0] * 14})


def test_walker_decodes_identity_h_two_bytes_per_glyph_and_form_xobjects():
    data = f.identity_h_pdf(["王小明"], xobject_lines=["李四"])
    with pikepdf.open(io.BytesIO(data)) as pdf:
        sites = Redactor(pdf).page_glyphs(0)
    assert [s.unicode for s in sites] == list("王小明李四")
    assert all(s.end - s.start == 2 and s.multibyte for s in sites)
    assert sites[0].stream != sites[3].stream  # the last two live in the XObject


def test_shared_form_xobject_is_masked_once_for_every_page(tmp_path):
    data = f.identity_h_pdf(["正文"], xobject_lines=["页脚联系人13812345678"])
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.pages.append(pdf.pages[0])  # a second page drawing the same XObject
        both = tmp_path / "two.pdf"
        pdf.save(both)
    from deident.config import ScanConfig
    from deident.masking.policy import Policy
    from deident.pipeline import mask_path

    out = tmp_path / "out.pdf"
    assert mask_path(both, out, ScanConfig(ocr=False), Policy.load("gov")).ok
    if f.have_poppler():
        assert f.leaked(out, ["13812345678"]) == []
    assert len(f.page_boxes(out)) == 2
