"""Fixtures shared by the whole suite. Value factories live in tests/factories/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.detection.spec import structured_entities

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
# CI lays ../shared beside the checkout and installs every tool the tests drive: there, a test that
# would skip for a missing input or tool fails instead, so a green run never hides what it did not test.
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# In CI the property tests draw the same examples every run (a red run can be replayed, a green one
# is not luck); locally they draw new ones each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if IN_CI:
    settings.load_profile("ci")
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


def seed_files() -> list[Path]:
    """The real government documents of ../shared/seeds; skipped without them (failed in CI)."""
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not files:
        pytest.skip(f"{SEEDS} (../shared/seeds) is not beside this checkout")
    return files


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run the slow end-to-end tests (what CI runs)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow") or IN_CI:
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every input and tool must be present: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped:
        report.outcome = "failed"
        report.longrepr = (
            f"module skipped in CI, where every input and tool must be present: {report.longrepr}"
        )
