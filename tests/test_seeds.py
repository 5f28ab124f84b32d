"""Real government prose without private personal data: every finding is a false positive."""

from __future__ import annotations

import pytest

import deident
from tests.conftest import SEEDS, STRUCTURED, seed_files

# Collected by name even where the folder is missing, so a missing folder shows as a skip (a
# failure in CI), never as zero collected tests.
SEED_NAMES = [f"{n:03d}" for n in range(5)]


@pytest.mark.parametrize("prefix", SEED_NAMES)
def test_no_structured_findings_on_seeds(prefix: str) -> None:
    seed_files()
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    cfg = deident.ScanConfig(entities=STRUCTURED)
    assert deident.scan_file(path, cfg).findings == ()


def test_at_most_two_findings_on_all_seeds() -> None:
    found = [f for p in seed_files() for f in deident.scan_file(p).findings]
    assert len(found) <= 2, [(f.entity_type, f.text) for f in found]
