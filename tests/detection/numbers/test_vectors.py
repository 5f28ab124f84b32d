"""Other libraries' own test vectors as test tables (sources and licences next to the data in
corpora/external/): python-stdnum's cn.ric and cn.uscc. Every valid ID is found, bare and after
its label; an invalid one is found only after its label, and its explanation names the check
it fails; no credit code is ever reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deident.api import scan_text
from deident.detection.engine import Engine
from deident.detection.numbers.validators import id_problem

ROOT = Path(__file__).resolve().parents[3]
STDNUM = json.loads((ROOT / "corpora" / "external" / "stdnum" / "vectors.json").read_text(encoding="utf-8"))
_PROBLEMS = {"format": "format", "date": "birth date", "checksum": "check digit", "region": "region code"}


@pytest.mark.parametrize("value", STDNUM["ric_valid"])
def test_stdnum_valid_ids_found(structured_engine: Engine, value: str) -> None:
    for text in (f"{value}", f"申请人身份证号：{value}。", f"证件号码 {value}"):
        found = [(f.entity_type, f.text) for f in structured_engine.analyze(text)]
        assert found == [("CN_RESIDENT_ID", value)], text


@pytest.mark.parametrize(("value", "problem"), sorted(STDNUM["ric_invalid"].items()))
def test_stdnum_invalid_ids(structured_engine: Engine, value: str, problem: str) -> None:
    assert id_problem(value) == _PROBLEMS[problem]
    assert structured_engine.analyze(f"编码{value}") == [], "an invalid ID without its label is no ID"
    if problem == "format":
        return
    (f,) = scan_text(f"身份证号：{value}")
    assert f.entity_type == "CN_RESIDENT_ID" and f.text == value, "a mistyped ID after its label is an ID"
    assert f"fails: {_PROBLEMS[problem]}" in f.explanation.notes


def test_stdnum_credit_codes_never_reported(structured_engine: Engine) -> None:
    reported = []
    for code in STDNUM["uscc_valid"]:
        for text in (code, f"统一社会信用代码：{code}", f"{code}，"):
            reported += [(text, f.entity_type) for f in structured_engine.analyze(text)]
    assert reported == []
