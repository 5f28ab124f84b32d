"""Every preset hides at least what it promises, for any value: the kept characters are the ones
the policy names and every other significant character is replaced."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deident.masking.policy import Policy
from deident.model import Explanation, Finding

PRESETS = ("gov", "hutool", "court", "strict")
MASKS = frozenset("*＊×●某")


def _finding(entity: str, text: str, **attributes: object) -> Finding:
    return Finding(entity, 0, len(text), text, 0.9, "test", Explanation("test", None, 0.9), {}, attributes)


def _hidden(original: str, masked: str, start: int) -> bool:
    """No significant character of `original` from `start` on is readable in `masked` at its place."""
    return all(
        not c.isalnum() or i >= len(masked) or masked[i] != c or masked[i] in MASKS
        for i, c in enumerate(original)
        if i >= start
    )


locals_ = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=20).filter(
    lambda s: s[0].isalnum()
)
domains = st.sampled_from(["qq.com", "163.com", "example.cn", "mail.sina.com.cn"])


@pytest.mark.parametrize("preset", PRESETS)
@settings(max_examples=80, deadline=None)
@given(local=locals_, domain=domains)
def test_an_email_keeps_at_most_its_first_letter(preset: str, local: str, domain: str) -> None:
    value = f"{local}@{domain}"
    masked = Policy.load(preset).replacement(_finding("EMAIL_ADDRESS", value))
    head = masked.partition("@")[0]
    if "@" not in masked:  # replaced or deleted whole
        assert local not in masked or len(local) == 1
        return
    assert head[:1] in (local[:1], *MASKS)
    assert not any(c.isalnum() for c in head[1:]), (value, masked)


provinces = st.sampled_from(["广东省", "浙江省", "四川省"])
roads = st.text(
    alphabet="春晖花园幢号单元室路街巷村组一二三四五六七八九十0123456789", min_size=4, max_size=20
)


@pytest.mark.parametrize("preset", ["gov", "court", "strict"])
@settings(max_examples=80, deadline=None)
@given(province=provinces, rest=roads)
def test_an_address_keeps_at_most_its_divisions(preset: str, province: str, rest: str) -> None:
    prefix = province + "深圳市南山区粤海街道"
    text = prefix + rest
    levels = {"province": 3, "city": 6, "county": 9, "township": len(prefix)}
    masked = Policy.load(preset).replacement(_finding("CN_ADDRESS", text, levels=levels))
    assert rest not in masked
    if len(masked) == len(text):
        assert _hidden(text, masked, len(prefix)), (text, masked)


@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("name", ["张三", "张三明", "欧阳明", "欧阳小明", "阿依古丽·买买提"])
def test_a_name_keeps_at_most_its_surname_and_last_character(preset: str, name: str) -> None:
    masked = Policy.load(preset).replacement(_finding("PERSON", name))
    given_name = name[2:] if name.startswith("欧阳") else name[1:]
    assert given_name not in masked
    inner = given_name[:-1] if len(given_name) > 1 else given_name
    assert not any(c in masked for c in inner if c not in "·")


@settings(max_examples=80, deadline=None)
@given(province=provinces, rest=roads)
def test_hutool_hides_the_last_eight_characters_of_an_address(province: str, rest: str) -> None:
    """Hutool's DesensitizedUtil.address hides the last 8 characters, whatever they are."""
    text = province + "深圳市南山区粤海街道" + rest
    masked = Policy.load("hutool").replacement(_finding("CN_ADDRESS", text))
    assert len(masked) == len(text) and masked[:-8] == text[:-8]
    assert set(masked[-8:]) == {"*"}
