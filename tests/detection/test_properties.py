"""Properties that must hold for every input (hypothesis)."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.masking.policy import Policy
from deident.masking.rewrite import apply
from tests.conftest import STRUCTURED
from tests.factories import pii

ENGINE = Engine.create(ScanConfig(entities=STRUCTURED))
GOV = Policy.load("gov")
# Words that legitimately lower a score; the properties speak of neutral surroundings.
_ANTI = {w for s in ENGINE.specs for w in s.anti_context.words}


def _neutral(*parts: str) -> bool:
    joined = "".join(parts)
    return not any(w in joined for w in _ANTI)


def _assert_found_at(text: str, start: int, value: str, entity: str) -> None:
    found = ENGINE.analyze(text)
    hits = [f for f in found if f.start == start and f.end == start + len(value)]
    assert [f.entity_type for f in hits] == [entity], (text, [(f.entity_type, f.text) for f in found])


@given(pii.resident_ids(), pii.chinese_filler(), pii.chinese_filler())
def test_every_valid_id_is_found_at_its_offsets(value: str, left: str, right: str) -> None:
    assume(_neutral(left, right))
    _assert_found_at(left + value + right, len(left), value, "CN_RESIDENT_ID")


@given(pii.mobiles(), pii.chinese_filler(), pii.chinese_filler())
def test_every_mobile_is_found_at_its_offsets(value: str, left: str, right: str) -> None:
    assume(_neutral(left, right))
    _assert_found_at(left + value + right, len(left), value, "CN_MOBILE")


@given(pii.bank_cards(), pii.chinese_filler(), pii.chinese_filler())
def test_every_luhn_valid_unionpay_card_is_found(value: str, left: str, right: str) -> None:
    assume(_neutral(left, right) and not pii.is_valid_resident_id(value))
    _assert_found_at(left + value + right, len(left), value, "CN_BANK_CARD")


@given(pii.emails(), pii.chinese_filler(), pii.chinese_filler())
def test_every_email_is_found_with_han_around(value: str, left: str, right: str) -> None:
    _assert_found_at(left + value + right, len(left), value, "EMAIL_ADDRESS")


@given(pii.resident_ids(), st.sampled_from(["fullwidth", "dashes", "spaces", "zero_width"]), st.randoms())
def test_variants_of_an_id_are_one_finding(value: str, variant: str, rng) -> None:
    rendered = pii.render(value, variant, rng)
    _assert_found_at("身份证号" + rendered + "。", 4, rendered, "CN_RESIDENT_ID")


def _document(draw) -> str:
    parts = []
    for i in range(draw(st.integers(1, 6))):
        # Values glued with nothing between them (two e-mails, two mobiles) are ambiguous
        # even to a person; documents separate them by at least one character.
        parts.append(draw(pii.chinese_filler(0 if i == 0 else 1, 20)))
        parts.append(draw(st.one_of(pii.resident_ids(), pii.mobiles(), pii.emails(), pii.bank_cards())))
    parts.append(draw(pii.chinese_filler(0, 20)))
    return "".join(parts)


documents = st.composite(_document)()


@settings(max_examples=150)
@given(documents)
def test_masking_is_idempotent_and_rescan_finds_nothing(text: str) -> None:
    once = apply(text, ENGINE.analyze(text), GOV)
    assert ENGINE.analyze(once) == []
    assert apply(once, ENGINE.analyze(once), GOV) == once


@settings(max_examples=150)
@given(documents)
def test_characters_outside_findings_are_unchanged(text: str) -> None:
    findings = ENGINE.analyze(text)
    masked = apply(text, findings, GOV)
    # Every gov operator for these entities keeps the length, so offsets line up.
    assert len(masked) == len(text)
    inside = {i for f in findings for i in range(f.start, f.end)}
    for i, (a, b) in enumerate(zip(text, masked, strict=True)):
        if i not in inside:
            assert a == b, (i, text)


@given(st.text(max_size=200))
def test_any_text_is_analysed_without_error(text: str) -> None:
    for f in ENGINE.analyze(text):
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.text
