"""The label decides: a value after a word that names an identifier is that identifier even when
no pattern or checksum fits it. Rows come from issue #20 (values that came back with no finding)
and from the ways forms, JSON and HTML write a label."""

from __future__ import annotations

import pytest

from deident.api import mask_text, scan_text
from deident.detection.engine import Engine

# (text, entity, value, where the case comes from)
LABELLED = [
    ("证件号码:51010419940516084", "CN_RESIDENT_ID", "51010419940516084", "issue #20: 17 digits"),
    ("身份证号：4408811990010112331", "CN_RESIDENT_ID", "4408811990010112331", "19 characters"),
    ("公民身份号码：440881189001011233", "CN_RESIDENT_ID", "440881189001011233", "birth year 1890"),
    ("身份证号码为440881199001011234", "CN_RESIDENT_ID", "440881199001011234", "wrong check digit, 为"),
    ("身份证号是440881199001011234", "CN_RESIDENT_ID", "440881199001011234", "是"),
    ("银行卡号:374558852277837562372", "CN_BANK_CARD", "374558852277837562372", "issue #20: 21 digits"),
    ("存折账号:87013430", "CN_BANK_CARD", "87013430", "issue #20: 8-digit passbook"),
    ("银行账号：1001 2345 6789 0123 456", "CN_BANK_CARD", "1001 2345 6789 0123 456", "issue #20: spaced"),
    ("开户账号 6222-0212-3456-7890-1234-567", "CN_BANK_CARD", "6222-0212-3456-7890-1234-567", "dashed 23"),
    ("普通护照号码：800139387", "CN_PASSPORT", "800139387", "issue #20: nine digits"),
    ("护照号 C01X00T47", "CN_PASSPORT", "C01X00T47", "a foreign passport"),
    ("港澳通行证：W10194852", "CN_TRAVEL_PERMIT", "W10194852", "issue #20: W + 8"),
    ("台胞证号码：0155804101", "CN_TRAVEL_PERMIT", "0155804101", "issue #20: 10 digits"),
    ("回乡证：M1234567801", "CN_TRAVEL_PERMIT", "M1234567801", "回乡证 M + 10"),
    ("机动车号牌：闽X-36331", "CN_LICENSE_PLATE", "闽X-36331", "issue #20: hyphen"),
    ("车牌号码：粤A·7102领", "CN_LICENSE_PLATE", "粤A·7102领", "issue #20: consulate"),
    ("车牌 粤B 12345", "CN_LICENSE_PLATE", "粤B 12345", "space"),
    ("车牌号：川A·12345D", "CN_LICENSE_PLATE", "川A·12345D", "new energy, D last"),
    ("申请人王某，联系电话010-20786224", "CN_LANDLINE", "010-20786224", "issue #20: private landline"),
    ("家庭电话:tel:+86-351-23676957", "CN_LANDLINE", "351-23676957", "issue #20: tel: URI"),
    ("联系电话（0351）2367695", "CN_LANDLINE", "0351）2367695", "full-width brackets"),
    ("电话：86-20-87654321", "CN_LANDLINE", "20-87654321", "86- prefix"),
    ("手机：138.1234.5678", "CN_MOBILE", "138.1234.5678", "dots"),
    ("手机：138 - 1234 - 5678", "CN_MOBILE", "138 - 1234 - 5678", "spaced dashes"),
    ('{"idCard": "51010419940516084"}', "CN_RESIDENT_ID", "51010419940516084", "a JSON key"),
    ("身份证号：**440881199001011234**", "CN_RESIDENT_ID", "440881199001011234", "Markdown bold"),
]

NEGATIVES = [
    ("鼓楼区人民政府办公室　联系电话（办公室）：0750-3229803", "an agency's office"),
    ("办公电话：0755-36464129", "办公电话"),
    ("客服电话：400-800-8888，免费电话800-830-1234。", "400 and 800 numbers"),
    ("联系电话：12345", "hotline"),
    ("订单编号：6222021234567890128", "order number"),
    ("身份证号：440881********1233", "already masked"),
    ("身份证号：4408811990****1233", "already masked, long prefix"),
    ("号牌种类：小型汽车", "a label with no value"),
    ("护照复印件一份", "no value"),
]


