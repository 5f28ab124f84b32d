"""Markdown emphasis around a number: `renderings.emphasised_numbers` tries `_EMPHASIS` only where
a "*" or "__" is, and finds what a `finditer` over the text from the first marker finds."""

from __future__ import annotations

import dataclasses

from hypothesis import example, given, settings
from hypothesis import strategies as st

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.detection.numbers import renderings
from deident.model import Finding

ENGINE = Engine.create(ScanConfig())


def _finditer_reference(text: str) -> list[Finding]:
    """The loop as it was: one finditer from the first marker on."""
    star, under = text.find("*"), text.find("__")
    if star < 0 and under < 0:
        return []
    out: list[Finding] = []
    for m in renderings._EMPHASIS.finditer(
        text, min(star, under) if star >= 0 and under >= 0 else max(star, under)
    ):
        if m.start() > 0 and text[m.start() - 1] in "*_":
            continue
        a, b = m.span(2)
        head = text[max(0, a - renderings._CONTEXT) : m.start()] + " " * len(m.group(1))
        for f in ENGINE._read_plain(head + text[a:b]):
            if f.start >= len(head):
                s, e = f.start - len(head) + a, f.end - len(head) + a
                out.append(dataclasses.replace(f, start=s, end=e, text=text[s:e]))
    return out


_PIECES = (
    "**",
    "*",
    "__",
    "_",
    " ",
    "身份证号：",
    "手机",
    "13812345678",
    "440881199001011233",
    "6222021234567890128",
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
@example("身份证号：**440881199001011233** 手机*13812345678*")
@example("__13812345678__ ***13812345678***")
def test_emphasis_found_where_finditer_finds_it(text: str) -> None:
    assert renderings.emphasised_numbers(text, ENGINE._read_plain) == _finditer_reference(text)
