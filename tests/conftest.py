"""Fixtures shared by the whole suite. Value factories live in tests/factories/."""

from __future__ import annotations

from pathlib import Path

import pytest

from deident.config import ScanConfig
from deident.detection.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
STRUCTURED = frozenset(
    {
        "CN_RESIDENT_ID",
        "CN_MOBILE",
        "CN_LANDLINE",
        "CN_BANK_CARD",
        "CN_PASSPORT",
        "CN_TRAVEL_PERMIT",
        "CN_LICENSE_PLATE",
        "EMAIL_ADDRESS",
    }
)


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine with every recognizer, as `deident scan` uses it."""
    return Engine.create()


@pytest.fixture(scope="session")
def structured_engine() -> Engine:
    """Only the structured entities of the core issue (no names or addresses)."""
    return Engine.create(ScanConfig(entities=STRUCTURED))
