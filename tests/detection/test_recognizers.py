"""Per-recognizer tables: valid, checksum-invalid, near-miss, in context, Han directly around.

Each row says where the case comes from. Values are synthetic; their checksums are computed
by tests/factories/pii.py (an independent implementation), not by the engine.
"""

from __future__ import annotations

import pytest

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.detection.spec import load_specs
from tests.factories import pii

VALID_ID = "440881199001011233"  # GB 11643 check digit 3
VALID_ID_X = "11010519491231002X"  # the standard's own example, check X
BAD_CHECK_ID = "440881199001011234"
assert pii.is_valid_resident_id(VALID_ID) and pii.is_valid_resident_id(VALID_ID_X)
assert not pii.is_valid_resident_id(BAD_CHECK_ID)
CARD = "6222021234567890128"
assert pii.luhn_ok(CARD)

# (text, entity expected or None, the matched text expected, where the case comes from)
CASES = [
    # --- CN_RESIDENT_ID
    (f"身份证号：{VALID_ID}", "CN_RESIDENT_ID", VALID_ID, "valid, in context"),
    (f"张三{VALID_ID}男", "CN_RESIDENT_ID", VALID_ID, "Han characters directly around, no cue"),
    (f"公民身份号码{VALID_ID_X.lower()}", "CN_RESIDENT_ID", VALID_ID_X.lower(), "lower-case x check"),
    ("身份证号 4408 8119 9001 0112 33", "CN_RESIDENT_ID", "4408 8119 9001 0112 33", "spaces inside"),
    ("身份证号4408-8119-9001-0112-33", "CN_RESIDENT_ID", "4408-8119-9001-0112-33", "dashes inside"),
    (
        "身份证号４４０８８１１９９００１０１１２３３",
        "CN_RESIDENT_ID",
        "４４０８８１１９９００１０１１２３３",
        "full-width digits",
    ),
    (
        "身份证号4408811990\u200b01011233",
        "CN_RESIDENT_ID",
        "4408811990\u200b01011233",
        "zero-width space inside",
    ),
    (
        f"身份证号：{BAD_CHECK_ID}",
        "CN_RESIDENT_ID",
        BAD_CHECK_ID,
        "mistyped ID next to its cue is still an ID",
    ),
    (f"编码{BAD_CHECK_ID}", None, None, "checksum-invalid 18 digits without context: not an ID"),
    ("身份证号码：440881900101123", "CN_RESIDENT_ID", "440881900101123", "15-digit pre-1999"),
    ("440881********1233", None, None, "already masked (gov preset)"),
    ("4408811990****1233", None, None, "already masked, long visible prefix"),
    ("统一社会信用代码：914403001922038216", None, None, "GB 32100 credit code (all digits)"),
    ("91110101000000955X", None, None, "credit code with a letter"),
    ("统一社会信用代码911101010000002552", None, None, "all-digit credit code (GB 32100 valid)"),
    (f"{VALID_ID}1", "CN_RESIDENT_ID", f"{VALID_ID}1", "an ID inside a longer number is reported whole"),
    (f"G{VALID_ID}", "CN_RESIDENT_ID", f"G{VALID_ID}", "全国学籍号: G + ID (issue #20)"),
    (f"{VALID_ID}53", "CN_RESIDENT_ID", f"{VALID_ID}53", "残疾人证号: ID + 2 digits (issue #20)"),
    (f"{BAD_CHECK_ID}53", None, None, "a mistyped ID inside a longer number: no evidence"),
    ("810000199001011230", "CN_RESIDENT_ID", "810000199001011230", "HK residence permit"),
    # --- CN_MOBILE
    ("联系电话：13812345678", "CN_MOBILE", "13812345678", "plain"),
    ("电话13812345678转", "CN_MOBILE", "13812345678", "Han directly around"),
    ("手机+86 138-1234-5678", "CN_MOBILE", "138-1234-5678", "+86 prefix and dashes"),
    ("手机8613812345678", "CN_MOBILE", "13812345678", "86 prefix without a gap"),
    ("手机0086 13812345678", "CN_MOBILE", "13812345678", "0086 prefix"),
    ("手机 138 1234 5678", "CN_MOBILE", "138 1234 5678", "spaces"),
    ("来电１３９１２３４５６７８", "CN_MOBILE", "１３９１２３４５６７８", "full-width"),
    ("号码19212345678", "CN_MOBILE", "19212345678", "192 prefix allocated 2019"),
    ("手机号码14012345678", "CN_MOBILE", "14012345678", "unallocated prefix rescued by context"),
    ("序列14012345678", None, None, "unallocated prefix, no context"),
    ("138****5678", None, None, "already masked"),
    ("12345678901", None, None, "not a mobile prefix"),
    # --- CN_LANDLINE
    ("家庭电话：0755-12345678", "CN_LANDLINE", "0755-12345678", "private context"),
    ("住宅电话（020）87654321", "CN_LANDLINE", "020）87654321", "parenthesised area code"),
    ("咨询电话：0755-12345678", None, None, "office number of an agency"),
    ("0755-12345678", None, None, "no context: agencies publish landlines"),
    # --- CN_BANK_CARD
    (f"银行账号{CARD}", "CN_BANK_CARD", CARD, "UnionPay, Luhn valid, context"),
    (f"收款{CARD}", "CN_BANK_CARD", CARD, "UnionPay without cue"),
    ("卡号：6217 0012 3456 7890 123", "CN_BANK_CARD", "6217 0012 3456 7890 123", "grouped 19 digits"),
    ("卡号6222021234567890129", "CN_BANK_CARD", "6222021234567890129", "Luhn fail does not reject 62"),
    (f"订单号{CARD}", None, None, "anti-context: order number"),
    # --- passports and permits
    ("护照号码：E12345678", "CN_PASSPORT", "E12345678", "E + 8"),
    ("护照EA1234567", "CN_PASSPORT", "EA1234567", "2019 format E + letter + 7"),
    ("型号E12345678", None, None, "letter+digits without context"),
    ("往来港澳通行证C12345678", "CN_TRAVEL_PERMIT", "C12345678", "HK/Macau permit"),
    ("回乡证H1234567801", "CN_TRAVEL_PERMIT", "H1234567801", "home return permit 10 digits"),
    ("台胞证号码12345678", "CN_TRAVEL_PERMIT", "12345678", "Taiwan compatriot permit"),
    ("截至20180905", None, None, "a compact date"),
    # --- plates
    ("车牌号粤B12345", "CN_LICENSE_PLATE", "粤B12345", "fuel"),
    ("号牌粤B·D12345", "CN_LICENSE_PLATE", "粤B·D12345", "new energy with dot"),
    ("粤ICP备12345678号", None, None, "ICP record number"),
    ("粤BIO123", None, None, "I and O never used"),
    # --- e-mail
    ("邮箱zhangsan@qq.com联系", "EMAIL_ADDRESS", "zhangsan@qq.com", "Han directly around"),
    ("发送至li_ming.88@163.com。", "EMAIL_ADDRESS", "li_ming.88@163.com", "dots and underscores"),
    ("政务公开邮箱gkb@gz.gov.cn", None, None, "agency mailbox"),
    ("a@b", None, None, "no domain"),
]


