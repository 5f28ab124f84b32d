"""Fixtures shared by the whole suite. Value factories live in tests/factories/."""

from __future__ import annotations

from pathlib import Path

import pytest

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.detection.spec import structured_entities

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
# The entities of the core issue: found by patterns and checksums, not by grammar detectors.
STRUCTURED = structured_entities()


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine with every recognizer, as `deident scan` uses it."""
    return Engine.create()


@pytest.fixture(scope="session")
def structured_engine() -> Engine:
    """Only the structured entities of the core issue (no names or addresses)."""
    return Engine.create(ScanConfig(entities=STRUCTURED))
