"""Fixtures of the command-line tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One PRE_COMMIT_HOME for every `pre-commit try-repo` test: the hook environment (deident and
    its dependencies in a virtualenv, minutes to build) is built once per run for this checkout's
    commit and reused, as a content repository's CI would reuse it."""
    return tmp_path_factory.mktemp("pre-commit-home")
