"""Hypothesis properties of the HTML format: the lexer covers any input, every generated value
is found wherever it is put, and a masked page differs from its source only in the masked
characters, byte for byte, in every encoding."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deident.formats.base import FormatContext, Replacement
from deident.formats.html import document as html_mod
from deident.formats.html.lexer import tokenize

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@st.composite
def mobiles(draw) -> str:
    return "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))


@st.composite
def resident_ids(draw) -> str:
    region = draw(st.sampled_from(["440881", "110105", "310108", "510104"]))
    year = draw(st.integers(1930, 2015))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    seq = draw(st.text("0123456789", min_size=3, max_size=3))
    body = f"{region}{year:04d}{month:02d}{day:02d}{seq}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


FILLER = st.text(
    alphabet=st.sampled_from(list("关于公示名单申请人住址电话，。：；、（）政府信息公开 \n\t")), max_size=15
)
NOISE = st.sampled_from(
    ["", "<p>", "</p>", "<div class='c'>", "</div>", "<br>", "<hr/>", "<li>", "<td>", "<tr>"]
)
PLACES = ("text", "split", "entity", "alt", "data", "title", "comment", "script", "jsonld", "tel", "query")


def _char(ch: str, style: int) -> str:
    return (f"&#{ord(ch)};", f"&#x{ord(ch):x};", ch)[style % 3]


def render(chars: list[str], place: str, styles: list[int], split: int) -> str:
    """One value in one place. `chars` may already be masked ('*'), which is written literally."""
    if place in ("comment", "script", "jsonld"):
        raw = "".join(chars)
        return {
            "comment": f"<!-- 联系 {raw} -->",
            "script": f"<script>var t = '{raw}';</script>",
            "jsonld": f'<script type="application/ld+json">{{"telephone": "{raw}"}}</script>',
        }[place]
    enc = [
        c if c == "*" or place not in ("entity", "alt", "title", "tel") else _char(c, s)
        for c, s in zip(chars, styles, strict=False)
    ]
    if place == "query":
        enc = [c if c == "*" or s % 2 else f"%{ord(c):02X}" for c, s in zip(chars, styles, strict=False)]
    text = "".join(enc)
    return {
        "text": f"<p>电话：{text}</p>",
        "split": f'<p>号码{"".join(enc[:split])}<span class="n">{"".join(enc[split:])}</span></p>',
        "entity": f"<p>{text}</p>",
        "alt": f'<img src="x.png" alt="证件 {text}">',
        "data": f"<div data-value='{text}'></div>",
        "title": f"<a title={text} href='#'>链接</a>",
        "comment": "",
        "tel": f'<a href="tel:{text}">拨打</a>',
        "query": f'<a href="/s?q={text}&amp;x=1">查</a>',
    }[place]


@st.composite
def pages(draw):
    items = []
    for _ in range(draw(st.integers(1, 5))):
        value = draw(st.one_of(mobiles(), resident_ids()))
        if any(value in other or other in value for other, *_ in items):
            continue
        place = draw(st.sampled_from(PLACES))
        styles = draw(st.lists(st.integers(0, 5), min_size=len(value), max_size=len(value)))
        split = draw(st.integers(1, len(value) - 1))
        items.append((value, place, styles, split, draw(FILLER), draw(NOISE)))
    return items


def _page(items, masked: bool) -> str:
    parts = ["<html><body>"]
    for value, place, styles, split, filler, noise in items:
        chars = list(value)
        if masked:
            lo, hi = (3, 7) if len(value) == 11 else (6, 14)
            chars[lo:hi] = "*" * (hi - lo)
        parts += [noise, filler, render(chars, place, styles, split), filler]
    parts.append("</body></html>")
    return "".join(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=pages(), codec=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_property_masked_page_differs_only_in_masked_characters(tmp_path: Path, items, codec: str) -> None:
    source = _page(items, masked=False)
    data = source.encode(codec)
    path = tmp_path / "p.html"
    path.write_bytes(data)
    doc = html_mod.open_document(path, FormatContext())
    segs = doc.segments()
    masked: set[tuple[int, int]] = set()
    for value, *_ in items:
        hits = [(s, s.text.find(value)) for s in segs if value in s.text]
        assert len(hits) == 1, f"value not found exactly once: {value}"
        lo, hi = (3, 7) if len(value) == 11 else (6, 14)
        seg, at = hits[0]
        masked.update((seg.id, at + i) for i in range(lo, hi))
    reps: dict[int, list[Replacement]] = {}
    for seg_id, i in sorted(masked):
        reps.setdefault(seg_id, []).append(Replacement(i, i + 1, "*", "X"))
    out = io.BytesIO()
    doc.write_masked(reps, out)
    assert out.getvalue() == _page(items, masked=True).encode(codec)


@settings(max_examples=300, deadline=None)
@given(src=st.text(alphabet=st.sampled_from(list("<>/!-?=\"' abcdefprsctyl&#;x1\n张[]CDATA")), max_size=120))
def test_property_lexer_tokens_cover_any_input(src: str) -> None:
    pos = 0
    for tok in tokenize(src):
        assert tok.start == pos, (src, tok)
        assert tok.end >= tok.start
        pos = tok.end
    assert pos == len(src)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(src=st.text(alphabet=st.sampled_from(list("<>/!-?=\"' abpdivtrscriptle&#;x1\n张")), max_size=200))
def test_property_any_text_opens_and_round_trips(tmp_path: Path, src: str) -> None:
    path = tmp_path / "r.html"
    path.write_text(src, encoding="utf-8", newline="")
    doc = html_mod.open_document(path, FormatContext())
    segs = doc.segments()
    out = io.BytesIO()
    doc.write_masked({}, out)
    assert out.getvalue() == src.encode()
    # Masking every character of every segment never fails and never removes markup characters
    # ('<' and '>' of tags stay where they were).
    reps = {s.id: [Replacement(0, len(s.text), "", "X")] for s in segs}
    out = io.BytesIO()
    doc.write_masked(reps, out)
    assert out.getvalue().decode().count("<") <= src.count("<")
