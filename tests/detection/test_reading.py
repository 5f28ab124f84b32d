"""The compiled number pass (`_reading.NumberReader`) reports exactly what the Python one
(`Engine._numbers_in_python`) does: the same spans, entities, scores and explanations, for
every text, with and without pruning, for every recognizer set and threshold."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.detection.native import reading
from deident.detection.numbers.normalise import fold
from deident.model import Finding
from tests.factories import pii

ROOT = Path(__file__).resolve().parents[2]

if reading is None:  # pragma: no cover - see test_native.py
    pytest.skip(
        "the compiled number pass is not installed (test_native.py fails for that)", allow_module_level=True
    )

ENGINES = (
    Engine.create(ScanConfig()),
    Engine.create(ScanConfig(entities=frozenset({"CN_RESIDENT_ID", "CN_BANK_CARD"}))),
    Engine.create(ScanConfig(min_score=0.1)),
    Engine.create(ScanConfig(min_score=0.9)),
)
# Words that move a score (context and anti-context of every number recognizer), and the
# ways numbers are written.
_WORDS = sorted(
    {w for s in ENGINES[0].specs if s.kind == "number" for w in (*s.context.words, *s.anti_context.words)}
)
_VARIANTS = ("plain", "fullwidth", "dashes", "spaces", "zero_width", "groups4", "ideographic_space")


def _dicts(findings: list[Finding]) -> list[dict[str, object]]:
    return [f.to_dict() for f in findings]


def _both(engine: Engine, text: str, prune: bool) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    folded = fold(text)
    assert engine._reader is not None
    return _dicts(engine._reader.read(text, folded, prune)), _dicts(
        engine._numbers_in_python(text, folded, prune)
    )


def _document(rng: random.Random) -> str:
    """Numbers of every kind, valid and not, written every way, among words that score them."""
    parts: list[str] = []
    makers = (
        pii.resident_id,
        pii.resident_id_15,
        pii.mobile,
        pii.bank_card,
        lambda r: pii.bank_card(r, luhn=False),
        lambda r: "".join(r.choice("0123456789") for _ in range(r.randint(7, 20))),
        lambda r: "86" + pii.mobile(r),
        lambda r: "0755-" + "".join(r.choice("0123456789") for _ in range(8)),
    )
    for _ in range(rng.randint(1, 8)):
        if rng.random() < 0.7:
            parts.append(rng.choice(_WORDS))
        parts.append(rng.choice(("：", "", " ", "为", "，", "号码")))
        value = rng.choice(makers)(rng)
        variant = rng.choice(_VARIANTS) if value.isdigit() or value[:-1].isdigit() else "plain"
        parts.append(pii.render(value, variant, rng))
        parts.append(rng.choice(("。", "，", " ", "和", "\n", "*", "")))
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(pii.rngs(), st.sampled_from(range(len(ENGINES))), st.booleans())
def test_compiled_and_python_number_pass_agree(rng: random.Random, which: int, prune: bool) -> None:
    compiled, python = _both(ENGINES[which], _document(rng), prune)
    assert compiled == python


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 -X)（）号码身份证电话卡*", max_size=80), st.booleans())
def test_agree_on_arbitrary_digit_text(text: str, prune: bool) -> None:
    compiled, python = _both(ENGINES[0], text, prune)
    assert compiled == python


def test_agree_on_the_corpus() -> None:
    total = 0
    for path in sorted((ROOT / "corpora" / "dev").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for engine in ENGINES:
            compiled, python = _both(engine, text, True)
            assert compiled == python, path.name
            total += len(compiled)
    assert total > 1_000


def test_findings_are_real_findings() -> None:
    text = "身份证号440881199001011233，电话13812345678"
    found = ENGINES[0].analyze(text)
    assert [f.text for f in found] == ["440881199001011233", "13812345678"]
    f = found[0]
    assert type(f) is Finding and f == Finding(**{k: getattr(f, k) for k in Finding.__slots__})
    assert f.location == {} and f.attributes == {} and f.location is not found[1].location
    with pytest.raises(AttributeError):
        f.start = 3  # type: ignore[misc]  # still frozen


def _both_texts(
    engine: Engine, text: str, prune: bool
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    folded = fold(text)
    compiled: list[Finding] = []
    python: list[Finding] = []
    for rec, reader in zip(engine._texts, engine._text_readers, strict=True):
        spans = ((0, len(folded)),)
        assert reader is not None
        compiled.extend(reader.read(text, folded, prune, spans))
        python.extend(engine._texts_in_python(rec, text, folded, prune, spans))
    return _dicts(compiled), _dicts(python)


_EMAIL_TEXT = st.lists(
    st.one_of(
        pii.emails(),
        st.sampled_from(("邮箱", "电子邮箱：", "E-mail:", "gkb@gz.gov.cn", "*", "a@b", "@", "，", " ", "x")),
        st.text(alphabet="abc123.@-_中", max_size=8),
    ),
    max_size=8,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_EMAIL_TEXT, st.sampled_from(range(len(ENGINES))), st.booleans())
def test_compiled_and_python_text_pass_agree(text: str, which: int, prune: bool) -> None:
    compiled, python = _both_texts(ENGINES[which], text, prune)
    assert compiled == python
