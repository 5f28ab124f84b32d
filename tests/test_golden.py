"""Golden files: input document, expected masked output, expected findings (corpora/golden/core)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import deident

GOLDEN = Path(__file__).resolve().parents[1] / "corpora" / "golden" / "core"
CASES = sorted(p for p in GOLDEN.glob("*.txt") if not p.name.endswith(".masked.txt"))


@pytest.mark.parametrize("src", CASES, ids=lambda p: p.stem)
def test_golden(src: Path) -> None:
    masked = deident.mask_text(src.read_text(encoding="utf-8"))
    assert masked.text == src.with_suffix(".masked.txt").read_text(encoding="utf-8")
    got = [
        {"entity_type": f.entity_type, "start": f.start, "end": f.end, "text": f.text}
        for f in masked.findings
    ]
    assert got == json.loads(src.with_suffix(".findings.json").read_text(encoding="utf-8"))


def test_golden_cases_exist() -> None:
    assert len(CASES) >= 4
