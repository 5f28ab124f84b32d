"""The compiled embedded-ID pass (`_reading.EmbeddedIds`) reports what `embedded_ids_python`
reports, for every text hypothesis builds from IDs inside longer runs."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings

from deident.detection.native import reading
from deident.detection.numbers.embedded import embedded_ids, embedded_ids_python
from deident.model import Explanation, Finding
from tests.factories import pii

if reading is None:  # pragma: no cover - test_native.py fails for that
    pytest.skip("the compiled engine loops are not installed", allow_module_level=True)

_EXPLANATION = Explanation("r", "p", 0.5)


def _text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 6)):
        value = pii.resident_id(rng)
        if rng.random() < 0.3:
            value = value[:17] + rng.choice("0123456789Xx")
        value = rng.choice(("", "G", "L", "g", "12")) + value + rng.choice(("", "53", "7", "a", "XX"))
        if rng.random() < 0.2:
            value = value * rng.randint(2, 3)  # longer than any identifier
        parts += [value, rng.choice(("，", " ", "号", "", "\n", "１"))]
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(pii.rngs())
def test_compiled_and_python_embedded_ids_agree(rng: random.Random) -> None:
    text = _text(rng)
    found = []
    for a in range(0, len(text), max(1, rng.randint(1, 40))):
        if rng.random() < 0.2:
            found.append(Finding("X", a, a + rng.randint(1, 30), "", 0.5, "r", _EXPLANATION))
    assert [f.to_dict() for f in embedded_ids(text, found)] == [
        f.to_dict() for f in embedded_ids_python(text, found)
    ]


def _sparse_text(rng: random.Random) -> str:
    """Identifiers at every offset among fillers of any length: the compiled scan passes over
    19 characters at a time where the 19th is no letter or digit."""
    parts = []
    for _ in range(rng.randint(1, 5)):
        parts.append(rng.choice(("中", "，", " ", "ab", "1", "x")) * rng.randint(0, 40))
        value = rng.choice(("", "G", "12")) + pii.resident_id(rng) + rng.choice(("", "53", "a"))
        parts.append(value[: rng.randint(15, len(value))] if rng.random() < 0.3 else value)
    return "".join(parts) + rng.choice(("", "é", "\U0001f600"))


@settings(max_examples=400, deadline=None)
@given(pii.rngs())
def test_compiled_and_python_embedded_ids_agree_among_fillers(rng: random.Random) -> None:
    text = _sparse_text(rng)
    assert [f.to_dict() for f in embedded_ids(text, [])] == [
        f.to_dict() for f in embedded_ids_python(text, [])
    ]
