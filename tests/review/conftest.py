from __future__ import annotations

from pathlib import Path

import pytest

from deident.review.keys import Key, load_key
from deident.review.ledger import Ledger


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the developer's real key or a ledger in the working tree."""
    keydir = tmp_path_factory.mktemp("keys")
    monkeypatch.setenv("DEIDENT_KEY_FILE", str(keydir / "hmac.key"))
    monkeypatch.delenv("DEIDENT_LEDGER", raising=False)


@pytest.fixture
def key(tmp_path_factory: pytest.TempPathFactory) -> Key:
    return load_key(tmp_path_factory.mktemp("k") / "hmac.key")


@pytest.fixture
def ledger(tmp_path: Path, key: Key) -> Ledger:
    return Ledger(tmp_path / "repo" / ".deident" / "ledger.jsonl", key)
