"""Masking hides every character the policy names, however the value is written.

Values are drawn from the standards (a valid GB 11643 ID, an allocated mobile prefix), written the
ways documents write them (full-width, spaced and dashed groups, zero-width characters between
digits, mixed widths), behind the label a form gives them. Whatever the rendering, the digits left
in the masked text are exactly the ones the ``gov`` policy keeps (ID: first 6 and last 4; mobile:
first 3 and last 4).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

import deident
from tests.safety.test_checksums import gb11643_check

ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
MOBILE_PREFIXES = ("133", "138", "150", "159", "166", "177", "186", "189", "199")


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(["110105", "310115", "440106", "440881", "510107", "650102"]))
    birth = draw(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2015, 12, 31))).strftime("%Y%m%d")
    body = region + birth + f"{draw(st.integers(0, 999)):03d}"
    return body + gb11643_check(body)


@st.composite
def mobiles(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(MOBILE_PREFIXES)) + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=8, max_size=8))
    )


def _groups(value: str) -> list[str]:
    if len(value) == 11:
        return [value[:3], value[3:7], value[7:]]
    return [value[:6], value[6:14], value[14:]]


def _full_width(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch


@st.composite
def rendered(draw: st.DrawFn, value: str) -> str:
    kind = draw(st.sampled_from(["plain", "full", "mixed", "spaced", "dashed", "zero_width", "full_spaced"]))
    if kind == "plain":
        return value
    if kind == "full":
        return "".join(_full_width(c) for c in value)
    if kind == "mixed":
        flags = draw(st.lists(st.booleans(), min_size=len(value), max_size=len(value)))
        return "".join(_full_width(c) if f else c for c, f in zip(value, flags, strict=True))
    if kind == "spaced":
        return " ".join(_groups(value))
    if kind == "dashed":
        return "-".join(_groups(value))
    if kind == "full_spaced":
        return "\u3000".join("".join(_full_width(c) for c in g) for g in _groups(value))
    zw = draw(st.sampled_from(ZERO_WIDTH))
    cuts = draw(st.sets(st.integers(1, len(value) - 1), max_size=4))
    return "".join(zw + c if i in cuts else c for i, c in enumerate(value))


def _kept_digits(masked: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", masked) if c.isdigit() or c in "Xx")


@settings(max_examples=150, deadline=None)
@given(data=st.data(), value=resident_ids())
def test_an_id_keeps_only_its_first_six_and_last_four(data: st.DataObject, value: str) -> None:
    shown = data.draw(rendered(value))
    masked = deident.mask_text(f"申请人身份证号码：{shown}。").text
    assert _kept_digits(masked) == value[:6] + value[-4:]


@settings(max_examples=150, deadline=None)
@given(data=st.data(), value=mobiles())
def test_a_mobile_keeps_only_its_first_three_and_last_four(data: st.DataObject, value: str) -> None:
    shown = data.draw(rendered(value))
    masked = deident.mask_text(f"联系电话：{shown}，请保持畅通。").text
    assert _kept_digits(masked) == value[:3] + value[-4:]
