"""The operators' documented parameters (README, "Policies") and the edges where a value would
otherwise come out with nothing masked."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deident.errors import PolicyError
from deident.masking.operators import (
    mask_keep,
    op_address,
    op_bank_card,
    op_email,
    op_mask,
    op_name,
    op_replace,
    op_surname_mou,
)
from deident.model import Explanation, Finding

LEVELS = {"province": 3, "city": 6, "county": 9, "township": 13}


def _f(entity: str, text: str, **attrs) -> Finding:
    return Finding(entity, 0, len(text), text, 0.9, "t", Explanation("t", "p", 0.9), attributes=attrs)


@pytest.mark.parametrize(
    ("text", "params", "masked"),
    [
        ("张三明", {"fixed": 2}, "张**"),
        ("欧阳明", {"fixed": 2}, "欧阳**"),
        ("张三明", {"keep_last": False}, "张**"),
        ("张三明", {"char": "×"}, "张×明"),
        ("阿依古丽•买买提", {}, "阿***•***"),
        ("阿依古丽·买买提", {"char": "○"}, "阿○○○·○○○"),
    ],
)
def test_name_parameters(text: str, params: dict, masked: str) -> None:
    assert op_name(_f("PERSON", text), params) == masked


@pytest.mark.parametrize(
    ("text", "params", "masked"),
    [
        ("zhaoyun@qq.com", {}, "z******@qq.com"),
        ("zhaoyun@qq.com", {"fixed": 3}, "z***@qq.com"),
        ("zhaoyun@qq.com", {"keep_first": 2, "char": "#"}, "zh#####@qq.com"),
        ("a@qq.com", {}, "a*@qq.com"),  # a one-letter mailbox still gets a mask character
        ('"a@b"@qq.com', {}, '"****@qq.com'),  # the domain follows the last @
        ("zhaoyun", {}, "z******"),  # no @ (a truncated address): masked like any value
        ("zhaoyun", {"char": "#"}, "z######"),
    ],
)
def test_email_parameters(text: str, params: dict, masked: str) -> None:
    assert op_email(_f("EMAIL_ADDRESS", text), params) == masked


def test_surname_mou_and_replace_texts() -> None:
    assert op_surname_mou(_f("PERSON", "张三"), {"text": "某某"}) == "张某某"
    assert op_surname_mou(_f("PERSON", "欧阳明"), {}) == "欧阳某"
    assert op_replace(_f("CN_BANK_CARD", "6222021234567890128"), {}) == "***"


ADDRESS = "广东省深圳市南山区粤海街道科技路1号"


@pytest.mark.parametrize(
    ("params", "masked"),
    [
        ({}, "广东省深圳市南山区粤海街道*****"),  # township is the default level
        ({"keep_level": "county"}, "广东省深圳市南山区*********"),
        ({"keep_level": "province", "char": "×"}, "广东省" + "×" * 15),
    ],
)
def test_address_keep_level(params: dict, masked: str) -> None:
    assert op_address(_f("CN_ADDRESS", ADDRESS, levels=LEVELS), params) == masked


def test_address_kept_whole_still_masks_its_last_character() -> None:
    text = "广东省深圳市南山区粤海街道"
    assert op_address(_f("CN_ADDRESS", text, levels=LEVELS), {}) == "广东省深圳市南山区粤海街*"


@pytest.mark.parametrize("tail", ["，", "。", " ", "（）"])
def test_address_kept_whole_with_a_separator_after_still_masks_a_character(tail: str) -> None:
    text = "广东省深圳市南山区粤海街道" + tail
    masked = op_address(_f("CN_ADDRESS", text, levels=LEVELS), {})
    assert masked == "广东省深圳市南山区粤海街*" + tail


def test_address_without_levels_is_masked_whole_but_its_punctuation() -> None:
    assert op_address(_f("CN_ADDRESS", "科技路1号（东门）"), {}) == "*****（**）"


def test_address_unknown_level_names_the_levels() -> None:
    with pytest.raises(PolicyError, match="province, city, county, township, not 'street'"):
        op_address(_f("CN_ADDRESS", ADDRESS, levels=LEVELS), {"keep_level": "street"})


@pytest.mark.parametrize(
    ("text", "params", "masked"),
    [
        ("6222021234567890128", {}, "6222 **** **** **** 128"),
        ("6222021234567890128", {"keep_first": 6}, "622202 **** **** ** 128"),
        ("6222021234567890128", {"group": 3, "char": "#"}, "6222 ### ### ### ### ## 8"),
        ("622202", {}, "6222 * 2"),
        ("62220", {}, "6****"),  # too short for the grouped form: only the first digit shows
        ("6222", {}, "6***"),
    ],
)
def test_bank_card_parameters_and_short_values(text: str, params: dict, masked: str) -> None:
    assert op_bank_card(_f("CN_BANK_CARD", text), params) == masked


def test_a_compound_surname_alone_is_still_masked() -> None:
    """欧阳 read alone as a name (欧阳说…) keeps its first character only: never the whole name."""
    assert op_name(_f("PERSON", "欧阳"), {}) == "欧*"
    assert op_name(_f("PERSON", "欧阳明"), {}) == "欧阳*"


@pytest.mark.parametrize(
    ("text", "masked"),
    [("010-12345678", "010-******78"), ("02087654321", "020******21"), ("0755-12345678", "0755-******78")],
)
def test_landline_keeps_exactly_its_area_code(text: str, masked: str) -> None:
    assert op_mask(_f("CN_LANDLINE", text), {"keep_first": "area_code", "keep_last": 2}) == masked


@given(
    st.text(alphabet="张三明0123456789ABC-· ", min_size=1, max_size=12),
    st.integers(0, 14),
    st.integers(0, 14),
)
def test_mask_keep_always_masks_a_significant_character_and_keeps_no_more_than_asked(
    value: str, keep_first: int, keep_last: int
) -> None:
    out = mask_keep(value, keep_first, keep_last)
    sig = [i for i, c in enumerate(value) if c.isalnum()]
    assert len(out) == len(value)
    assert all(out[i] == value[i] for i in range(len(value)) if i not in sig)  # separators stay
    if sig:
        shown = [i for i in sig if out[i] == value[i]]
        masked = [i for i in sig if out[i] == "*"]
        assert masked and len(shown) + len(masked) == len(sig)
        assert len(shown) <= keep_first + keep_last


@given(st.text(alphabet="0123456789", min_size=1, max_size=12), st.integers(0, 14))
def test_mask_last_masks_exactly_the_last_n(value: str, n: int) -> None:
    m = min(n, len(value))
    assert mask_keep(value, mask_last=n) == value[: len(value) - m] + "*" * m


def test_a_value_too_short_for_its_kept_ends_loses_the_longer_end_first() -> None:
    assert mask_keep("ABC", 3, 1) == "A*C"
    assert mask_keep("ABCD", 2, 2) == "AB*D"
    assert mask_keep("A") == "*" and mask_keep("A", 1, 0) == "*"
    assert mask_keep("ABC", 3, 0) == "AB*"
    assert mask_keep("ABC") == "***"  # nothing kept unless asked
