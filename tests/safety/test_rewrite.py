"""Text is rewritten once per finding: adjacent findings are both masked, and an overlapping one
left over by a caller never stops the findings to its left from being masked."""

from __future__ import annotations

from deident.masking.policy import Policy
from deident.masking.rewrite import apply
from deident.model import Explanation, Finding

GOV = Policy.load("gov")
MOBILE, ID = "13812345678", "440106199001011238"


def _f(entity: str, text: str, start: int) -> Finding:
    return Finding(entity, start, start + len(text), text, 0.9, "t", Explanation("t", None, 0.9))


def test_adjacent_findings_are_both_masked() -> None:
    text = MOBILE + ID
    out = apply(text, [_f("CN_MOBILE", MOBILE, 0), _f("CN_RESIDENT_ID", ID, len(MOBILE))], GOV)
    assert out == "138****5678" + "440106********1238"


def test_an_overlap_does_not_stop_the_findings_before_it() -> None:
    text = f"{ID}，电话{MOBILE}，{MOBILE}"
    start2 = text.index(MOBILE)
    start3 = text.rindex(MOBILE)
    findings = [
        _f("CN_RESIDENT_ID", ID, 0),
        _f("CN_MOBILE", MOBILE, start2),
        _f("CN_LANDLINE", text[start3 - 3 : start3 + 4], start3 - 3),  # overlaps the third value
        _f("CN_MOBILE", MOBILE, start3),
    ]
    out = apply(text, findings, GOV)
    assert ID not in out and out.startswith("440106********1238")
    assert out.count("138****5678") == 2
    assert len(out) == len(text)


def test_text_outside_findings_is_unchanged() -> None:
    text = f"申请人联系电话：{MOBILE}。"
    start = text.index(MOBILE)
    out = apply(text, [_f("CN_MOBILE", MOBILE, start)], GOV)
    assert out[:start] == text[:start] and out[start + len(MOBILE) :] == text[start + len(MOBILE) :]
