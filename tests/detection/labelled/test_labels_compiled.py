"""The compiled label loop (`_reading.LabelScan`) reads what `LabelReader.read_python` reads: the
same labelled values down to the explanation, with and without the patterns' findings, for
every text hypothesis writes out of label words, glue and values."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.detection.labelled.labels import merge, merge_python
from deident.detection.native import reading
from deident.detection.numbers.normalise import fold
from deident.model import Explanation, Finding
from tests.detection.labelled.test_labels import LABELLED
from tests.factories import pii

if reading is None:  # pragma: no cover - test_native.py fails for that
    pytest.skip("the compiled engine loops are not installed", allow_module_level=True)

ENGINES = (
    Engine.create(ScanConfig()),
    Engine.create(
        ScanConfig(entities=frozenset({"CN_RESIDENT_ID", "CN_MOBILE", "CN_BANK_CARD", "EMAIL_ADDRESS"}))
    ),
    Engine.create(ScanConfig(entities=frozenset({"CN_LANDLINE", "CN_PASSPORT", "CN_LICENSE_PLATE"}))),
)
_WORDS = sorted({w for e in ENGINES for w in e._labels._owners})
_GLUE = (
    "",
    "：",
    ":",
    " ",
    "为",
    "是",
    "号码",
    "（本人）",
    '": "',
    "=",
    "**",
    "\u3000",
    "办公",
    "\n",
    "tel:",
)
_OTHER = ("办公", "咨询", "单位", "hotel", "，", "。", "*", "****", "**", "-", " ", "x", "_1")


def _value(rng: random.Random) -> str:
    makers = (
        pii.resident_id,
        lambda r: pii.resident_id(r)[:17],
        pii.mobile,
        lambda r: pii.landline(r, dash=r.random() < 0.5),
        lambda r: "+86-" + pii.landline(r)[1:],
        pii.bank_card,
        lambda r: " ".join(pii.bank_card(r)[i : i + 4] for i in range(0, 19, 4)),
        pii.passport,
        pii.travel_permit,
        pii.plate,
        pii.premasked_mobile,
        pii.email,
        lambda r: "".join(r.choice("0123456789 -.Xx*") for _ in range(r.randint(1, 32))),
    )
    return rng.choice(makers)(rng)


def _text(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(1, 6)):
        if rng.random() < 0.3:
            parts.append(rng.choice(_OTHER))
        parts += [rng.choice(_WORDS), rng.choice(_GLUE), _value(rng), rng.choice(_OTHER)]
    return "".join(parts)


def _both(engine: Engine, text: str, with_found: bool) -> None:
    folded = fold(text)
    found = engine.candidates(text) if with_found else []
    labels = engine._labels
    assert [f.to_dict() for f in labels.read(text, folded, found)] == [
        f.to_dict() for f in labels.read_python(text, folded, found)
    ]


@settings(max_examples=400, deadline=None)
@given(pii.rngs(), st.sampled_from(range(len(ENGINES))), st.booleans())
def test_compiled_and_python_label_loops_agree(rng: random.Random, which: int, with_found: bool) -> None:
    _both(ENGINES[which], _text(rng), with_found)


@pytest.mark.parametrize("text", [row[0] for row in LABELLED])
def test_agree_on_the_issue_rows(text: str) -> None:
    for engine in ENGINES:
        for with_found in (True, False):
            _both(engine, text, with_found)


def _merged_both(found: list[Finding], labelled: list[Finding]) -> None:
    compiled, python = merge(list(found), labelled), merge_python(list(found), labelled)
    assert [f.to_dict() for f in compiled] == [f.to_dict() for f in python]
    # the findings passed on are the same objects (only a raised score makes a new one)
    assert [id(f) for f in compiled if any(f is g for g in found + labelled)] == [
        id(f) for f in python if any(f is g for g in found + labelled)
    ]


@settings(max_examples=300, deadline=None)
@given(pii.rngs(), st.sampled_from(range(len(ENGINES))))
def test_compiled_and_python_merges_agree_on_texts(rng: random.Random, which: int) -> None:
    """`merge` (compiled `_reading.Merger`) joins the labelled values with the patterns' findings
    as `merge_python` does."""
    engine = ENGINES[which]
    text = _text(rng)
    folded = fold(text)
    found = engine._numbers_in(text, folded, False) + engine._texts_in(text, folded, False)
    if rng.random() < 0.3:
        rng.shuffle(found)
    _merged_both(found, engine._labels.read(text, folded, found))


_LABEL = Explanation("lab", "label", 0.9, "n/a", context_word="号", notes=("label 号",))
_PATTERN = Explanation("pat", "p", 0.5, "valid", notes=("x",))


def _finding(start: int, length: int, score: float, entity: str, labelled: bool) -> Finding:
    return Finding(entity, start, start + length, "x" * length, score, "r", _LABEL if labelled else _PATTERN)


def _findings(labelled: bool) -> st.SearchStrategy[list[Finding]]:
    return st.lists(
        st.builds(
            _finding,
            st.integers(0, 30),
            st.integers(0, 12),
            st.sampled_from((0.3, 0.5, 0.9, 1.0)),
            st.sampled_from(("A", "B")),
            st.just(labelled),
        ),
        max_size=20,
    )


@settings(max_examples=400, deadline=None)
@given(_findings(False), _findings(True))
def test_compiled_and_python_merges_agree_on_any_spans(found: list[Finding], labelled: list[Finding]) -> None:
    """Unordered, overlapping, nested and equal spans, zero-length ones included."""
    _merged_both(found, labelled)