@pytest.mark.parametrize(("text", "entity", "value", "source"), CASES, ids=[c[3] for c in CASES])
def test_case(
    structured_engine: Engine, text: str, entity: str | None, value: str | None, source: str
) -> None:
    found = structured_engine.analyze(text)
    if entity is None:
        assert found == [], f"{source}: unexpected {[(f.entity_type, f.text) for f in found]}"
        return
    assert [(f.entity_type, f.text) for f in found] == [(entity, value)], source
    f = found[0]
    assert text[f.start : f.end] == value


@pytest.mark.parametrize("spec", load_specs(), ids=lambda s: s.id)
def test_yaml_examples(engine: Engine, spec) -> None:
    """Every example in a recognizer file holds: positives found by that recognizer, negatives not."""
    assert spec.examples, f"{spec.source} has no examples"
    if spec.detector == "ner_model":  # the statistical model runs only when asked for
        engine = Engine.create(ScanConfig(use_model=True))
    for ex in spec.examples:
        mine = [f for f in engine.analyze(ex.text) if f.recognizer == spec.id]
        if ex.expect is None:
            assert mine == [], ex.text
        else:
            assert ex.expect in [f.text for f in mine], ex.text


def test_explanation_names_context_and_checksum(structured_engine: Engine) -> None:
    (f,) = structured_engine.analyze(f"身份证号：{VALID_ID}")
    assert f.explanation.recognizer == "cn_resident_id"
    assert f.explanation.pattern == "id18"
    assert f.explanation.checksum == "valid"
    assert f.explanation.context_word == "身份证号"
    (g,) = structured_engine.analyze(f"身份证号：{BAD_CHECK_ID}")
    assert g.explanation.checksum == "invalid" and "fails: check digit" in g.explanation.notes
    assert g.score < f.score


def test_anti_context_is_explained(engine: Engine) -> None:
    cands = [c for c in engine.candidates(f"订单号{CARD}") if c.entity_type == "CN_BANK_CARD"]
    assert cands and cands[0].explanation.anti_context_word == "订单号"


def test_two_numbers_in_one_run(structured_engine: Engine) -> None:
    found = structured_engine.analyze("家庭电话0755-12345678 13812345678")
    assert [(f.entity_type, f.text) for f in found] == [
        ("CN_LANDLINE", "0755-12345678"),
        ("CN_MOBILE", "13812345678"),
    ]


def test_mobile_inside_id_is_not_reported(structured_engine: Engine) -> None:
    assert [f.entity_type for f in structured_engine.analyze("身份证13812345678901234")] != ["CN_MOBILE"]
