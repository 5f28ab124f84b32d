from __future__ import annotations

import pytest

import deident
from deident.detection.spec import load_specs
from deident.errors import PolicyError
from deident.masking.operators import mask_keep
from deident.masking.policy import PRESETS, Policy
from deident.model import Explanation, Finding

ID = "440881199001011233"


def _f(entity: str, text: str, **attrs) -> Finding:
    return Finding(entity, 0, len(text), text, 0.9, "t", Explanation("t", "p", 0.9), attributes=attrs)


GOV = [
    ("CN_RESIDENT_ID", ID, "440881********1233"),
    ("CN_RESIDENT_ID", "440881900101123", "440881******123"),
    ("CN_MOBILE", "13812345678", "138****5678"),
    ("CN_MOBILE", "138-1234-5678", "138-****-5678"),
    ("CN_LANDLINE", "0755-12345678", "0755-******78"),
    ("CN_LANDLINE", "02087654321", "020******21"),
    ("CN_BANK_CARD", "6222021234567890128", "622202*********0128"),
    ("CN_PASSPORT", "E12345678", "E*****678"),
    ("CN_LICENSE_PLATE", "粤B12345", "粤B****5"),
    ("EMAIL_ADDRESS", "zhao@qq.com", "z***@qq.com"),
    ("PERSON", "张三", "张*"),
    ("PERSON", "张三明", "张*明"),
    ("PERSON", "欧阳明", "欧阳*"),
    ("PERSON", "欧阳小明", "欧阳*明"),
    ("PERSON", "阿依古丽·买买提", "阿***·***"),
]


@pytest.mark.parametrize(("entity", "text", "masked"), GOV)
def test_gov_preset(entity: str, text: str, masked: str) -> None:
    assert Policy.load("gov").replacement(_f(entity, text)) == masked


HUTOOL = [
    ("CN_RESIDENT_ID", ID, "4***************33"),
    ("PERSON", "张三明", "张**"),
    ("CN_BANK_CARD", "6222021234567890128", "6222 **** **** **** 128"),  # as Hutool groups it
    ("CN_LANDLINE", "0755-12345678", "0755-******78"),
]


@pytest.mark.parametrize(("entity", "text", "masked"), HUTOOL)
def test_hutool_preset(entity: str, text: str, masked: str) -> None:
    assert Policy.load("hutool").replacement(_f(entity, text)) == masked


def test_court_preset() -> None:
    court = Policy.load("court")
    assert court.replacement(_f("PERSON", "张三")) == "张某"
    assert court.replacement(_f("PERSON", "欧阳小明")) == "欧阳某"
    assert court.replacement(_f("CN_RESIDENT_ID", ID)) == "×" * 18
    addr = _f(
        "CN_ADDRESS",
        "广东省深圳市南山区粤海街道科技路1号",
        levels={"province": 3, "city": 6, "county": 9, "township": 13},
    )
    assert court.replacement(addr) == "广东省深圳市南山区" + "×" * 9


def test_strict_preset_masks_everything() -> None:
    assert Policy.load("strict").replacement(_f("CN_MOBILE", "13812345678")) == "*" * 11


def test_address_keeps_prefix_to_township() -> None:
    addr = _f(
        "CN_ADDRESS",
        "广东省深圳市南山区粤海街道科技路1号",
        levels={"province": 3, "city": 6, "county": 9, "township": 13},
    )
    assert Policy.load("gov").replacement(addr) == "广东省深圳市南山区粤海街道*****"


def test_every_preset_loads() -> None:
    for name in PRESETS:
        assert Policy.load(name).name == name


def test_user_policy_file(tmp_path) -> None:
    p = tmp_path / "mine.yaml"
    p.write_text(
        "name: mine\ndefault: {op: mask, char: '#'}\nentities:\n  CN_MOBILE: {op: replace, text: '[手机]'}\n",
        encoding="utf-8",
    )
    pol = Policy.load(p)
    assert pol.replacement(_f("CN_MOBILE", "13812345678")) == "[手机]"
    assert pol.replacement(_f("CN_RESIDENT_ID", ID)) == "#" * 18
    assert deident.mask_text("电话13812345678", policy=p).text == "电话[手机]"


@pytest.mark.parametrize(
    "content",
    ["- not a mapping", "entities: {CN_MOBILE: {op: explode}}", "entities: {CN_MOBILE: {keep_first: 3}}"],
)
def test_bad_policy_files_are_refused(tmp_path, content: str) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(PolicyError):
        Policy.load(p)


def test_unknown_policy_name() -> None:
    with pytest.raises(PolicyError, match="neither a preset"):
        Policy.load("nope")


def test_mask_keep_always_masks_something() -> None:
    assert mask_keep("12", 6, 4) != "12"
    assert mask_keep("a-b-c", 1, 1) == "a-*-c"


def test_delete_and_token_operators() -> None:
    pol = Policy.parse(
        {"entities": {"CN_MOBILE": {"op": "delete"}, "EMAIL_ADDRESS": {"op": "replace", "text": "[邮箱]"}}},
        source="t",
    )
    masked = deident.mask_text("电话13812345678，邮箱zhao@qq.com", policy=pol).text
    assert masked == "电话，邮箱[邮箱]"


@pytest.mark.parametrize("preset", PRESETS)
def test_every_entity_has_a_row_in_every_preset(preset: str) -> None:
    """A new identifier kind is masked the way each preset means, not by a silent default."""
    entities = {s.entity for s in load_specs()}
    assert entities - set(Policy.load(preset).rules) == set()
