"""The compiled keep rule (`_reading.Keeper.keep`) keeps what `resolve.keep_python` keeps: the
same findings in the same order, IDs that fail a check explained the same way."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.detection.hints import explain_id
from deident.detection.native import reading
from deident.detection.resolve import keep_python
from deident.model import FINDING_FIELDS, Finding
from tests.detection.test_reading import ENGINES, _document
from tests.factories import pii

if reading is None:  # pragma: no cover - test_native.py fails for that
    pytest.skip("the compiled engine loops are not installed", allow_module_level=True)

CONFIGS = (*(e.config for e in ENGINES), ScanConfig(entities=frozenset({"CN_MOBILE"})))


@settings(max_examples=300, deadline=None)
@given(pii.rngs(), st.sampled_from(range(len(ENGINES))), st.sampled_from(range(len(CONFIGS))))
def test_compiled_and_python_keep_agree(rng: random.Random, which: int, config: int) -> None:
    found = ENGINES[which].candidates(_document(rng))
    cfg = CONFIGS[config]
    compiled = reading.Keeper(cfg.min_score, cfg.entities, explain_id, Finding, FINDING_FIELDS)
    assert [f.to_dict() for f in compiled.keep(found)] == [
        f.to_dict() for f in keep_python(found, cfg.min_score, cfg.entities)
    ]


def test_an_id_that_fails_says_which_check() -> None:
    engine = Engine.create(ScanConfig(min_score=0.1))
    found = engine.candidates("身份证号：440881199001011234")
    for kept in (engine._kept(found), keep_python(found, 0.1, None)):
        (f,) = [f for f in kept if f.entity_type == "CN_RESIDENT_ID"]
        assert "fails: check digit" in f.explanation.notes
