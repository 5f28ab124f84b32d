"""The real `pre-commit try-repo` against this repository's .pre-commit-hooks.yaml.

try-repo installs deident into its own virtualenv (from PyPI for the dependencies), so this is
slow; it stays in the default run because the hooks are what content repositories rely on.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories.workflow import make_leak, write_clean, write_leaking

REPO = Path(__file__).resolve().parents[2]


def _tool(name: str) -> str | None:
    local = Path(sys.executable).with_name(name)
    return str(local) if local.exists() else shutil.which(name)


@pytest.mark.slow
def test_pre_commit_hooks_block_leaks_and_unapproved_files(tmp_path: Path, pre_commit_home: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pre_commit, deident = _tool("pre-commit"), _tool("deident")
    if pre_commit is None:
        pytest.skip("pre-commit is not installed")
    assert deident is not None, "the deident command is not installed"
    if not (REPO / ".pre-commit-hooks.yaml").exists():
        pytest.fail(".pre-commit-hooks.yaml is missing at the repository root")
    site = tmp_path / "site"
    site.mkdir()
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(pre_commit_home),
        "DEIDENT_KEY_FILE": str(tmp_path / "keys" / "hmac.key"),
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }  # fmt: skip
    env.pop("DEIDENT_LEDGER", None)
    subprocess.run(["git", "init", "-q", "."], cwd=site, check=True, env=env)
    leak = make_leak(51)
    write_clean(site / "通知.txt")
    write_leaking(site / "名单.txt", leak)
    subprocess.run(["git", "add", "."], cwd=site, check=True, env=env)
    # The reviewer approved the clean notice (with the deident of this checkout).
    r = subprocess.run(
        [deident, "approve", "通知.txt", "--reviewer", "王芳"],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr

    both = subprocess.run(
        [pre_commit, "try-repo", str(REPO), "--files", "通知.txt", "名单.txt", "--verbose"],
        cwd=site, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    out = both.stdout + both.stderr
    assert both.returncode == 1, out
    assert "deident scan (unmasked personal data)" in out and "Failed" in out
    assert "名单.txt" in out and "findings" in out
    assert "BLOCKED  名单.txt: never approved" in out
    assert "BLOCKED  通知.txt" not in out
    for v in leak.values:  # the hook redacts: CI logs must not carry the data either
        assert v not in out

    clean_only = subprocess.run(
        [pre_commit, "try-repo", str(REPO), "--files", "通知.txt"],
        cwd=site, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    out = clean_only.stdout + clean_only.stderr
    assert clean_only.returncode == 0, out
    assert out.count("Passed") == 2
