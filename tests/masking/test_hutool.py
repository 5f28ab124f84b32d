"""The hutool preset matches Hutool's own DesensitizedUtilTest pairs (dromara/hutool,
hutool-core/src/test/java/cn/hutool/core/util/DesensitizedUtilTest.java, MulanPSL-2.0; see
corpora/external/hutool/README.md). Each pair is checked twice: the operator on the value
alone, and end to end, the value found in a labelled sentence and masked in place."""

from __future__ import annotations

import pytest

from deident.api import mask_text
from deident.masking.policy import Policy
from deident.model import Explanation, Finding

# (entity, Hutool input, Hutool's expected output, Hutool's test method)
PAIRS = [
    ("PERSON", "段正淳", "段**", "chineseNameTest / desensitizedTest CHINESE_NAME"),
    ("CN_RESIDENT_ID", "51343620000320711X", "5***************1X", "idCardNumTest (1, 2)"),
    ("CN_LANDLINE", "09157518479", "0915*****79", "fixedPhoneTest"),
    ("CN_MOBILE", "18049531999", "180****1999", "mobilePhoneTest"),
    ("CN_ADDRESS", "北京市海淀区马连洼街道289号", "北京市海淀区马********", "desensitizedTest ADDRESS (8)"),
    ("EMAIL_ADDRESS", "duandazhi-jack@gmail.com.cn", "d*************@gmail.com.cn", "emailTest"),
    ("EMAIL_ADDRESS", "duandazhi@126.com", "d********@126.com", "emailTest"),
    ("EMAIL_ADDRESS", "duandazhi@gmail.com.cn", "d********@gmail.com.cn", "emailTest"),
    ("CN_BANK_CARD", "11011111222233333256", "1101 **** **** **** 3256", "desensitizedTest BANK_CARD"),
    ("CN_BANK_CARD", "6227880100100105123", "6227 **** **** **** 123", "desensitizedTest BANK_CARD"),
    ("CN_BANK_CARD", "1234 2222 3333 4444 6789 9", "1234 **** **** **** **** 9", "bankCardTest"),
    ("CN_BANK_CARD", "1234 2222 3333 4444 6789 91", "1234 **** **** **** **** 91", "bankCardTest"),
    ("CN_BANK_CARD", "1234 2222 3333 4444 6789", "1234 **** **** **** 6789", "bankCardTest"),
    ("CN_BANK_CARD", "1234 2222 3333 4444 678", "1234 **** **** **** 678", "bankCardTest"),
    ("CN_LICENSE_PLATE", "苏D40000", "苏D4***0", "carLicenseTest"),
    ("CN_LICENSE_PLATE", "陕A12345D", "陕A1****D", "carLicenseTest"),
]

# Where each value is written in a document (the label decides what it is).
LABELS = {
    "PERSON": "申请人：{}，男。",
    "CN_RESIDENT_ID": "身份证号：{}。",
    "CN_LANDLINE": "家庭电话：{}。",
    "CN_MOBILE": "手机：{}。",
    "CN_ADDRESS": "家庭住址：{}。",
    "EMAIL_ADDRESS": "邮箱：{} 。",
    "CN_BANK_CARD": "银行账号：{}。",
    "CN_LICENSE_PLATE": "车牌号码：{}。",
}


def _finding(entity: str, value: str) -> Finding:
    return Finding(entity, 0, len(value), value, 1.0, "t", Explanation("t", "t", 1.0, "n/a"))


@pytest.mark.parametrize(
    ("entity", "value", "expected", "source"), PAIRS, ids=[f"{p[0]}:{p[2]}" for p in PAIRS]
)
def test_operator_matches_hutool(entity: str, value: str, expected: str, source: str) -> None:
    assert Policy.load("hutool").replacement(_finding(entity, value)) == expected, source


@pytest.mark.parametrize(
    ("entity", "value", "expected", "source"), PAIRS, ids=[f"{p[0]}:{p[2]}" for p in PAIRS]
)
def test_found_and_masked_like_hutool(entity: str, value: str, expected: str, source: str) -> None:
    text = LABELS[entity].format(value)
    assert mask_text(text, "hutool").text == LABELS[entity].format(expected), source
