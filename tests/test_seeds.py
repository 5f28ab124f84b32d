"""Real government prose without private personal data: every finding is a false positive."""

from __future__ import annotations

from pathlib import Path

import pytest

import deident
from tests.conftest import SEEDS, STRUCTURED

SEED_FILES = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


@pytest.mark.skipif(not SEED_FILES, reason="../shared/seeds is not beside this checkout")
@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_no_structured_findings_on_seeds(path: Path) -> None:
    cfg = deident.ScanConfig(entities=STRUCTURED)
    assert deident.scan_file(path, cfg).findings == ()


@pytest.mark.skipif(not SEED_FILES, reason="../shared/seeds is not beside this checkout")
def test_at_most_two_findings_on_all_seeds() -> None:
    found = [f for p in SEED_FILES for f in deident.scan_file(p).findings]
    assert len(found) <= 2, [(f.entity_type, f.text) for f in found]