@pytest.mark.parametrize(("text", "entity", "value", "source"), LABELLED, ids=[c[3] for c in LABELLED])
def test_labelled_value(structured_engine: Engine, text: str, entity: str, value: str, source: str) -> None:
    found = [(f.entity_type, f.text) for f in structured_engine.analyze(text)]
    assert (entity, value) in found, source
    assert [f for f in scan_text(text) if f.text == value], "scan_text applies labels too"


@pytest.mark.parametrize(("text", "source"), NEGATIVES, ids=[c[1] for c in NEGATIVES])
def test_not_labelled(structured_engine: Engine, text: str, source: str) -> None:
    assert structured_engine.analyze(text) == [], source


def test_long_account_masked_whole() -> None:
    """A 25-digit account is masked by its policy as a whole, never as a 19-digit window."""
    masked = mask_text("银行账号：6222021234567890128123456", "gov").text
    assert masked == "银行账号：622202***************3456"


def test_explanation_names_the_label(structured_engine: Engine) -> None:
    (f,) = structured_engine.analyze("证件号码:51010419940516084")
    assert f.explanation.context_word == "证件号码" and "label 证件号码" in f.explanation.notes


def test_id_inside_a_longer_identifier_is_masked_at_least_as_the_id() -> None:
    """issue #20 item 2: the whole identifier is reported; the ID's policy digits stay hidden."""
    for text, id_start in (("残疾人证号码：50010319390909605653", 7), ("全国学籍号：G330106199201240053", 7)):
        (f,) = scan_text(text)
        assert f.entity_type == "CN_RESIDENT_ID" and f.end == len(text)
        masked = mask_text(text, "gov").text
        alone = mask_text(text[id_start : id_start + 18], "gov").text
        hidden_alone = {i for i, c in enumerate(alone) if c == "*"}
        assert hidden_alone <= {i - id_start for i, c in enumerate(masked) if c == "*"}


RENDERINGS = [
    ("138.1234.5678", "dots"),
    ("138 - 1234 - 5678", "spaced dashes"),
    ("13\u200b\u200b\u200b8123\u200b45678", "a run of zero-width spaces"),
    ("138\u00ad1234\u00ad5678", "soft hyphens"),
    ("138\u20631234\u20635678", "invisible separators"),
    ("一三八一二三四五六七八", "Chinese numerals"),
    ("幺三八幺二三四五六七八", "幺 for 1"),
    ("１３8１２３４5678", "mixed widths"),
]


@pytest.mark.parametrize(("value", "source"), RENDERINGS, ids=[r[1] for r in RENDERINGS])
def test_renderings_found_with_and_without_a_label(value: str, source: str) -> None:
    """issue #20 item 5: every rendering of a number is read, and masked character by character."""
    for text in (f"手机：{value}", f"他的号码{value}。"):
        found = [(f.entity_type, f.text) for f in scan_text(text)]
        assert ("CN_MOBILE", value) in found, (source, text)
    masked = mask_text(f"手机：{value}", "gov").text
    assert sum(c == "*" for c in masked) == 4 and len(masked) == len(f"手机：{value}")


def test_numbers_in_prose_are_not_renderings() -> None:
    assert scan_text("金额5,800.00元，日期2020.01.05，第一二三四五六七期，版本1.2.3") == []


EMPHASIS = [
    ("**440881199001011233**", "440881199001011233", "Markdown bold, no label"),
    ("申请人*13812345678*", "13812345678", "italics"),
    ("注*：440881199001011233*", "440881199001011233", "a footnote star after a whole ID"),
]


@pytest.mark.parametrize(("text", "value", "source"), EMPHASIS, ids=[e[2] for e in EMPHASIS])
def test_emphasis_is_not_masking(text: str, value: str, source: str) -> None:
    """issue #20 item 6: stars around a value's characters do not mask it; stars in place of
    them do."""
    assert [f.text for f in scan_text(text)] == [value], source


@pytest.mark.parametrize(
    "text", ["身份证号：440881********1233", "4408811990****1233", "138****5678", "手机：138****5678"]
)
def test_stars_in_place_of_characters_are_masking(text: str) -> None:
    assert scan_text(text) == []
